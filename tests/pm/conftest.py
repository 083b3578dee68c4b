"""PM fixtures: canonical tables from a small generated practice (helpers: pm_helpers.py)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest
from pm_helpers import CLIENT, CLIENT_PROFILE

from pipelines.pm.tables import canonical_schema
from pipelines.pm.writer import read_export_folder
from pipelines.synth import generate


@pytest.fixture(scope="session")
def synth_out(tmp_path_factory) -> Path:
    """One practice, two months: 837, 835 and canonical PM files plus truth.json."""
    out = tmp_path_factory.mktemp("pm_synth")
    generate(out, seed=7, clients=1, months=4, claims_per_month=20)
    return out


@pytest.fixture(scope="session")
def canonical_tables(synth_out):
    """The generator's PM tables plus hand-made insurance payments and adjustments of both
    kinds (a short run has few write-offs and the generator writes no payer payments)."""
    tables = read_export_folder(synth_out / CLIENT / "pm", CLIENT_PROFILE)
    patient = tables["patients"]["patient_id"][0]
    charge = tables["charges"].filter(pl.col("status") == "billed").row(0, named=True)
    adjustments = pl.DataFrame([
        {"adjustment_id": "ADJ1", "patient_id": patient, "visit_id": charge["visit_id"],
         "claim_id": charge["claim_id"], "posting_date": date(2026, 2, 3),
         "amount": Decimal("4.99"), "adjustment_type": "small_balance", "applies_to": "patient"},
        {"adjustment_id": "ADJ2", "patient_id": patient, "visit_id": None, "claim_id": None,
         "posting_date": date(2026, 2, 4), "amount": Decimal("-1250.00"),
         "adjustment_type": "contractual", "applies_to": "insurance"},
    ], schema=tables["adjustments"].schema)
    payer_payments = pl.DataFrame([
        {"payment_id": "IP1", "patient_id": patient, "visit_id": charge["visit_id"],
         "claim_id": charge["claim_id"], "charge_id": charge["charge_id"],
         "payer_id": charge["payer_id"], "posting_date": date(2026, 2, 10),
         "check_number": "EFT0001", "amount": Decimal("1234.56")},
    ], schema=canonical_schema("payer_payments"))
    return {**tables, "adjustments": pl.concat([tables["adjustments"], adjustments]),
            "payer_payments": payer_payments}
