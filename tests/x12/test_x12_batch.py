"""read_x12_batch: many files read together give, file by file, exactly what read_x12 gives."""

from __future__ import annotations

import pytest
from x12_support import FIXTURES, PUBLIC_SAMPLES, fixture_text

from pipelines.x12 import X12Document, read_x12, read_x12_batch
from pipelines.x12 import claims_837 as claims_module

ROOT_FIXTURES = FIXTURES.parent
SCALARS = ("file_name", "kind", "version", "interchanges", "transactions", "claims",
           "service_lines", "total_charge", "total_paid")


def assert_same(got: X12Document, expected: X12Document) -> None:
    for name in SCALARS:
        assert getattr(got, name) == getattr(expected, name), name
    if expected.error is None:
        assert got.error is None, got.error
    else:
        assert got.error is not None
        assert (got.error.code, got.error.as_dict()) == (expected.error.code,
                                                         expected.error.as_dict())
    assert got.diagnostics_table.equals(expected.diagnostics_table)
    assert list(got.tables) == list(expected.tables)
    for name, frame in expected.tables.items():
        assert got.tables[name].equals(frame), name


def _inputs() -> list:
    paths = sorted(path for path in ROOT_FIXTURES.rglob("*") if path.is_file())
    if PUBLIC_SAMPLES.exists():
        paths += sorted(path for path in PUBLIC_SAMPLES.iterdir()
                        if path.suffix not in (".tsv", ".md"))
    return paths


def test_every_fixture_and_public_sample_in_one_batch_reads_as_alone():
    paths = _inputs()
    documents = read_x12_batch(paths)
    assert len(documents) == len(paths)
    for path, document in zip(paths, documents, strict=True):
        assert_same(document, read_x12(path))
    assert sum(document.claims for document in documents) > 0


def test_bad_files_do_not_touch_their_neighbours():
    remit, claim = fixture_text("835_synthetic.x12"), fixture_text("837p_synthetic.x12")
    sources = {
        "remit": remit.encode(),
        "not_x12": b"claim,amount\n1,2.00\n",
        "truncated": remit[:remit.index("CLP*PCN003")].encode(),
        "empty": b"",
        "claims": claim.encode(),
        "unsupported": remit.replace("ST*835*", "ST*999*").encode(),
        "mixed": (remit + claim).encode(),
        "utf16": remit.encode("utf-16"),
        "cp1252": remit.replace("DOE*JANE", "MÜLLER*JANE").encode("cp1252"),
        "binary": bytes(range(256)) * 4,
        "claims_again": claim.replace("CLM*PCN001*200.00", "CLM*PCN001*210.00").encode(),
        "no_envelope": "\n".join(line for line in remit.splitlines()
                                 if line[:3] not in ("ISA", "GS*", "GE*", "IEA")).encode(),
    }
    documents = read_x12_batch(list(sources.values()), list(sources))
    for (name, data), document in zip(sources.items(), documents, strict=True):
        assert_same(document, read_x12(data, file_name=name))
    errors = {name: d.error.code for name, d in zip(sources, documents, strict=True)
              if d.error}
    assert errors == {"not_x12": "NOT_X12", "truncated": "TRUNCATED", "empty": "EMPTY_FILE",
                      "unsupported": "UNSUPPORTED_TRANSACTION", "mixed": "MIXED_TRANSACTIONS",
                      "binary": "NOT_X12"}
    claims = {name: d.claims for name, d in zip(sources, documents, strict=True)}
    assert (claims["remit"], claims["claims"], claims["utf16"], claims["no_envelope"]) == (
        3, 2, 3, 3)
    assert [d.code for d in documents[10].diagnostics] == ["CLAIM_CHARGE_MISMATCH"]


def test_a_reader_defect_on_one_file_spares_the_others(monkeypatch):
    remit, claim = fixture_text("835_synthetic.x12"), fixture_text("837p_synthetic.x12")
    boom = claim.replace("CLM*PCN001", "CLM*BOOM")
    expected = [read_x12(remit.encode()), read_x12(claim.encode())]
    build = claims_module.build

    def failing_build(segments, *args):
        if segments.filter(segments.get_column("text").str.starts_with("CLM*BOOM")).height:
            raise RuntimeError("defect")
        return build(segments, *args)

    monkeypatch.setattr(claims_module, "build", failing_build)
    documents = read_x12_batch([remit.encode(), boom.encode(), claim.encode()])
    assert documents[1].error.code == "READ_FAILED"
    assert_same(documents[0], expected[0])
    assert_same(documents[2], expected[1])


def test_names_default_to_paths_and_must_match_the_sources():
    path = FIXTURES / "835_synthetic.x12"
    documents = read_x12_batch([path, path.read_bytes()])
    assert [d.file_name for d in documents] == [str(path), None]
    assert read_x12_batch([path], ["remit.835"])[0].file_name == "remit.835"
    assert read_x12_batch([]) == []
    with pytest.raises(ValueError):
        read_x12_batch([path], ["a", "b"])


def test_the_same_file_twice_reads_twice():
    path = FIXTURES / "837p_synthetic.x12"
    first, second = read_x12_batch([path, path])
    assert_same(first, second)
    assert first.tables["edi_837_claims"].get_column("segment_index").to_list() == (
        read_x12(path).tables["edi_837_claims"].get_column("segment_index").to_list())
