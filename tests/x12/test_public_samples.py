"""Conformance on real public files: ../shared/x12-public-samples against EXPECTED.tsv.

Counts and totals in EXPECTED.tsv come from an independent segment count, not from a parser.
"""

from __future__ import annotations

import csv
import json
from decimal import Decimal

import pytest
from x12_support import PUBLIC_SAMPLES, codes

from pipelines.x12 import read_x12
from pipelines.x12.inspect import inspect_file

EXPECTED = PUBLIC_SAMPLES / "EXPECTED.tsv"


def _expected_rows() -> list[dict]:
    if not EXPECTED.exists():
        return []
    with EXPECTED.open() as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


ROWS = _expected_rows()
VALID = [row for row in ROWS if row["valid_as_published"] == "yes"]
BROKEN = [row for row in ROWS if row["valid_as_published"] == "no"]
needs_samples = pytest.mark.skipif(not ROWS, reason="../shared/x12-public-samples is absent")

# The specific finding each deliberately broken file must produce.
BROKEN_FINDINGS = {
    "albmarin__badX12__error_validation.edi": {
        "SE_COUNT_MISMATCH", "SE_CONTROL_MISMATCH", "GE_COUNT_MISMATCH", "GE_CONTROL_MISMATCH",
        "IEA_COUNT_MISMATCH", "IEA_CONTROL_MISMATCH"},
    "imsweb__x12-parser__x12_bad_first_line.txt": {"ISA_NOT_FIXED_WIDTH"},
    "imsweb__x12-parser__x12_bad_segment_identifier.txt": {"UNKNOWN_SEGMENT"},
    "imsweb__x12-parser__x12_missing_elements.txt": {"MISSING_ELEMENT"},
    "imsweb__x12-parser__x12_missing_required_loops_mult_repeats.txt": {"SEGMENT_OUT_OF_PLACE"},
    "imsweb__x12-parser__x12_segments_out_of_order.txt": {"SEGMENT_OUT_OF_ORDER"},
}
BROKEN_ERRORS = {"albmarin__badX12__segment_terminator.edi": "TRUNCATED"}


def _ids(rows: list[dict]) -> list[str]:
    return [row["file"] for row in rows] or ["absent"]


def _money(text: str) -> Decimal:
    return Decimal(text).quantize(Decimal("0.01"))


@needs_samples
@pytest.mark.parametrize("row", VALID or [None], ids=_ids(VALID))
def test_valid_file_matches_expected_counts_and_totals(row):
    document = read_x12(PUBLIC_SAMPLES / row["file"])
    assert document.error is None
    assert document.kind == row["transaction"]
    assert document.claims == int(row["claims"])
    assert document.total_charge == _money(row["total_charge"])
    claims_table = "edi_835_claim_payments" if document.kind == "835" else "edi_837_claims"
    assert document.tables[claims_table].height == int(row["claims"])
    if row["transaction"] == "835":
        assert document.total_paid == _money(row["total_paid"])
    else:
        assert document.total_paid is None


@needs_samples
@pytest.mark.parametrize("row", BROKEN or [None], ids=_ids(BROKEN))
def test_broken_file_gets_its_specific_finding(row):
    document = read_x12(PUBLIC_SAMPLES / row["file"])
    if row["file"] in BROKEN_ERRORS:
        assert document.error is not None
        assert document.error.code == BROKEN_ERRORS[row["file"]]
        assert document.error.line_number == 1
        assert document.tables == {}
        return
    assert document.error is None
    assert BROKEN_FINDINGS[row["file"]] <= set(codes(document))
    # what can be read is read: the claim counts and totals still match
    assert document.claims == int(row["claims"])
    assert document.total_charge == _money(row["total_charge"])


@needs_samples
def test_every_broken_file_has_an_expected_finding():
    assert {row["file"] for row in BROKEN} == set(BROKEN_FINDINGS) | set(BROKEN_ERRORS)


@needs_samples
@pytest.mark.parametrize("name, place_of_service", [
    ("LinuxForHealth__x12__demo.example9.837", "22"),
    ("LinuxForHealth__x12__demo.example12.837", "23"),
])
def test_component_separator_mismatch_is_diagnosed_and_split(name, place_of_service):
    document = read_x12(PUBLIC_SAMPLES / name)
    assert "COMPONENT_SEPARATOR_MISMATCH" in codes(document)
    claim = document.tables["edi_837_claims"].row(0, named=True)
    assert claim["place_of_service_code"] == place_of_service
    assert claim["facility_code_qualifier"] == "B"
    assert claim["claim_frequency_code"] == "1"


@needs_samples
def test_newline_terminated_835_reads_every_claim():
    document = read_x12(PUBLIC_SAMPLES / "tastypackets__x12-parser__multi-line-not-delimited.edi")
    claims = document.tables["edi_835_claim_payments"]
    assert claims.get_column("claim_status_code").to_list() == ["1", "2", "2"]
    assert claims.get_column("claim_payment_amount").to_list() == [
        Decimal("34.25"), Decimal("0.00"), Decimal("11.50")]
    assert document.tables["edi_835_payments"].item(0, "total_payment_amount") == Decimal("45.75")
    assert document.diagnostics == []


@needs_samples
@pytest.mark.parametrize("row", ROWS or [None], ids=_ids(ROWS))
def test_inspect_reports_every_sample_as_json(row):
    report = inspect_file(PUBLIC_SAMPLES / row["file"])
    json.dumps(report)
    if row["valid_as_published"] == "yes":
        assert report["error"] is None
        assert report["claims"] == int(row["claims"])
        assert report["total_charge"] == f"{_money(row['total_charge']):.2f}"
