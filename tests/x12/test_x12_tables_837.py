"""837P and 837I raw tables, value by value, on the hand-written synthetic claims.

tests/fixtures/x12/837p_synthetic.x12: claim PCN001 (subscriber is the patient, two lines,
2310A/B/C providers, prior authorization) and PCN002 (a replacement, frequency 7, for a
dependent in loop 2000C, with 2320/2330B other-payer data and 2430 line adjudication with CAS).
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
    return read_x12(FIXTURES / "837p_synthetic.x12")


def rows(doc, table, *columns):
    return doc.tables[table].select(columns).rows()


def test_document_summary(doc):
    assert (doc.kind, doc.version, doc.claims, doc.service_lines) == (
        "837P", "005010X222A1", 2, 3)
    assert doc.total_charge == D("350.00")
    assert doc.total_paid is None
    assert doc.diagnostics == []


def test_every_837_table_has_the_contract_schema(doc):
    names = [n for n in X12_TABLES if n.startswith("edi_837_")] + ["edi_supplemental_values"]
    assert sorted(doc.tables) == sorted(names)
    for name, frame in doc.tables.items():
        assert dict(frame.schema) == X12_TABLES[name], name


def test_claims(doc):
    claims = doc.tables["edi_837_claims"]
    first, second = claims.row(0, named=True), claims.row(1, named=True)
    expected_first = {
        "segment_index": 20, "transaction_type": "837P", "transaction_control_number": "0001",
        "bht_reference": "BATCH001", "transaction_date": date(2024, 1, 10),
        "submitter_id": "SUBM01", "receiver_id": "RECV01",
        "billing_provider_npi": "1234567893", "billing_provider_name": "BRIGHT THERAPY",
        "billing_provider_tax_id": "987654321", "payer_responsibility_code": "P",
        "subscriber_relationship_code": "18", "group_number": "GRP100",
        "claim_filing_indicator_code": "CI", "subscriber_member_id": "SUB001",
        "subscriber_birth_date": date(1970, 1, 15), "patient_last_name": "DOE",
        "patient_first_name": "JOHN", "patient_birth_date": date(1970, 1, 15),
        "payer_id": "PAYERX", "patient_control_number": "PCN001",
        "claim_charge_amount": D("200.00"), "place_of_service_code": "11",
        "facility_code_qualifier": "B", "claim_frequency_code": "1",
        "onset_date": date(2023, 11, 1), "initial_treatment_date": date(2023, 11, 20),
        "patient_amount_paid": D("10.00"), "prior_authorization_number": "AUTH777",
        "medical_record_number": "MRN001", "payer_claim_control_number": None,
        "rendering_provider_npi": "2222222220", "rendering_provider_last_name": "SMITH",
        "rendering_provider_taxonomy_code": "225100000X",
        "referring_provider_npi": "1111111112", "service_facility_npi": "3333333331",
        "service_facility_name": "BRIGHT CLINIC", "service_line_count": 2,
    }
    assert {k: first[k] for k in expected_first} == expected_first
    expected_second = {
        "segment_index": 52, "patient_control_number": "PCN002", "claim_frequency_code": "7",
        "payer_claim_control_number": "PAYCLM000", "payer_responsibility_code": "S",
        "subscriber_member_id": "SUB002", "subscriber_last_name": "ROE",
        "subscriber_first_name": "MARY", "patient_relationship_code": "19",
        "patient_last_name": "ROE", "patient_first_name": "TIM",
        "patient_birth_date": date(2010, 7, 4), "patient_gender_code": "M", "payer_id": "MCARE",
        "claim_filing_indicator_code": "MB", "rendering_provider_npi": None,
        "billing_provider_npi": "1234567893", "service_line_count": 1,
    }
    assert {k: second[k] for k in expected_second} == expected_second


def test_diagnoses_in_order(doc):
    assert rows(doc, "edi_837_diagnoses", "claim_segment_index", "diagnosis_sequence",
                "diagnosis_code_qualifier", "diagnosis_code") == [
        (20, 1, "ABK", "M5450"), (20, 2, "ABF", "M6281"), (52, 1, "ABK", "M5416")]


def test_service_lines(doc):
    assert rows(doc, "edi_837_service_lines", "segment_index", "claim_segment_index",
                "line_number", "procedure_code", "modifier_1", "modifier_2",
                "line_charge_amount", "unit_basis_code", "service_unit_count",
                "place_of_service_code", "diagnosis_pointer_1", "diagnosis_pointer_2",
                "service_date", "service_end_date", "line_item_control_number",
                "rendering_provider_npi") == [
        (34, 20, 1, "97110", "GP", "KX", D("120.00"), "UN", D("4.000"), None, 1, 2,
         date(2023, 12, 1), None, "LINE001", None),
        (38, 20, 2, "97140", "GP", "59", D("80.00"), "UN", D("2.000"), "11", 1, None,
         date(2023, 12, 1), date(2023, 12, 15), "LINE002", "4444444448"),
        (61, 52, 1, "97530", None, None, D("150.00"), "UN", D("3.000"), None, 1, None,
         date(2023, 12, 5), None, None, None),
    ]


def test_other_payer_2320_2330b(doc):
    assert rows(doc, "edi_837_other_payers", "segment_index", "claim_segment_index",
                "payer_responsibility_code", "claim_filing_indicator_code", "other_payer_id",
                "other_payer_name", "other_payer_paid_amount", "adjudication_date") == [
        (55, 52, "P", "CI", "PAYERX", "ACME HEALTH PLAN", D("100.00"), date(2023, 12, 20))]


def test_other_payer_line_2430(doc):
    assert rows(doc, "edi_837_other_payer_lines", "segment_index", "line_segment_index",
                "other_payer_id", "paid_amount", "procedure_code", "paid_unit_count",
                "adjudication_date") == [
        (64, 61, "PAYERX", D("100.00"), "97530", D("3.000"), date(2023, 12, 20))]


def test_other_payer_cas_at_claim_2320_and_line_2430(doc):
    assert rows(doc, "edi_837_other_payer_adjustments", "segment_index",
                "other_payer_segment_index", "line_segment_index", "adjustment_level",
                "group_code", "reason_code", "adjustment_amount") == [
        (56, 55, None, "claim", "PR", "3", D("5.00")),
        (65, None, 61, "line", "CO", "45", D("30.00")),
        (66, None, 61, "line", "PR", "2", D("20.00")),
    ]


def test_unmapped_qualified_values_are_kept(doc):
    assert rows(doc, "edi_supplemental_values", "segment_index", "parent_segment_index",
                "loop_code", "segment_id", "qualifier", "value") == [
        (26, 20, "CLM", "REF", "D9", "CLEARING1")]


def test_837i_institutional_shape():
    doc = read_x12(FIXTURES / "837i_synthetic.x12")
    assert (doc.kind, doc.version, doc.claims, doc.total_charge) == (
        "837I", "005010X223A2", 1, D("300.00"))
    claim = doc.tables["edi_837_claims"].row(0, named=True)
    assert (claim["place_of_service_code"], claim["facility_code_qualifier"],
            claim["claim_frequency_code"], claim["statement_from_date"],
            claim["statement_to_date"], claim["transaction_type"]) == (
        "13", "A", "1", date(2023, 12, 1), date(2023, 12, 5), "837I")
    assert rows(doc, "edi_837_service_lines", "revenue_code", "procedure_code",
                "line_charge_amount", "unit_basis_code", "service_unit_count") == [
        ("0420", "97110", D("300.00"), "UN", D("5.000"))]
    # condition code (HI*BG) is not a diagnosis: it is kept as a supplemental value
    assert rows(doc, "edi_supplemental_values", "segment_id", "qualifier", "value",
                "element_position") == [("HI", "BG", "01", 1)]
    assert rows(doc, "edi_837_diagnoses", "diagnosis_code") == [("M545",)]
