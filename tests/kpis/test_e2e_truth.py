"""End to end against the generator's ground truth: synthesize practices with a seed of our own,
ingest their 837/835 files and PM exports (each practice in its own PM format) with the real
loaders, build every dbt model and test, and compare every KPI of every month in truth.json
with marts.kpi_client_monthly: money to the cent, rates and day means to 0.1 percentage point
(0.001).
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from pipelines.ingest import warehouse
from pipelines.ingest.inbox_run import ingest_inbox
from pipelines.synth import generate
from tests.kpis.raw_builder import dbt_build, query

pytestmark = pytest.mark.e2e

SEED = 7_20_2026
RENAMED = {"patient_writeoff_amount": "patient_write_off_amount"}  # truth name -> mart name
RATE_TOLERANCE = 0.001  # 0.1 percentage point


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory) -> tuple[Path, dict[str, dict]]:
    work = tmp_path_factory.mktemp("e2e")
    inbox = work / "inbox"
    generate(inbox, seed=SEED, clients=3, months=12, claims_per_month=80)
    warehouse_path = work / "warehouse.duckdb"
    with warehouse.connect(warehouse_path) as conn:
        report = ingest_inbox(conn, inbox, key=b"e2e-test-key", quarantine=work / "quarantine")
        assert not report.failures, [f.message for f in report.failures]
    result = dbt_build(warehouse_path, work)
    assert result.returncode == 0, result.stdout[-4000:]
    truths = {d.name: json.loads((d / "truth.json").read_text())
              for d in sorted(inbox.iterdir()) if (d / "truth.json").exists()}
    return warehouse_path, truths


def mismatches(truth_month: dict, mart_row: dict | None) -> list[str]:
    found = []
    for name, expected in truth_month.items():
        if name == "provider_adjustments_by_reason":
            continue  # compared in its own test
        actual = None if mart_row is None else mart_row[RENAMED.get(name, name)]
        if isinstance(expected, str):  # money, to the cent
            same = actual is not None and Decimal(expected) == actual
        elif isinstance(expected, int):  # counts, exactly
            same = actual == expected
        elif expected is None:  # empty denominator: null, never 0
            same = actual is None
        else:  # rates and day means, to 0.1 percentage point
            same = actual is not None and abs(float(actual) - expected) <= RATE_TOLERANCE
        if not same:
            found.append(f"{name}: truth {expected} mart {actual}")
    return found


def test_every_dbt_test_passes_on_generator_output(pipeline, tmp_path_factory):
    warehouse_path, _ = pipeline
    results = json.loads((warehouse_path.parent / "target" / "run_results.json").read_text())
    bad = [r["unique_id"] for r in results["results"]
           if r["status"] not in ("success", "pass")]
    assert bad == []


def test_every_monthly_kpi_matches_the_truth(pipeline):
    warehouse_path, truths = pipeline
    assert len(truths) == 3
    problems = []
    compared = 0
    for client_id, truth in truths.items():
        rows = {r["month"]: r for r in query(
            warehouse_path, "select * from marts.kpi_client_monthly where client_id = ?",
            [client_id])}
        for month, truth_month in truth["months"].items():
            compared += len(truth_month) - 1
            problems += [f"{client_id} {month} {p}"
                         for p in mismatches(truth_month, rows.get(month))]
    assert compared > 500
    assert problems == []


def test_provider_adjustments_by_reason_match_the_truth(pipeline):
    warehouse_path, truths = pipeline
    for client_id, truth in truths.items():
        rows = query(warehouse_path, """
            select month, adjustment_reason_code, provider_adjustment_amount
            from marts.kpi_provider_adjustments_monthly where client_id = ?""", [client_id])
        got = {(r["month"], r["adjustment_reason_code"]): r["provider_adjustment_amount"]
               for r in rows}
        expected = {(month, reason): Decimal(amount)
                    for month, row in truth["months"].items()
                    for reason, amount in row["provider_adjustments_by_reason"].items()}
        assert got == expected, client_id


def test_claim_counts_and_totals_match_the_truth_summary(pipeline):
    warehouse_path, truths = pipeline
    for client_id, truth in truths.items():
        summary = truth["summary"]
        [row] = query(warehouse_path, """
            select count(*) as claims, sum(original_billed_amount) as billed,
                   sum(payer_paid_amount) as paid
            from marts.fct_claims where client_id = ?""", [client_id])
        assert row["claims"] == summary["claims_submitted_count"]
        assert row["billed"] == Decimal(summary["billed_amount"])
        assert row["paid"] == Decimal(summary["payer_paid_amount"])


def test_the_run_exercises_every_lifecycle_rule(pipeline):
    warehouse_path, _ = pipeline
    [row] = query(warehouse_path, """
        select sum(replacement_count) as replacements, sum(resend_count) as resends,
               count(*) filter (where is_voided) as voids,
               sum(reversal_count) as reversals,
               sum(duplicate_rejection_count) as duplicate_rejections,
               count(*) filter (where has_secondary_adjudication) as secondary_paid,
               count(*) filter (where final_status = 'partially_denied') as partial_denials,
               count(*) filter (where balance_amount < 0) as credit_balances
        from marts.fct_claims""")
    assert all(count > 0 for count in row.values()), row


def test_every_injected_underpayment_is_found_with_its_amount(pipeline):
    """Each line the generator underpaid (leak `underpaid_line`) is flagged with the exact
    shortfall; a few more may be flagged where a payer's pricing error was not yet corrected
    when the data ends (the truth lists only the errors that stay)."""
    warehouse_path, truths = pipeline
    for client_id, truth in truths.items():
        injected = {(leak["claim_id"], leak["line_ids"][0]): Decimal(leak["amount"])
                    for leak in truth["leaks"] if leak["kind"] == "underpaid_line"}
        flagged = {(r["patient_control_number"], r["line_item_control_number"]):
                   r["underpaid_amount"] for r in query(warehouse_path, """
            select patient_control_number, line_item_control_number, underpaid_amount
            from marts.fct_claim_lines where client_id = ? and is_underpaid""", [client_id])}
        assert injected, client_id
        assert {key: flagged.get(key) for key in injected} == injected, client_id
        assert len(flagged) <= 2 * len(injected), client_id
