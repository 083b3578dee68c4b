"""835 raw tables, value by value, on the hand-written synthetic remittance.

tests/fixtures/x12/835_synthetic.x12: one check (BPR02 56.25 = 150.00 - 80.00 + 0.00 - 13.75
PLB), a paid claim with claim- and line-level CAS, a reversal (CLP02 = 22, negative amounts),
a denied claim with three CAS triplets over two segments, and a PLB with two pairs.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest
from x12_support import FIXTURES

from pipelines.x12 import read_x12
from pipelines.x12.tables import X12_TABLES


@pytest.fixture(scope="module")
def doc():
    return read_x12(FIXTURES / "835_synthetic.x12")


def rows(doc, table, *columns):
    return doc.tables[table].select(columns).rows()


def test_document_summary(doc):
    assert (doc.kind, doc.version, doc.interchanges, doc.transactions) == (
        "835", "005010X221A1", 1, 1)
    assert (doc.claims, doc.service_lines) == (3, 3)
    assert doc.total_charge == D("260.00")  # 210 - 100 + 150
    assert doc.total_paid == D("70.00")  # 150 - 80 + 0
    assert doc.diagnostics == []
    assert doc.error is None


def test_every_835_table_has_the_contract_schema(doc):
    names = [n for n in X12_TABLES if n.startswith("edi_835_")] + ["edi_supplemental_values"]
    assert sorted(doc.tables) == sorted(names)
    for name, frame in doc.tables.items():
        assert dict(frame.schema) == X12_TABLES[name], name


def test_payment(doc):
    payment = doc.tables["edi_835_payments"].row(0, named=True)
    assert payment == {
        "interchange_control_number": "000000101", "group_control_number": "101",
        "transaction_control_number": "0001", "implementation_version": "005010X221A1",
        "segment_index": 2, "transaction_handling_code": "I", "total_payment_amount": D("56.25"),
        "credit_debit_flag": "C", "payment_method_code": "ACH", "payment_format_code": "CCP",
        "payment_date": date(2024, 1, 5), "trace_type_code": "1",
        "check_or_eft_number": "EFT0001", "payer_trace_id": "1512345678",
        "production_date": date(2024, 1, 4), "payer_name": "ACME HEALTH PLAN",
        "payer_id": "PAYERX", "payee_name": "BRIGHT THERAPY", "payee_id_qualifier": "XX",
        "payee_id": "1234567893", "payee_tax_id": "987654321", "claim_payment_count": 3,
    }


def test_claim_payments_keep_reversals(doc):
    assert rows(doc, "edi_835_claim_payments", "segment_index", "patient_control_number",
                "claim_status_code", "claim_charge_amount", "claim_payment_amount",
                "patient_responsibility_amount", "service_payment_count") == [
        (13, "PCN001", "1", D("210.00"), D("150.00"), D("30.00"), 2),
        (37, "PCN002", "22", D("-100.00"), D("-80.00"), None, 1),
        (42, "PCN003", "4", D("150.00"), D("0.00"), D("25.00"), 0),
    ]


def test_claim_payment_details(doc):
    claim = doc.tables["edi_835_claim_payments"].row(0, named=True)
    assert {k: claim[k] for k in (
        "payment_segment_index", "header_number", "claim_filing_indicator_code",
        "payer_claim_control_number", "facility_type_code", "claim_frequency_code",
        "patient_member_id", "patient_last_name", "patient_first_name", "subscriber_member_id",
        "subscriber_last_name", "rendering_provider_npi", "crossover_payer_name",
        "crossover_payer_id", "statement_from_date", "statement_to_date", "claim_received_date",
        "coverage_amount", "interest_amount")} == {
        "payment_segment_index": 2, "header_number": "1", "claim_filing_indicator_code": "12",
        "payer_claim_control_number": "PAYCLM001", "facility_type_code": "11",
        "claim_frequency_code": "1", "patient_member_id": "MEM001",
        "patient_last_name": "DOE", "patient_first_name": "JANE",
        "subscriber_member_id": "SUB001", "subscriber_last_name": "DOE",
        "rendering_provider_npi": "1111111112", "crossover_payer_name": "CROSSOVER PLAN",
        "crossover_payer_id": "CROSS01", "statement_from_date": date(2023, 12, 1),
        "statement_to_date": date(2023, 12, 15), "claim_received_date": date(2023, 12, 20),
        "coverage_amount": D("180.00"), "interest_amount": D("1.25"),
    }
    denied = doc.tables["edi_835_claim_payments"].row(2, named=True)
    assert (denied["mia_covered_days"], denied["mia_pps_operating_outlier_amount"]) == (
        D("0.000"), D("12.50"))


def test_service_payments_with_original_procedure(doc):
    assert rows(doc, "edi_835_service_payments", "segment_index", "claim_segment_index",
                "procedure_code", "modifier_1", "modifier_2", "line_charge_amount",
                "line_payment_amount", "paid_unit_count", "original_procedure_code",
                "original_modifier_1", "original_unit_count", "service_date",
                "line_item_control_number", "allowed_amount") == [
        (26, 13, "97110", "GP", "KX", D("120.00"), D("90.00"), D("4.000"), "97110", "GP",
         D("4.000"), date(2023, 12, 1), "LINE001", D("100.00")),
        (32, 13, "97140", None, None, D("80.00"), D("60.00"), D("2.000"), None, None, None,
         date(2023, 12, 15), "LINE002", D("60.00")),
        (39, 37, "97530", None, None, D("-100.00"), D("-80.00"), D("-2.000"), None, None,
         None, date(2023, 11, 10), None, None),
    ]


def test_every_cas_triplet_at_claim_and_line_level(doc):
    assert rows(doc, "edi_835_adjustments", "segment_index", "claim_segment_index",
                "service_segment_index", "adjustment_level", "triplet_number", "group_code",
                "reason_code", "adjustment_amount", "adjustment_quantity") == [
        (14, 13, None, "claim", 1, "CO", "45", D("10.00"), None),
        (28, 13, 26, "line", 1, "PR", "1", D("20.00"), None),
        (28, 13, 26, "line", 2, "PR", "2", D("10.00"), None),
        (34, 13, 32, "line", 1, "CO", "45", D("20.00"), D("1.000")),
        (41, 37, 39, "line", 1, "CO", "45", D("-20.00"), None),
        (43, 42, None, "claim", 1, "CO", "50", D("100.00"), None),
        (43, 42, None, "claim", 2, "CO", "97", D("25.00"), None),
        (44, 42, None, "claim", 1, "PR", "204", D("25.00"), None),
    ]


def test_remarks_from_lq_moa_and_mia(doc):
    assert rows(doc, "edi_835_remarks", "segment_index", "remark_level", "remark_source",
                "remark_qualifier", "remark_code", "element_position",
                "service_segment_index") == [
        (19, "claim", "MOA", None, "MA01", 3, None),
        (19, "claim", "MOA", None, "N130", 4, None),
        (31, "line", "LQ", "HE", "N130", 2, 26),
        (46, "claim", "MIA", None, "MA130", 5, None),
    ]


def test_every_plb_pair(doc):
    assert rows(doc, "edi_835_provider_adjustments", "segment_index", "provider_id",
                "fiscal_period_date", "pair_number", "adjustment_reason_code", "reference_id",
                "adjustment_amount") == [
        (47, "1234567893", date(2024, 12, 31), 1, "WO", "PCN009", D("15.00")),
        (47, "1234567893", date(2024, 12, 31), 2, "L6", "INT", D("-1.25")),
    ]


def test_unmapped_qualified_values_are_kept(doc):
    assert rows(doc, "edi_supplemental_values", "segment_index", "transaction_type",
                "parent_segment_index", "loop_code", "segment_id", "qualifier", "value") == [
        (20, "835", 13, "CLP", "REF", "1K", "PAYREF9"),
    ]
