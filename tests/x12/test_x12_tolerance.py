"""What real senders do to X12, read exactly as the canonical form of the same data.

Each variant rewrites a hand-written fixture (one segment per line, '~' terminated) and must
give the very same tables as the original.
"""

from __future__ import annotations

import polars as pl
import pytest
from x12_support import FIXTURES, codes, fixture_text, read_text

from pipelines.x12 import read_x12, read_x12_batch

NAMES = ("835_synthetic.x12", "837p_synthetic.x12", "837i_synthetic.x12")
ENVELOPE_COLUMNS = ("interchange_control_number", "group_control_number",
                    "implementation_version")


def assert_same_tables(document, reference):
    assert document.error is None, document.error
    assert document.tables.keys() == reference.tables.keys()
    for name, frame in reference.tables.items():
        assert document.tables[name].equals(frame), name


def _reference(name):
    return read_x12(FIXTURES / name)


def _lines(text: str) -> list[str]:
    return text.strip("\n").split("\n")


VARIANTS = {
    "newline_terminator": lambda t: t.replace("~\n", "\n"),
    "crlf_after_tilde": lambda t: t.replace("\n", "\r\n"),
    "crlf_terminator": lambda t: t.replace("~\n", "\r\n"),
    "cr_terminator": lambda t: t.replace("~\n", "\r"),
    "single_line": lambda t: t.replace("\n", ""),
    "blank_lines_and_indentation": lambda t: t.replace("~\n", "~\n\n    \t"),
    "doubled_terminators": lambda t: t.replace("~\n", "~~\n"),
    "other_declared_separators": lambda t: t.replace("*", "|").replace(":", ">")
    .replace("~", "'").replace("|^|", "|}|"),
    "utf8_bom": lambda t: "\ufeff" + t,
}


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("variant", VARIANTS)
def test_variant_reads_the_same_tables(name, variant):
    reference = _reference(name)
    assert_same_tables(read_text(VARIANTS[variant](fixture_text(name))), reference)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_with_and_without_bom(encoding):
    text = fixture_text("835_synthetic.x12")
    document = read_x12(text.encode(encoding))
    assert_same_tables(document, _reference("835_synthetic.x12"))
    assert "TEXT_ENCODING" in codes(document)


def test_utf16_file_on_disk(tmp_path):
    path = tmp_path / "remit.835"
    path.write_bytes(fixture_text("835_synthetic.x12").encode("utf-16"))
    assert_same_tables(read_x12(path), _reference("835_synthetic.x12"))


def test_isa_not_fixed_width_is_read_and_diagnosed():
    text = fixture_text("837p_synthetic.x12").replace("*00*          *00*", "*00*    *00*", 1)
    document = read_text(text)
    reference = _reference("837p_synthetic.x12")
    assert_same_tables(document, reference)
    first = document.diagnostics[0]
    assert (first.code, first.segment_index, first.line_number) == ("ISA_NOT_FIXED_WIDTH", 0, 1)


def test_component_separator_other_than_isa16_is_split_and_diagnosed():
    text = fixture_text("837p_synthetic.x12").replace("11:B:1", "11>B>1").replace(
        "HC:97110:GP:KX", "HC>97110>GP>KX")
    document = read_text(text)
    assert_same_tables(document, _reference("837p_synthetic.x12"))
    mismatches = [d for d in document.diagnostics if d.code == "COMPONENT_SEPARATOR_MISMATCH"]
    assert [(d.segment_id, d.segment_index) for d in mismatches] == [("CLM", 20), ("SV1", 35)]


def test_file_without_envelope_starts_at_st():
    lines = _lines(fixture_text("835_synthetic.x12"))
    body = "\n".join(line for line in lines if line[:3] not in ("ISA", "GS*", "GE*", "IEA"))
    document = read_text(body)
    reference = _reference("835_synthetic.x12")
    assert document.error is None
    assert codes(document) == ["NO_ENVELOPE"]
    assert (document.kind, document.version, document.interchanges) == (
        "835", "005010X221A1", 0)
    for name, frame in reference.tables.items():
        got = document.tables[name]
        assert got.get_column("interchange_control_number").is_null().all()
        assert got.drop(ENVELOPE_COLUMNS + ("segment_index",) + _index_columns(frame)).equals(
            frame.drop(ENVELOPE_COLUMNS + ("segment_index",) + _index_columns(frame))), name
        # indexes shift by the two envelope segments removed in front (ISA, GS)
        assert (got.get_column("segment_index") + 2).to_list() == frame.get_column(
            "segment_index").to_list()


def _index_columns(frame) -> tuple[str, ...]:
    return tuple(c for c in frame.columns if c.endswith("segment_index"))


def test_file_without_envelope_newline_terminated_837():
    lines = _lines(fixture_text("837p_synthetic.x12"))
    body = "\n".join(line.rstrip("~") for line in lines if line[:3] not in (
        "ISA", "GS*", "GE*", "IEA"))
    document = read_text(body)
    assert document.error is None
    assert (document.kind, document.claims, str(document.total_charge)) == ("837P", 2, "350.00")
    lines_table = document.tables["edi_837_service_lines"]
    assert lines_table.get_column("procedure_code").to_list() == ["97110", "97140", "97530"]


def test_many_interchanges_groups_and_transactions():
    remit = fixture_text("835_synthetic.x12")
    second = remit.replace("000000101", "000000102").replace("*101*", "*102*").replace(
        "GE*1*101", "GE*1*102")
    document = read_text(remit + second)
    assert (document.interchanges, document.transactions, document.claims) == (2, 2, 6)
    assert document.diagnostics == []
    payments = document.tables["edi_835_payments"]
    assert payments.get_column("interchange_control_number").to_list() == [
        "000000101", "000000102"]
    assert payments.get_column("group_control_number").to_list() == ["101", "102"]


def test_text_isa_inside_data_is_data():
    text = fixture_text("835_synthetic.x12").replace("NM1*QC*1*DOE*JANE", "NM1*QC*1*ISA*JANE")
    text = text.replace("REF*1K*PAYREF9~", "REF*1K*ISA*00~")
    document = read_text(text)
    assert document.error is None and document.interchanges == 1
    claim = document.tables["edi_835_claim_payments"].row(0, named=True)
    assert claim["patient_last_name"] == "ISA"
    supplemental = document.tables["edi_supplemental_values"].row(0, named=True)
    assert supplemental["value"] == "ISA"


def test_legacy_code_page_bytes_are_kept():
    text = fixture_text("835_synthetic.x12").replace("NM1*QC*1*DOE*JANE", "NM1*QC*1*MÜLLER*JANE")
    document = read_x12(text.encode("cp1252"))
    assert document.error is None
    assert document.tables["edi_835_claim_payments"].item(0, "patient_last_name") == "MÜLLER"


OTHER_SEPARATORS = {
    "element": lambda t: t.replace("*", "|").replace("|^|", "|}|"),
    "terminator": lambda t: t.replace("~\n", "!\n"),
    "component": lambda t: t.replace(":", ">"),
    "all_on_one_line": lambda t: t.replace("*", "|").replace(":", ">").replace("~\n", "'"),
}


def _shifted(frame, segments: int):
    return frame.with_columns(pl.col(_index_columns(frame)) + segments)


@pytest.mark.parametrize("rewrite", OTHER_SEPARATORS)
def test_interchange_with_other_separators_is_read_with_its_own(rewrite):
    remit = fixture_text("835_synthetic.x12")
    second = OTHER_SEPARATORS[rewrite](remit.replace("000000101", "000000102"))
    document = read_text(remit + second)
    alone = [read_text(remit), read_text(second)]
    assert document.error is None
    assert (document.claims, document.interchanges, document.total_charge) == (
        6, 2, 2 * alone[0].total_charge)
    first_segments = remit.count("~")
    assert read_text(remit).diagnostics == []
    found = document.diagnostics
    assert [(d.code, d.severity, d.segment_index, d.line_number, d.segment_id)
            for d in found] == [("INTERCHANGE_SEPARATORS_DIFFER", "warning", first_segments,
                                 remit.count("\n") + 1, "ISA")]
    for name, frame in document.tables.items():
        expected = pl.concat([alone[0].tables[name],
                              _shifted(alone[1].tables[name], first_segments)])
        assert frame.equals(expected), name


def test_interchanges_alternating_separators_in_a_batch():
    remit = fixture_text("835_synthetic.x12")
    other = OTHER_SEPARATORS["element"](remit)
    text = remit + other + remit
    documents = read_x12_batch([text.encode(), other.encode(), remit.encode()])
    assert [d.claims for d in documents] == [9, 3, 3]
    assert [d.code for d in documents[0].diagnostics] == ["INTERCHANGE_SEPARATORS_DIFFER"] * 2
    assert documents[0].tables["edi_835_claim_payments"].get_column(
        "patient_control_number").to_list() == ["PCN001", "PCN002", "PCN003"] * 3


def test_interchange_whose_isa_declares_no_readable_separators_is_read_with_those_before():
    remit = fixture_text("835_synthetic.x12")
    second = remit.replace("000000101", "000000102")
    isa = second.split("~")[0]
    short_isa = "*".join(isa.split("*")[:10])  # ISA cut after ISA09: no ISA16, no terminator
    document = read_text(remit + second.replace(isa, short_isa))
    assert document.error is None
    assert document.claims == 6
    assert [(d.code, d.severity, d.segment_index, d.line_number) for d in document.diagnostics
            ] == [("INTERCHANGE_SEPARATORS_DIFFER", "warning", 51, 52)]
    assert "does not declare readable separators" in document.diagnostics[0].message


def test_amounts_and_dates_padded_with_spaces_are_read_exactly():
    text = fixture_text("835_synthetic.x12")
    padded = text.replace("CLP*PCN001*1*210.00*150.00", "CLP*PCN001*1* 210.00*150.00 ")
    padded = padded.replace("DTM*232*20231201", "DTM*232* 20231201 ")
    assert padded != text
    document = read_text(padded)
    assert document.diagnostics == []
    assert_same_tables(document, _reference("835_synthetic.x12"))
