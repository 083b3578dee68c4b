"""The hand-made practice of scenario.py through every model: each KPI against the answer
worked out by hand from the claim amounts (the arithmetic is in the comments).

Months: January 2026 (twelve claims submitted, three first remitted), February (seven first
remitted), March (one). The client's last activity is 2026-03-25, so every cohort is immature.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from tests.kpis import scenario
from tests.kpis.raw_builder import dbt_build, query

D = Decimal
SCENARIO_VARS = "{payer_rate_min_lines: 3, usual_amount_min_lines: 2}"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, Path]:
    work = tmp_path_factory.mktemp("scenario")
    warehouse = work / "warehouse.duckdb"
    scenario.build().write(warehouse)
    result = dbt_build(warehouse, work, dbt_vars=SCENARIO_VARS)
    assert result.returncode == 0, result.stdout[-4000:]
    return warehouse, work


@pytest.fixture(scope="module")
def months(built) -> dict[str, dict]:
    warehouse, _ = built
    rows = query(warehouse, "select * from marts.kpi_client_monthly order by month")
    return {row["month"]: row for row in rows}


def claims(built) -> dict[str, dict]:
    rows = query(built[0], "select * from marts.fct_claims")
    return {row["patient_control_number"]: row for row in rows}


def test_every_dbt_test_passes_and_only_the_unmatched_remittance_warns(built):
    _, work = built
    results = json.loads((work / "target" / "run_results.json").read_text())["results"]
    by_status: dict[str, list[str]] = {}
    for result in results:
        by_status.setdefault(result["status"], []).append(result["unique_id"])
    assert set(by_status) <= {"success", "pass", "warn"}
    # Z99 answers no claim: the only warning, from the match-method check
    assert [uid.split(".")[2] for uid in by_status["warn"]] == [
        "accepted_values_int_remittances__matched_to_claims_claim_match_method"
        "__patient_control_number__replacement_payer_claim_number__earlier_payer_claim_number"
    ]
    unit_tests = [r for r in results if r["unique_id"].startswith("unit_test.")]
    assert len(unit_tests) >= 15 and all(r["status"] == "pass" for r in unit_tests)


def test_the_client_spans_january_to_march(months):
    assert list(months) == ["2026-01", "2026-02", "2026-03"]


def test_submission_month_kpis(months):
    january = months["2026-01"]
    assert january["claims_submitted_count"] == 12
    # 120 + 125 + 60 + 60 + 80 + 120 + 60 + 65 + 60 + 140 + 60 + 60
    assert january["billed_amount"] == D("1010.00")
    # eleven claims submitted the day after service, C08 eight days after: 19 / 12
    assert january["charge_lag_days"] == pytest.approx(19 / 12)
    assert months["2026-02"]["claims_submitted_count"] == 0
    assert months["2026-02"]["charge_lag_days"] is None


def test_denial_and_first_pass_rates_by_first_remittance_month(months):
    january, february, march = months["2026-01"], months["2026-02"], months["2026-03"]
    # January: C01 clean, C02 partial denial (CO-50 55.00), C03 full denial (CO-4 60.00); the
    # later reversal of C03's denial answers its replacement, so the denial still counts
    assert january["claims_adjudicated_count"] == 3
    assert january["initial_denial_rate"] == pytest.approx(2 / 3)
    assert january["initial_denial_rate_amount"] == pytest.approx(115 / 305)
    assert january["first_pass_rate"] == pytest.approx(1 / 3)
    # C03 was paid after its replacement; C02's denied line was never reworked
    assert january["final_denial_rate"] == pytest.approx(1 / 3)
    assert january["final_denial_rate_amount"] == pytest.approx(55 / 305)
    # February: C05 C06 C07 C09 C10 C11 C12; C04's February payment was reversed by the payer
    # itself, so C04 is first remitted in March; C06's OA-18 is not a denial
    assert february["claims_adjudicated_count"] == 7
    assert february["claims_initially_denied_count"] == 1  # C07, CLP02 4
    assert february["initial_denial_rate"] == pytest.approx(1 / 7)
    # 60 / (80 + 120 + 60 + 60 + 60 + 140 + 60)
    assert february["initial_denial_rate_amount"] == pytest.approx(60 / 580)
    assert february["first_pass_rate"] == pytest.approx(6 / 7)
    assert march["claims_adjudicated_count"] == 1
    assert (march["initial_denial_rate"], march["first_pass_rate"]) == (0.0, 1.0)


def test_days_to_first_remit_and_to_payment(months):
    assert months["2026-01"]["days_to_first_remit"] == pytest.approx(21)  # 01-27 - 01-06
    # C05 29, C06 24, C07 28, C09 21, C11 19, C10 29, C12 24
    assert months["2026-02"]["days_to_first_remit"] == pytest.approx(174 / 7)
    # first paid in February: C03 42, C05 29, C06 24, C09 21, C11 19, C10 29, C12 24
    assert months["2026-02"]["days_to_payment"] == pytest.approx(188 / 7)
    assert months["2026-03"]["days_to_payment"] == pytest.approx(57)  # C04, 03-06 - 01-08


def test_money_by_payment_date(months):
    january, february, march = months["2026-01"], months["2026-02"], months["2026-03"]
    assert january["payer_paid_amount"] == D("67.70")  # 40.20 + 27.50 + 0
    # checks of 02-06 (85.30), 02-10 (52.14, the unmatched Z99 included), 02-17 (22.78),
    # 02-20 (86.72)
    assert february["payer_paid_amount"] == D("246.94")
    # C04 reversal -27.46 and repayment 30.51, C05 reversal -36.82, C09 secondary 5.81
    assert march["payer_paid_amount"] == D("-27.96")
    # allowed = CLP04 + CLP05 of primary remittances: 50.45 + 34.51
    assert january["allowed_amount"] == D("84.96")
    assert february["allowed_amount"] == D("308.99")
    assert march["allowed_amount"] == D("-33.77")  # the secondary's 5.81 is not allowed
    assert january["patient_responsibility_amount"] == D("17.26")
    assert february["patient_responsibility_amount"] == D("62.05")  # 40 + 5.81 + 4.94 + 5.81 + 5.49


def test_adjustments_by_category(months):
    january, february, march = months["2026-01"], months["2026-02"], months["2026-03"]
    assert january["contractual_adjustment_amount"] == D("103.66")
    assert january["denial_adjustment_amount"] == D("115.00")
    assert january["sequestration_adjustment_amount"] == D("1.38")
    assert february["contractual_adjustment_amount"] == D("349.67")
    assert february["denial_adjustment_amount"] == D("0.00")  # C07 60 and C03's reversal -60
    assert february["duplicate_adjustment_amount"] == D("120.00")
    assert february["sequestration_adjustment_amount"] == D("1.34")
    assert march["prior_payer_adjustment_amount"] == D("54.19")
    assert march["contractual_adjustment_amount"] == D("-46.23")
    assert february["provider_adjustment_amount"] == D("-1.50")  # PLB L6 interest


def test_patient_money_by_posting_date(months):
    assert months["2026-01"]["patient_paid_amount"] == D("40.00")  # C06's copay at the desk
    assert months["2026-02"]["patient_paid_amount"] == D("0.00")
    assert months["2026-03"]["patient_paid_amount"] == D("35.25")  # 10.00 + 15.00 + 10.25
    assert months["2026-03"]["patient_write_off_amount"] == D("7.01")


def test_collection_rates_of_the_january_service_cohort(months):
    january = months["2026-01"]
    # not voided: all but C05. collected = payer paid 276.68 + patient paid 60.25 = 336.93
    # billed 930.00, contractual 397.10, sequestration 2.72
    assert january["net_collection_rate"] == pytest.approx(336.93 / 530.18)
    assert january["gross_collection_rate"] == pytest.approx(336.93 / 930)
    assert january["is_collection_cohort_mature"] is False
    assert months["2026-02"]["net_collection_rate"] is None


def test_ar_at_month_end(months):
    january, february, march = months["2026-01"], months["2026-02"], months["2026-03"]
    # January 31: insurance C04 60, C05 80, C06 120 - 40 paid at the desk, C07 60, C08 65,
    # C09 60, C10 140, C11 60, C12 60 = 665; patient C01 10.25 + C02 7.01; C03's denial wrote
    # it down to 0
    assert (january["ar_amount"], january["ar_insurance_amount"],
            january["ar_patient_amount"]) == (D("682.26"), D("665.00"), D("17.26"))
    assert january["ar_0_30_amount"] == D("682.26")
    assert january["days_in_ar"] == pytest.approx(682.26 / (1010 / 90))
    # February 28: C08 65 and C09 5.81 (secondary awaited) are insurance; C01 10.25, C02 7.01,
    # C03 5.81, C11 4.94, C12 5.49 are the patient's; all 31-60 days from service
    assert (february["ar_amount"], february["ar_insurance_amount"],
            february["ar_patient_amount"]) == (D("104.31"), D("70.81"), D("33.50"))
    assert february["ar_31_60_amount"] == D("104.31")
    # March 31: C08 65, C03 5.81, C11 4.94 (61-90 days); C12 overpaid by 4.51
    assert (march["ar_amount"], march["ar_insurance_amount"], march["ar_patient_amount"],
            march["credit_balance_amount"]) == (D("75.75"), D("65.00"), D("10.75"), D("4.51"))
    assert march["ar_61_90_amount"] == D("75.75")
    assert march["days_in_ar"] == pytest.approx(6.75)


def test_underpayments(months, built):
    february = months["2026-02"]
    # C10 97530: contract 1.05 x 35.07 = 36.82, allowed 34.24; C12 97110: contract 30.51,
    # allowed 27.46
    assert (february["underpaid_line_count"], february["underpaid_amount"]) == (2, D("5.63"))
    # C12 is also below what the payer usually allows for one unit of 97110 (30.51)
    assert (february["below_usual_line_count"], february["below_usual_amount"]) == (1, D("3.05"))
    lines = {f"{row['patient_control_number']}:{row['claim_line_number']}": row
             for row in query(built[0], "select * from marts.fct_claim_lines")}
    assert lines["C10:1"]["expected_allowed_basis"] == "contract_share"
    assert lines["C12:1"]["expected_allowed_basis"] == "contract_amount"
    # the assistant line: Medicare rate derived from the payer's own lines (1.000), x 0.85
    assistant = lines["C11:1"]
    assert assistant["expected_allowed_basis"] == "fee_schedule_payer_rate"
    assert assistant["expected_allowed_amount"] == D("24.70") and not assistant["is_underpaid"]
    # two units of 97110 alone: first unit 29.06 in full, second at the MPPR amount 22.21
    assert lines["C01:1"]["expected_allowed_amount"] == D("51.27")
    assert lines["C02:2"]["is_underpaid"] is False  # denied, not underpaid


def test_claim_lifecycles(built):
    c = claims(built)
    replaced = c["C03"]
    assert (replaced["is_initially_denied"], replaced["is_first_pass"],
            replaced["is_finally_denied"], replaced["final_status"]) == (True, False, False, "paid")
    assert replaced["replacement_count"] == 1 and replaced["days_to_payment"] == 42
    corrected = c["C04"]
    assert corrected["first_remittance_date"] == date(2026, 3, 6)
    assert corrected["payer_paid_amount"] == D("30.51") and corrected["reversal_count"] == 1
    voided = c["C05"]
    assert (voided["final_status"], voided["billed_amount"], voided["original_billed_amount"],
            voided["payer_paid_amount"]) == ("voided", D("0.00"), D("80.00"), D("0.00"))
    duplicate = c["C06"]
    assert (duplicate["resend_count"], duplicate["duplicate_rejection_count"],
            duplicate["is_first_pass"], duplicate["balance_amount"]) == (1, 1, True, D("0.00"))
    assert c["C07"]["final_status"] == "denied" and c["C07"]["first_claim_status_code"] == "4"
    assert c["C08"]["final_status"] == "unadjudicated" and c["C08"]["balance_amount"] == D("65.00")
    secondary = c["C09"]
    assert (secondary["primary_paid_amount"], secondary["secondary_paid_amount"],
            secondary["remaining_patient_responsibility_amount"],
            secondary["balance_amount"]) == (D("22.78"), D("5.81"), D("0.00"), D("0.00"))
    assert c["C02"]["final_status"] == "partially_denied"
    assert c["C12"]["balance_amount"] == D("-4.51")
    assert "Z99" not in c


def test_denials_with_their_reasons_and_recovery(built):
    rows = query(built[0], """
        select fct_claims.patient_control_number, fct_denials.*
        from marts.fct_denials inner join marts.fct_claims using (claim_id)
        order by patient_control_number""")
    got = [(r["patient_control_number"], r["carc_code"], r["rarc_code"], r["root_cause"],
            r["denied_amount"], r["is_recovered"], r["recovered_amount"], r["days_to_recovery"])
           for r in rows]
    assert got == [
        ("C02", "50", "N115", "medical_necessity", D("55.00"), False, None, None),
        ("C03", "4", "N822", "coding", D("60.00"), True, D("22.78"), 21),
        ("C07", "31", "N382", "eligibility", D("60.00"), False, None, None),
    ]


def test_denial_breakdowns(built):
    rows = query(built[0], """
        select month, dimension, dimension_value, adjudicated_count, denied_count, denied_amount
        from marts.kpi_denials_by_dimension_monthly
        where dimension in ('hcpcs', 'carc', 'payer')""")
    got = {(r["month"], r["dimension"], r["dimension_value"]):
           (r["adjudicated_count"], r["denied_count"], r["denied_amount"]) for r in rows}
    # January lines: C01 and C03 (97110, C03 denied 60), C02 97530 and 97140 (denied 55)
    assert got[("2026-01", "hcpcs", "97110")] == (2, 1, D("60.00"))
    assert got[("2026-01", "hcpcs", "97140")] == (1, 1, D("55.00"))
    assert got[("2026-01", "hcpcs", "97530")] == (1, 0, D("0.00"))
    assert got[("2026-01", "payer", "09102")] == (3, 2, D("115.00"))
    # February: C07's claim-level denial counts against its only line
    assert got[("2026-02", "hcpcs", "97110")] == (6, 1, D("60.00"))
    assert got[("2026-02", "carc", "31")] == (7, 1, D("60.00"))


def test_ar_aging_by_payer_and_patient(built):
    rows = query(built[0], """
        select month, payer_class, payer_id, open_claim_count, ar_amount, credit_balance_amount
        from marts.kpi_ar_aging_month_end""")
    got = {(r["month"], r["payer_class"], r["payer_id"]):
           (r["open_claim_count"], r["ar_amount"], r["credit_balance_amount"]) for r in rows}
    assert got == {
        ("2026-01", "medicare", "09102"): (4, D("245.00"), D("0.00")),
        ("2026-01", "commercial", "UNC77"): (5, D("420.00"), D("0.00")),
        ("2026-01", "patient", None): (2, D("17.26"), D("0.00")),
        ("2026-02", "medicare", "09102"): (1, D("65.00"), D("0.00")),
        ("2026-02", "commercial", "UNC77"): (1, D("5.81"), D("0.00")),  # C09's secondary
        ("2026-02", "patient", None): (5, D("33.50"), D("0.00")),
        ("2026-03", "medicare", "09102"): (1, D("65.00"), D("0.00")),
        ("2026-03", "patient", None): (2, D("10.75"), D("4.51")),
    }


def test_payer_mix(built):
    rows = query(built[0], """
        select payer_class, claims_submitted_count, billed_amount, billed_share
        from marts.kpi_payer_mix_monthly where month = '2026-01' order by payer_class""")
    assert [(r["payer_class"], r["claims_submitted_count"], r["billed_amount"]) for r in rows] == [
        ("commercial", 5, D("460.00")), ("medicare", 7, D("550.00"))]
    assert rows[1]["billed_share"] == pytest.approx(550 / 1010)


def test_cli_prints_the_scenario_month_as_json(built, capsys, monkeypatch):
    from pipelines.cli import main

    monkeypatch.setenv("REVAUDIT_WAREHOUSE", str(built[0]))
    with pytest.raises(SystemExit) as exit_info:
        main(["kpis", "--client", "acme-ot", "--month", "2026-02", "--json"])
    out, _ = capsys.readouterr()
    assert exit_info.value.code == 0
    [february] = json.loads(out)
    assert february["payer_paid_amount"] == "246.94"
    assert february["initial_denial_rate"] == pytest.approx(1 / 7)
    assert february["ar_insurance_amount"] == "70.81"
