"""One suite per landed raw table: what must hold before dbt may build on it.

Parse-time structure (segment counts, control numbers) is the reader's job; relational and
accounting invariants after transformation are dbt's. These suites check the landed rows.
"""

from __future__ import annotations

import great_expectations as gx
from great_expectations import expectations as gxe

CLAIM_FREQUENCY_CODES = ["1", "7", "8"]
CLAIM_STATUS_CODES = ["1", "2", "3", "4", "5", "19", "20", "21", "22", "23", "25"]
NPI_PATTERN = r"^\d{10}$"


def edi_837_claims_suite() -> gx.ExpectationSuite:
    """raw.edi_837_claims: every claim identifiable, priced, dated and attributable."""
    return gx.ExpectationSuite(name="raw_edi_837_claims", expectations=[
        gxe.ExpectColumnValuesToNotBeNull(column="client_id"),
        gxe.ExpectColumnValuesToNotBeNull(column="file_id"),
        gxe.ExpectColumnValuesToNotBeNull(column="patient_control_number"),
        gxe.ExpectColumnValueLengthsToBeBetween(column="patient_control_number", min_value=1,
                                                max_value=38),
        gxe.ExpectColumnValuesToNotBeNull(column="claim_charge_amount"),
        gxe.ExpectColumnValuesToBeBetween(column="claim_charge_amount", min_value=0),
        gxe.ExpectColumnValuesToNotBeNull(column="transaction_date"),
        gxe.ExpectColumnValuesToBeInSet(column="claim_frequency_code",
                                        value_set=CLAIM_FREQUENCY_CODES, mostly=0.99),
        gxe.ExpectColumnValuesToMatchRegex(column="billing_provider_npi", regex=NPI_PATTERN),
        gxe.ExpectColumnValuesToNotBeNull(column="payer_id"),
        gxe.ExpectCompoundColumnsToBeUnique(column_list=["file_id", "segment_index"]),
    ])


def edi_835_claim_payments_suite() -> gx.ExpectationSuite:
    """raw.edi_835_claim_payments: every remittance matchable to a claim and well-formed."""
    return gx.ExpectationSuite(name="raw_edi_835_claim_payments", expectations=[
        gxe.ExpectColumnValuesToNotBeNull(column="client_id"),
        gxe.ExpectColumnValuesToNotBeNull(column="patient_control_number"),
        gxe.ExpectColumnValuesToBeInSet(column="claim_status_code", value_set=CLAIM_STATUS_CODES),
        gxe.ExpectColumnValuesToNotBeNull(column="claim_charge_amount"),
        gxe.ExpectColumnValuesToNotBeNull(column="claim_payment_amount"),
        gxe.ExpectCompoundColumnsToBeUnique(column_list=["file_id", "segment_index"]),
    ])


SUITES = {
    "edi_837_claims": edi_837_claims_suite,
    "edi_835_claim_payments": edi_835_claim_payments_suite,
}
