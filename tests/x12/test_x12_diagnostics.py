"""Each diagnostic code, provoked by a small edit of a hand-written fixture, located exactly."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from x12_support import FIXTURES, codes, fixture_text, read_text

from pipelines.x12 import CODES, diagnostics_frame, read_x12
from pipelines.x12.tables import DIAGNOSTICS


def only(document, code):
    found = [d for d in document.diagnostics if d.code == code]
    assert found, f"{code} not in {codes(document)}"
    return found


def edit(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if line.startswith(needle))


# (fixture, old text, new text, expected code, segment id of the finding)
CASES = [
    ("835", "SE*47*0001", "SE*46*0001", "SE_COUNT_MISMATCH", "SE"),
    ("835", "SE*47*0001", "SE*47*0002", "SE_CONTROL_MISMATCH", "SE"),
    ("835", "GE*1*101", "GE*2*101", "GE_COUNT_MISMATCH", "GE"),
    ("835", "GE*1*101", "GE*1*999", "GE_CONTROL_MISMATCH", "GE"),
    ("835", "IEA*1*000000101", "IEA*3*000000101", "IEA_COUNT_MISMATCH", "IEA"),
    ("835", "IEA*1*000000101", "IEA*1*000000999", "IEA_CONTROL_MISMATCH", "IEA"),
    ("835", "LX*1~", "LX*1~\nZZZ*1~", "UNKNOWN_SEGMENT", "ZZZ"),
    ("835", "LX*1~", "LX*1~\nSVC*HC:97110*10*10~", "SEGMENT_OUT_OF_PLACE", "SVC"),
    ("835", "CLP*PCN001*1*210.00", "CLP**1*210.00", "MISSING_ELEMENT", "CLP"),
    ("835", "BPR*I*56.25*C", "BPR*I**C", "MISSING_ELEMENT", "BPR"),
    ("835", "SVC*HC:97140*80.00", "SVC*HC:97140*", "MISSING_ELEMENT", "SVC"),
    ("835", "CLP*PCN003*4*150.00", "CLP*PCN003*4*15O.00", "INVALID_AMOUNT", "CLP"),
    ("835", "DTM*472*20231215", "DTM*472*20231315", "INVALID_DATE", "SVC"),
    ("835", "AMT*AU*180.00", "AMT*AU*180.005", "AMOUNT_PRECISION", "CLP"),
    ("835", "CAS*CO*45*10.00~", "CAS*CO*45*11.00~", "CLAIM_NOT_BALANCED", "CLP"),
    ("835", "CAS*PR*1*20.00**2*10.00", "CAS*PR*1*25.00**2*10.00", "SERVICE_NOT_BALANCED",
     "SVC"),
    ("835", "BPR*I*56.25*C", "BPR*I*60.00*C", "PAYMENT_NOT_BALANCED", "BPR"),
    ("835", "DTM*233*20231215~", "DTM*233*20231215~\nREF*EA*X~", "SEGMENT_OUT_OF_ORDER", "REF"),
    ("837p", "CLM*PCN001*200.00", "CLM*PCN001*210.00", "CLAIM_CHARGE_MISMATCH", "CLM"),
    ("837p", "11:B:7", "", "MISSING_ELEMENT", "CLM"),
    ("837p", "CLM*PCN001*200.00", "CLM**200.00", "MISSING_ELEMENT", "CLM"),
    ("837p", "SV1*HC:97530*150.00", "SV1*HC:97530*", "MISSING_ELEMENT", "SV1"),
    ("837p", "HL*4*3*23*0", "HL*4*9*23*0", "HL_PARENT_NOT_FOUND", "HL"),
    ("837p", "N3*5 ELM ST~\nN4*SPRINGFIELD*IL*62702~", "N4*SPRINGFIELD*IL*62702~\nN3*5 ELM ST~",
     "SEGMENT_OUT_OF_ORDER", "N3"),
    ("837p", "HL*1**20*1~", "HL*1**20*1~\nCLM*X1*10.00***11:B:1~", "SEGMENT_OUT_OF_PLACE",
     "CLM"),
    ("837p", "LX*2~\n", "", "SEGMENT_OUT_OF_PLACE", "SV1"),
    ("837p", "DTP*472*D8*20231201~\nREF*6R*LINE001~", "REF*6R*LINE001~\nDTP*472*D8*20231201~",
     "SEGMENT_OUT_OF_ORDER", "DTP"),
    ("837p", "GE*1*202", "REF*XX*STRAY~\nGE*1*202", "SEGMENT_OUTSIDE_TRANSACTION", "REF"),
    ("837p", "DMG*D8*19700115*M", "DMG*D8*19700132*M", "INVALID_DATE", "CLM"),
]
FILES = {"835": "835_synthetic.x12", "837p": "837p_synthetic.x12"}


@pytest.mark.parametrize("fixture, old, new, code, segment_id", CASES,
                         ids=[f"{c[3]}-{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_each_problem_is_a_located_diagnostic(fixture, old, new, code, segment_id):
    original = fixture_text(FILES[fixture])
    assert read_text(original).diagnostics == []
    text = edit(original, old, new)
    document = read_text(text)
    assert document.error is None, document.error
    found = only(document, code)
    assert found[0].severity == CODES[code][0]
    assert found[0].segment_id == segment_id
    located = text.splitlines()[found[0].line_number - 1]
    assert located.startswith(segment_id)
    assert found[0].message


def test_balanced_remit_stays_balanced_when_reversed():
    """The reversal claim (CLP02 22, negative amounts) balances: no diagnostic."""
    document = read_x12(FIXTURES / "835_synthetic.x12")
    reversal = document.tables["edi_835_claim_payments"].filter(
        pl.col("claim_status_code") == "22")
    assert reversal.height == 1
    assert document.diagnostics == []


def test_trailer_missing_inside_file_is_a_warning():
    text = fixture_text("835_synthetic.x12")
    body = text[text.index("ST*835"):text.index("GE*1")]
    first = body.replace("SE*47*0001~\n", "")
    second = body.replace("0001", "0002")
    whole = text.replace(body, first + second).replace("GE*1*101", "GE*2*101")
    document = read_text(whole)
    assert document.error is None
    found = only(document, "TRAILER_MISSING")
    assert [(d.segment_id, d.segment_index) for d in found] == [("ST", 2)]


# -------------------------------------------------------------- files that are not read
def error_of(data: bytes):
    document = read_x12(data, file_name="bad.x12")
    assert document.error is not None
    assert document.tables == {}
    assert document.claims == 0
    return document.error


def test_not_x12():
    error = error_of(b"claim_id,amount\n1,2.00\n")
    assert (error.code, error.line_number, error.segment_index) == ("NOT_X12", 1, 0)


@pytest.mark.parametrize("data", [b"", b"   \r\n\n"])
def test_empty_file(data):
    assert error_of(data).code == "EMPTY_FILE"


def test_truncated_inside_a_transaction():
    text = fixture_text("835_synthetic.x12")
    cut = text[:text.index("CLP*PCN003")]
    error = error_of(cut.encode())
    assert error.code == "TRUNCATED"
    assert error.line_number == cut.count("\n")
    assert error.segment_id == "CAS"


def test_truncated_after_se_without_ge_iea():
    text = fixture_text("837p_synthetic.x12")
    error = error_of(text[:text.index("GE*")].encode())
    assert error.code == "TRUNCATED" and error.segment_id == "SE"


@pytest.mark.parametrize("transaction", ["270", "999", "277"])
def test_unsupported_transaction(transaction):
    text = fixture_text("835_synthetic.x12").replace("ST*835*", f"ST*{transaction}*")
    error = error_of(text.encode())
    assert error.code == "UNSUPPORTED_TRANSACTION"
    assert (error.segment_id, error.segment_index, error.line_number) == ("ST", 2, 3)
    assert transaction in error.message


def test_mixed_transactions():
    remit, claim = fixture_text("835_synthetic.x12"), fixture_text("837p_synthetic.x12")
    assert error_of((remit + claim).encode()).code == "MIXED_TRANSACTIONS"


def test_isa_too_short():
    assert error_of(b"ISA*00*          *00*~GS*HC~").code == "BAD_SEPARATORS"


def test_envelope_without_transaction():
    text = fixture_text("835_synthetic.x12")
    lines = [line for line in text.splitlines() if line[:3] in ("ISA", "GS*", "GE*", "IEA")]
    assert error_of("\n".join(lines).encode()).code == "NO_TRANSACTIONS"


def test_utf16_that_does_not_decode_is_a_clear_error():
    # looks like UTF-16 (a BOM, then zero bytes) but ends in the middle of a character
    data = fixture_text("835_synthetic.x12").encode("utf-16-be")[:1421]
    error = error_of(data)
    assert error.code == "NOT_X12"
    assert "UTF-16-BE" in error.message and "does not decode" in error.message


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cut=st.integers(min_value=0, max_value=2600), junk=st.binary(max_size=40))
def test_any_damage_is_reported_never_raised(cut, junk):
    text = fixture_text("835_synthetic.x12").encode()
    document = read_x12(text[:cut] + junk + text[cut + len(junk):])
    assert (document.error is None) or (document.tables == {} and document.error.message)
    assert document.error is None or document.error.code != "READ_FAILED", document.error


def test_diagnostics_frame_has_the_contract_schema():
    text = edit(fixture_text("835_synthetic.x12"), "SE*47*0001", "SE*46*0002")
    document = read_text(text)
    frame = diagnostics_frame(document)
    assert dict(frame.schema) == DIAGNOSTICS
    assert frame.get_column("code").to_list() == ["SE_COUNT_MISMATCH", "SE_CONTROL_MISMATCH"]
    assert diagnostics_frame(document.diagnostics).equals(frame)
    assert dict(diagnostics_frame([]).schema) == DIAGNOSTICS
