"""The GX suites pass a good frame and name exactly what is wrong in a bad one."""

from datetime import date
from decimal import Decimal

import polars as pl

from pipelines.quality.runner import validate_frame
from pipelines.quality.suites import edi_835_claim_payments_suite, edi_837_claims_suite

MONEY = pl.Decimal(18, 2)


def claims(**overrides) -> pl.DataFrame:
    rows = {
        "client_id": ["c1", "c1"], "file_id": ["f", "f"], "segment_index": [10, 40],
        "patient_control_number": ["PCN1", "PCN2"],
        "claim_charge_amount": [Decimal("100.00"), Decimal("250.50")],
        "transaction_date": [date(2026, 1, 5)] * 2, "claim_frequency_code": ["1", "7"],
        "billing_provider_npi": ["1234567893"] * 2, "payer_id": ["P1", "P2"],
    }
    rows.update(overrides)
    return pl.DataFrame(rows, schema_overrides={"claim_charge_amount": MONEY})


def failed(outcome) -> set[tuple[str, str | None]]:
    return {(o.expectation, o.column) for o in outcome.failed}


def test_good_claims_pass():
    outcome = validate_frame(claims(), edi_837_claims_suite())
    assert outcome.success, outcome.failed
    assert outcome.row_count == 2


def test_bad_claims_fail_on_exactly_the_broken_expectations():
    bad = claims(
        patient_control_number=["PCN1", None],
        claim_charge_amount=[Decimal("-5.00"), Decimal("1.00")],
        billing_provider_npi=["12345", "1234567893"],
        segment_index=[10, 10],
    )
    outcome = validate_frame(bad, edi_837_claims_suite())
    assert failed(outcome) == {
        ("expect_column_values_to_not_be_null", "patient_control_number"),
        ("expect_column_values_to_be_between", "claim_charge_amount"),
        ("expect_column_values_to_match_regex", "billing_provider_npi"),
        ("expect_compound_columns_to_be_unique", None),
    }
    by_name = {(o.expectation, o.column): o for o in outcome.failed}
    assert by_name[("expect_column_values_to_be_between", "claim_charge_amount")] \
        .unexpected_count == 1


def test_bad_remittances_fail_on_status_code():
    frame = pl.DataFrame({
        "client_id": ["c1"], "file_id": ["f"], "segment_index": [5],
        "patient_control_number": ["PCN1"], "claim_status_code": ["9"],
        "claim_charge_amount": [Decimal("10.00")], "claim_payment_amount": [Decimal("0.00")],
    }, schema_overrides={"claim_charge_amount": MONEY, "claim_payment_amount": MONEY})
    outcome = validate_frame(frame, edi_835_claim_payments_suite())
    assert failed(outcome) == {("expect_column_values_to_be_in_set", "claim_status_code")}
