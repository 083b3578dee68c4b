"""Raw-table contract for X12 837 and 835 data.

Every frame the reader returns has exactly the columns below, in this order, and the loader
prefixes each with the lineage columns in ``LINEAGE`` (``client_id``, ``file_id``). Money is
``Decimal(18, 2)``; codes and identifiers are strings (leading zeros matter); dates are dates.

Row anchors: ``segment_index`` is the 0-based position, within the file, of the segment that
starts the row (CLM, LX, CLP, SVC, CAS, PLB, ...). Child rows point at their parent with
``claim_segment_index`` / ``service_segment_index`` / ``payment_segment_index``, so parents
join without surrogate keys. ``(file_id, segment_index)`` is the key of every table except
those that split one segment into several rows, whose key adds the position within it:
``triplet_number`` (CAS), ``pair_number`` (PLB), ``element_position`` (remarks, supplemental
values) and, for diagnoses, ``(claim_segment_index, diagnosis_sequence)``. Payments are
anchored at their ST segment (``payment_segment_index`` = the ST's index).

Columns holding direct patient identifiers are listed in ``PHI_COLUMNS``; the loader replaces
them by keyed pseudonyms before anything is written (see ``pipelines.ingest.pseudonyms``).
"""

from __future__ import annotations

import polars as pl

MONEY = pl.Decimal(18, 2)
QUANTITY = pl.Decimal(18, 3)
TEXT = pl.String
DATE = pl.Date
INT = pl.Int64

LINEAGE: dict[str, pl.DataType] = {"client_id": TEXT, "file_id": TEXT}

# Envelope columns carried on every row.
ENVELOPE: dict[str, pl.DataType] = {
    "interchange_control_number": TEXT,  # ISA13
    "group_control_number": TEXT,  # GS06
    "transaction_control_number": TEXT,  # ST02
    "implementation_version": TEXT,  # GS08, e.g. 005010X222A1
}


def _with_envelope(columns: dict[str, pl.DataType]) -> dict[str, pl.DataType]:
    return {**ENVELOPE, "segment_index": INT, **columns}


def _modifiers(prefix: str = "") -> dict[str, pl.DataType]:
    return {f"{prefix}modifier_{n}": TEXT for n in range(1, 5)}


# ---------------------------------------------------------------- 837P / 837I
EDI_837_CLAIMS = _with_envelope({
    "transaction_type": TEXT,  # 837P or 837I
    "bht_reference": TEXT,  # BHT03
    "transaction_date": DATE,  # BHT04: claim file creation date (submission date)
    "bht_transaction_type_code": TEXT,  # BHT06: CH chargeable, RP reporting
    "submitter_id": TEXT,
    "submitter_name": TEXT,
    "receiver_id": TEXT,
    "receiver_name": TEXT,
    "billing_provider_npi": TEXT,
    "billing_provider_name": TEXT,
    "billing_provider_tax_id": TEXT,
    "payer_responsibility_code": TEXT,  # SBR01: P, S, T ...
    "subscriber_relationship_code": TEXT,  # SBR02
    "group_number": TEXT,  # SBR03
    "claim_filing_indicator_code": TEXT,  # SBR09: MB, MC, CI, WC, ...
    "subscriber_member_id": TEXT,  # 2010BA NM109 (PHI)
    "subscriber_last_name": TEXT,  # PHI
    "subscriber_first_name": TEXT,  # PHI
    "subscriber_birth_date": DATE,  # PHI
    "subscriber_gender_code": TEXT,
    "patient_relationship_code": TEXT,  # PAT01 when loop 2000C is present
    "patient_last_name": TEXT,  # PHI; subscriber's when the patient is the subscriber
    "patient_first_name": TEXT,  # PHI
    "patient_birth_date": DATE,  # PHI
    "patient_gender_code": TEXT,
    "payer_id": TEXT,  # 2010BB NM109
    "payer_name": TEXT,
    "patient_control_number": TEXT,  # CLM01
    "claim_charge_amount": MONEY,  # CLM02
    "place_of_service_code": TEXT,  # CLM05-1 (837I: facility type code)
    "facility_code_qualifier": TEXT,  # CLM05-2
    "claim_frequency_code": TEXT,  # CLM05-3: 1 original, 7 replacement, 8 void
    "provider_signature_indicator": TEXT,  # CLM06
    "assignment_participation_code": TEXT,  # CLM07
    "benefits_assignment_indicator": TEXT,  # CLM08
    "release_of_information_code": TEXT,  # CLM09
    "onset_date": DATE,  # DTP*431
    "initial_treatment_date": DATE,  # DTP*454
    "statement_from_date": DATE,  # DTP*434 (837I)
    "statement_to_date": DATE,
    "patient_amount_paid": MONEY,  # AMT*F5
    "payer_claim_control_number": TEXT,  # REF*F8 (replacements and voids)
    "prior_authorization_number": TEXT,  # REF*G1
    "referral_number": TEXT,  # REF*9F
    "medical_record_number": TEXT,  # REF*EA
    "rendering_provider_npi": TEXT,  # 2310B
    "rendering_provider_last_name": TEXT,
    "rendering_provider_first_name": TEXT,
    "rendering_provider_taxonomy_code": TEXT,  # PRV03
    "referring_provider_npi": TEXT,  # 2310A (NM1*DN)
    "service_facility_npi": TEXT,  # 2310C
    "service_facility_name": TEXT,
    "service_line_count": INT,
})

EDI_837_DIAGNOSES = _with_envelope({
    "claim_segment_index": INT,
    "diagnosis_sequence": INT,  # 1-based order across the claim's HI segments
    "diagnosis_code_qualifier": TEXT,  # ABK principal, ABF other (BK/BF for ICD-9)
    "diagnosis_code": TEXT,
})

EDI_837_SERVICE_LINES = _with_envelope({
    "claim_segment_index": INT,
    "line_number": INT,  # LX01
    "procedure_code_qualifier": TEXT,  # SV101-1 (HC) / SV202-1
    "procedure_code": TEXT,
    **_modifiers(),
    "revenue_code": TEXT,  # SV201 (837I)
    "line_charge_amount": MONEY,  # SV102 / SV203
    "unit_basis_code": TEXT,  # SV103: UN units, MJ minutes
    "service_unit_count": QUANTITY,  # SV104
    "place_of_service_code": TEXT,  # SV105 (blank: claim POS applies)
    "diagnosis_pointer_1": INT,  # SV107-1..4
    "diagnosis_pointer_2": INT,
    "diagnosis_pointer_3": INT,
    "diagnosis_pointer_4": INT,
    "service_date": DATE,  # DTP*472 (from date of an RD8)
    "service_end_date": DATE,
    "line_item_control_number": TEXT,  # REF*6R
    "rendering_provider_npi": TEXT,  # 2420A
    "ndc_code": TEXT,  # LIN03 (2410)
})

EDI_837_OTHER_PAYERS = _with_envelope({  # loop 2320/2330B: COB information
    "claim_segment_index": INT,
    "payer_responsibility_code": TEXT,  # SBR01 of 2320
    "subscriber_relationship_code": TEXT,
    "claim_filing_indicator_code": TEXT,  # SBR09
    "other_payer_id": TEXT,  # 2330B NM109
    "other_payer_name": TEXT,
    "other_payer_paid_amount": MONEY,  # AMT*D
    "remaining_patient_liability_amount": MONEY,  # AMT*EAF
    "non_covered_amount": MONEY,  # AMT*A8
    "adjudication_date": DATE,  # DTP*573
})

EDI_837_OTHER_PAYER_LINES = _with_envelope({  # loop 2430: line adjudication by a prior payer
    "claim_segment_index": INT,
    "line_segment_index": INT,  # LX of the 2400 loop
    "other_payer_id": TEXT,  # SVD01
    "paid_amount": MONEY,  # SVD02
    "procedure_code": TEXT,
    **_modifiers(),
    "paid_unit_count": QUANTITY,  # SVD05
    "adjudication_date": DATE,  # DTP*573
})

EDI_837_OTHER_PAYER_ADJUSTMENTS = _with_envelope({  # CAS in 2320 (claim) and 2430 (line)
    "claim_segment_index": INT,
    "other_payer_segment_index": INT,  # SBR of 2320, null on line level
    "line_segment_index": INT,  # LX of 2400, null on claim level
    "adjustment_level": TEXT,  # claim | line
    "triplet_number": INT,  # 1..6 within the CAS segment
    "group_code": TEXT,
    "reason_code": TEXT,
    "adjustment_amount": MONEY,
    "adjustment_quantity": QUANTITY,
})

# ------------------------------------------------------------------------ 835
EDI_835_PAYMENTS = _with_envelope({  # one row per 835 transaction (ST)
    "transaction_handling_code": TEXT,  # BPR01
    "total_payment_amount": MONEY,  # BPR02
    "credit_debit_flag": TEXT,  # BPR03
    "payment_method_code": TEXT,  # BPR04: ACH, CHK, NON ...
    "payment_format_code": TEXT,  # BPR05
    "payment_date": DATE,  # BPR16
    "trace_type_code": TEXT,  # TRN01
    "check_or_eft_number": TEXT,  # TRN02
    "payer_trace_id": TEXT,  # TRN03
    "production_date": DATE,  # DTM*405
    "payer_name": TEXT,  # N1*PR
    "payer_id": TEXT,  # N1*PR N104, else REF*2U
    "payee_name": TEXT,  # N1*PE
    "payee_id_qualifier": TEXT,  # N103: XX NPI, FI TIN
    "payee_id": TEXT,
    "payee_tax_id": TEXT,  # REF*TJ
    "claim_payment_count": INT,
})

EDI_835_CLAIM_PAYMENTS = _with_envelope({
    "payment_segment_index": INT,
    "header_number": TEXT,  # LX01 of the enclosing 2000 loop
    "patient_control_number": TEXT,  # CLP01 = CLM01 of the original claim
    "claim_status_code": TEXT,  # CLP02
    "claim_charge_amount": MONEY,  # CLP03
    "claim_payment_amount": MONEY,  # CLP04
    "patient_responsibility_amount": MONEY,  # CLP05
    "claim_filing_indicator_code": TEXT,  # CLP06
    "payer_claim_control_number": TEXT,  # CLP07
    "facility_type_code": TEXT,  # CLP08
    "claim_frequency_code": TEXT,  # CLP09
    "patient_status_code": TEXT,  # CLP10 (institutional)
    "drg_code": TEXT,  # CLP11
    "drg_weight": QUANTITY,  # CLP12
    "discharge_fraction": QUANTITY,  # CLP13
    "patient_member_id": TEXT,  # NM1*QC NM109 (PHI)
    "patient_last_name": TEXT,  # PHI
    "patient_first_name": TEXT,  # PHI
    "subscriber_member_id": TEXT,  # NM1*IL NM109 (PHI)
    "subscriber_last_name": TEXT,  # NM1*IL NM103 (PHI)
    "subscriber_first_name": TEXT,  # NM1*IL NM104 (PHI)
    "rendering_provider_npi": TEXT,  # NM1*82 NM109 when NM108 = XX
    "crossover_payer_name": TEXT,  # NM1*TT
    "crossover_payer_id": TEXT,
    "statement_from_date": DATE,  # DTM*232
    "statement_to_date": DATE,  # DTM*233
    "claim_received_date": DATE,  # DTM*050
    "coverage_amount": MONEY,  # AMT*AU
    "interest_amount": MONEY,  # AMT*I
    "moa_reimbursement_rate": QUANTITY,  # MOA01
    "moa_hcpcs_payable_amount": MONEY,  # MOA02
    "mia_covered_days": QUANTITY,  # MIA01
    "mia_pps_operating_outlier_amount": MONEY,  # MIA02
    "service_payment_count": INT,
})

EDI_835_SERVICE_PAYMENTS = _with_envelope({
    "payment_segment_index": INT,
    "claim_segment_index": INT,
    "procedure_code_qualifier": TEXT,  # SVC01-1
    "procedure_code": TEXT,
    **_modifiers(),
    "line_charge_amount": MONEY,  # SVC02
    "line_payment_amount": MONEY,  # SVC03
    "revenue_code": TEXT,  # SVC04
    "paid_unit_count": QUANTITY,  # SVC05
    "original_procedure_code_qualifier": TEXT,  # SVC06-1
    "original_procedure_code": TEXT,
    **_modifiers("original_"),
    "original_unit_count": QUANTITY,  # SVC07
    "service_date": DATE,  # DTM*472 or DTM*150
    "service_end_date": DATE,  # DTM*151
    "line_item_control_number": TEXT,  # REF*6R
    "allowed_amount": MONEY,  # AMT*B6
})

EDI_835_ADJUSTMENTS = _with_envelope({  # every CAS triplet, claim (2100) and line (2110)
    "payment_segment_index": INT,
    "claim_segment_index": INT,
    "service_segment_index": INT,  # null on claim level
    "adjustment_level": TEXT,  # claim | line
    "triplet_number": INT,  # 1..6 within the CAS segment
    "group_code": TEXT,  # CO, PR, OA, PI, CR
    "reason_code": TEXT,  # CARC
    "adjustment_amount": MONEY,
    "adjustment_quantity": QUANTITY,
})

EDI_835_REMARKS = _with_envelope({  # LQ at line level, remark codes of MOA / MIA at claim level
    "payment_segment_index": INT,
    "claim_segment_index": INT,
    "service_segment_index": INT,
    "remark_level": TEXT,  # claim | line
    "remark_source": TEXT,  # LQ, MOA, MIA
    "remark_qualifier": TEXT,  # LQ01: HE = RARC, RX = NCPDP reject; null for MOA/MIA (RARCs)
    "remark_code": TEXT,
    "element_position": INT,  # LQ02 = 2, MOA03..07 = 3..7, MIA05/20..23: with segment_index a key
})

EDI_835_PROVIDER_ADJUSTMENTS = _with_envelope({  # every PLB reason/amount pair
    "payment_segment_index": INT,
    "provider_id": TEXT,  # PLB01
    "fiscal_period_date": DATE,  # PLB02
    "pair_number": INT,  # 1..6 within the PLB segment
    "adjustment_reason_code": TEXT,  # PLB03-1: WO, L6, FB, 72, ...
    "reference_id": TEXT,  # PLB03-2
    "adjustment_amount": MONEY,  # positive reduces the payment
})

# Supplemental qualified values not given a column above (REF, AMT, QTY, DTM), so nothing is lost.
EDI_SUPPLEMENTAL_VALUES = _with_envelope({
    "transaction_type": TEXT,  # 837P, 837I or 835
    "parent_segment_index": INT,  # the claim, line, payment or CLP/SVC the value belongs to
    "loop_segment_index": INT,  # the segment opening the innermost loop (NM1, SBR, SVD, ...)
    "loop_code": TEXT,  # that loop: CLM, LX, SBR, SVD, NM1*82, HL*22, CLP, SVC, N1*PE, ST
    "segment_id": TEXT,  # REF, AMT, QTY, DTM, DTP, HI
    "qualifier": TEXT,
    "value": TEXT,  # as sent (DTP RD8 ranges stay CCYYMMDD-CCYYMMDD; HI: code[:rest])
    "element_position": INT,  # element the value came from: with segment_index a key
})

X12_TABLES: dict[str, dict[str, pl.DataType]] = {
    "edi_837_claims": EDI_837_CLAIMS,
    "edi_837_diagnoses": EDI_837_DIAGNOSES,
    "edi_837_service_lines": EDI_837_SERVICE_LINES,
    "edi_837_other_payers": EDI_837_OTHER_PAYERS,
    "edi_837_other_payer_lines": EDI_837_OTHER_PAYER_LINES,
    "edi_837_other_payer_adjustments": EDI_837_OTHER_PAYER_ADJUSTMENTS,
    "edi_835_payments": EDI_835_PAYMENTS,
    "edi_835_claim_payments": EDI_835_CLAIM_PAYMENTS,
    "edi_835_service_payments": EDI_835_SERVICE_PAYMENTS,
    "edi_835_adjustments": EDI_835_ADJUSTMENTS,
    "edi_835_remarks": EDI_835_REMARKS,
    "edi_835_provider_adjustments": EDI_835_PROVIDER_ADJUSTMENTS,
    "edi_supplemental_values": EDI_SUPPLEMENTAL_VALUES,
}

# Direct identifiers: never written as read. The loader maps them to pseudonyms.
PHI_COLUMNS: dict[str, tuple[str, ...]] = {
    "edi_837_claims": (
        "subscriber_member_id", "subscriber_last_name", "subscriber_first_name",
        "subscriber_birth_date", "patient_last_name", "patient_first_name", "patient_birth_date",
    ),
    "edi_835_claim_payments": (
        "patient_member_id", "patient_last_name", "patient_first_name", "subscriber_member_id",
        "subscriber_last_name", "subscriber_first_name",
    ),
}

DIAGNOSTICS: dict[str, pl.DataType] = {
    "severity": TEXT,  # error | warning | info
    "code": TEXT,  # stable machine code, e.g. SE_COUNT_MISMATCH, CLAIM_NOT_BALANCED
    "message": TEXT,
    "segment_index": INT,
    "line_number": INT,  # 1-based physical line in the file
    "segment_id": TEXT,
}
