"""truth.json's KPIs follow from the generator's events.

The KPIs are recomputed here by a deliberately plain, brute-force reading of docs/metrics.md
(every month end re-scans every event up to that date), independent of the streaming
accumulator in ``pipelines.synth.truth``, and compared with what ``generate`` wrote.
"""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

import pytest

from pipelines import settings
from pipelines.synth import generate
from pipelines.synth.events import ClaimBatch, PatientPayment, PatientWriteOff, PaymentRun
from pipelines.synth.generator import simulate_events

SEED, CLIENTS, MONTHS, CPM = 23, 3, 5, 120
ZERO = Decimal("0.00")


def _category_rules():
    with (settings.DBT_PROJECT_DIR / "seeds/terminology/carc.csv").open() as f:
        seed = {row["carc_code"]: row["category"] for row in csv.DictReader(f)}

    def category(group: str, carc: str) -> str:  # docs/metrics.md, "Adjustment category"
        if group == "PR":
            return "patient_responsibility"
        if carc in ("18", "B13"):
            return "duplicate"
        if group == "OA" and carc == "23":
            return "prior_payer"
        if carc == "253":
            return "sequestration"
        if seed.get(carc) == "contractual":
            return "contractual"
        if group in ("CO", "OA", "PI", "CR") and seed.get(carc) == "denial":
            return "denial"
        return "other"

    return category


CATEGORY = _category_rules()


def _cas(remit):
    out = list(remit.claim_adjustments)
    for line in remit.lines:
        out.extend(line.adjustments)
    return out


def _month(d: date) -> str:
    return f"{d:%Y-%m}"


def _rate(n, d):
    return None if not d else round(float(Decimal(n) / Decimal(d)), 6)


def recompute(events, window_end: date) -> dict[str, dict]:
    """Plain reimplementation of docs/metrics.md over a list of events."""
    submissions = []  # (date, submission)
    remits = []  # (payment date, position, remittance)
    payments, writeoffs = [], []
    for event in events:
        if isinstance(event, ClaimBatch):
            submissions += [(event.batch_date, s) for s in event.submissions]
        elif isinstance(event, PaymentRun):
            remits += [(event.payment_date, len(remits) + i, r)
                       for i, r in enumerate(event.remittances)]
        elif isinstance(event, PatientPayment):
            payments.append(event)
        elif isinstance(event, WRITEOFF):
            writeoffs.append(event)

    originals = {}
    for day, s in submissions:
        if s.frequency == "1" and s.responsibility == "P" and s.claim.claim_id not in originals:
            originals[s.claim.claim_id] = (day, s)
    claims = {}
    for cid, (day, s) in originals.items():
        claims[cid] = {
            "submitted": day, "service_date": min(ln.service_date for ln in s.lines),
            "billed": s.billed, "payer": s.payer.key, "visit": s.claim.visit.visit_id,
            "lists_other": s.other_coverage is not None,
            "reworks": [], "remits": [], "void": None, "billed_changes": [],
        }
    for day, s in submissions:
        c = claims[s.claim.claim_id]
        if s.frequency == "7":
            c["reworks"].append(day)
            c["billed_changes"].append((day, s.billed))
        elif s.frequency == "8":
            c["reworks"].append(day)
            c["void"] = day
    for day, pos, r in remits:
        claims[r.claim.claim_id]["remits"].append((day, pos, r))
    visit_claim = {c["visit"]: cid for cid, c in claims.items()}

    def patient_money(cid, upto):
        paid = sum((p.amount for p in payments if p.posting_date <= upto and (
            p.claim_id == cid or (p.claim_id is None and visit_claim.get(p.visit_id) == cid))),
            ZERO)
        off = sum((w.amount for w in writeoffs if w.claim_id == cid and w.posting_date <= upto),
                  ZERO)
        return paid, off

    def billed_on(c, d):
        if c["void"] is not None and c["void"] <= d:
            return ZERO
        amount = c["billed"]
        for day, billed in c["billed_changes"]:
            if day <= d:
                amount = billed
        return amount

    def first_remit(c):
        primary = [(d, p, r) for d, p, r in c["remits"] if r.payer.key == c["payer"]]
        ignored = set()
        for d, p, r in primary:
            if r.status != "22":
                continue
            ignored.add(p)
            for d0, p0, r0 in primary:
                if (r0.status != "22" and r0.payer_claim_number == r.reverses
                        and not any(d0 < w <= d for w in c["reworks"])):
                    ignored.add(p0)
        usable = [(d, p, r) for d, p, r in primary
                  if r.status in ("1", "4", "19") and p not in ignored]
        return min(usable, key=lambda x: (x[0], x[1]), default=None)

    months = defaultdict(lambda: defaultdict(lambda: ZERO))
    for c in claims.values():
        m = months[_month(c["submitted"])]
        m["claims_submitted_count"] += 1
        m["billed_amount"] += c["billed"]
        m["lag"] += (c["submitted"] - c["service_date"]).days
        first = first_remit(c)
        if first:
            d, _, r = first
            m = months[_month(d)]
            m["claims_adjudicated_count"] += 1
            denial = sum((a for g, k, a in _cas(r) if CATEGORY(g, k) == "denial" and a > 0),
                         ZERO)
            m["denied"] += 1 if denial > 0 else 0
            m["denial_amount"] += denial
            m["first_charge"] += r.charge
            m["to_remit"] += (d - c["submitted"]).days
            if denial == 0 and r.status != "4" and not any(w < d for w in c["reworks"]):
                m["first_pass"] += 1
    for d, _, r in remits:
        m = months[_month(d)]
        m["payer_paid_amount"] += r.paid
        if r.payer.key == claims[r.claim.claim_id]["payer"] and r.status in ("1", "4", "19",
                                                                             "22"):
            m["allowed_amount"] += r.paid + r.patient_responsibility
            m["patient_responsibility_amount"] += r.patient_responsibility
        for g, k, a in _cas(r):
            m[f"{CATEGORY(g, k)}_adjustment_amount"] += a
    for p in payments:
        months[_month(p.posting_date)]["patient_paid_amount"] += p.amount

    # cohorts, as of the window's last date
    for cid, c in claims.items():
        if c["void"] is not None:
            continue
        m = months[_month(c["service_date"])]
        paid, _ = patient_money(cid, window_end)
        m["cohort_billed"] += billed_on(c, window_end)
        m["cohort_collected"] += paid + sum((r.paid for _, _, r in c["remits"]), ZERO)
        m["cohort_contractual"] += sum((a for _, _, r in c["remits"] for g, k, a in _cas(r)
                                        if CATEGORY(g, k) in ("contractual", "sequestration")),
                                       ZERO)

    # month-end AR by brute force
    ends = sorted({date(int(k[:4]), int(k[5:]), 1) for k in months})
    for first_day in ends:
        nxt = (first_day + timedelta(days=32)).replace(day=1)
        end = nxt - timedelta(days=1)
        if end > window_end:
            continue
        m = months[_month(end)]
        for cid, c in claims.items():
            if c["submitted"] > end or (c["void"] is not None and c["void"] <= end):
                continue
            upto = [(d, r) for d, _, r in c["remits"] if d <= end]
            paid, off = patient_money(cid, end)
            balance = (billed_on(c, end) - sum((r.paid for _, r in upto), ZERO)
                       - sum((a for _, r in upto for g, k, a in _cas(r) if CATEGORY(g, k) not in
                              ("patient_responsibility", "prior_payer", "duplicate")), ZERO)
                       - paid - off)
            if balance < 0:
                m["credit_balance_amount"] -= balance
                continue
            if balance == 0:
                continue
            adjudicated = any(r.payer.key == c["payer"] and r.status in ("1", "4", "19")
                              for _, r in upto)
            forwarded = any(r.payer.key == c["payer"] and r.status == "19" for _, r in upto)
            secondary_in = any(r.status in ("2", "3", "20", "21") for _, r in upto)
            insurance = not adjudicated or ((c["lists_other"] or forwarded) and not secondary_in)
            m["ar_amount"] += balance
            m["ar_insurance_amount" if insurance else "ar_patient_amount"] += balance
            age = (end - c["service_date"]).days
            bucket = ("ar_0_30_amount" if age <= 30 else "ar_31_60_amount" if age <= 60 else
                      "ar_61_90_amount" if age <= 90 else "ar_91_120_amount" if age <= 120
                      else "ar_over_120_amount")
            m[bucket] += balance
        billed_90 = sum((c["billed"] for c in claims.values()
                         if end - timedelta(days=89) <= c["submitted"] <= end), ZERO)
        m["days_in_ar"] = _rate(m["ar_amount"], billed_90 / 90) if billed_90 else None

    result = {}
    for key, m in months.items():
        adjudicated = m["claims_adjudicated_count"]
        row = {k: v for k, v in m.items()}
        row["initial_denial_rate"] = _rate(m["denied"], adjudicated)
        row["initial_denial_rate_amount"] = _rate(m["denial_amount"], m["first_charge"])
        row["first_pass_rate"] = _rate(m["first_pass"], adjudicated)
        row["charge_lag_days"] = _rate(m["lag"], m["claims_submitted_count"])
        row["days_to_first_remit"] = _rate(m["to_remit"], adjudicated)
        row["net_collection_rate"] = _rate(m["cohort_collected"],
                                           m["cohort_billed"] - m["cohort_contractual"])
        row["gross_collection_rate"] = _rate(m["cohort_collected"], m["cohort_billed"])
        result[key] = row
    return result


WRITEOFF = PatientWriteOff

MONEY_KPIS = ("billed_amount", "payer_paid_amount", "allowed_amount",
              "patient_responsibility_amount", "patient_paid_amount", "ar_amount",
              "ar_insurance_amount", "ar_patient_amount", "credit_balance_amount",
              "ar_0_30_amount", "ar_31_60_amount", "ar_61_90_amount", "ar_91_120_amount",
              "ar_over_120_amount", "contractual_adjustment_amount", "denial_adjustment_amount",
              "patient_responsibility_adjustment_amount", "prior_payer_adjustment_amount",
              "sequestration_adjustment_amount", "duplicate_adjustment_amount",
              "other_adjustment_amount")
COUNT_KPIS = ("claims_submitted_count", "claims_adjudicated_count")
RATE_KPIS = ("initial_denial_rate", "initial_denial_rate_amount", "first_pass_rate",
             "net_collection_rate", "gross_collection_rate", "days_in_ar", "charge_lag_days",
             "days_to_first_remit")


@pytest.fixture(scope="module")
def truth_and_events(tmp_path_factory):
    out = tmp_path_factory.mktemp("truth")
    generate(out, seed=SEED, clients=CLIENTS, months=MONTHS, claims_per_month=CPM)
    cases = []
    for index in range(CLIENTS):
        practice, events = simulate_events(SEED, index, MONTHS, CPM)
        truth = json.loads((out / practice.client_id / "truth.json").read_text())
        cases.append((truth, list(events), practice.window_end))
    return cases


@pytest.mark.parametrize("index", range(CLIENTS))
def test_truth_kpis_match_a_plain_recomputation(truth_and_events, index):
    truth, events, window_end = truth_and_events[index]
    expected = recompute(events, window_end)
    assert sorted(truth["months"]) == sorted(k for k in expected
                                             if k <= f"{window_end:%Y-%m}")
    mismatches = []
    for month, row in truth["months"].items():
        exp = expected[month]
        for kpi in MONEY_KPIS:
            if Decimal(row[kpi]) != exp.get(kpi, ZERO):
                mismatches.append((month, kpi, row[kpi], exp.get(kpi, ZERO)))
        for kpi in COUNT_KPIS:
            if row[kpi] != exp.get(kpi, 0):
                mismatches.append((month, kpi, row[kpi], exp.get(kpi, 0)))
        for kpi in RATE_KPIS:
            if row[kpi] != exp.get(kpi):
                mismatches.append((month, kpi, row[kpi], exp.get(kpi)))
    assert mismatches == []


def test_the_events_exercise_every_rule(truth_and_events):
    """The comparison above is only as good as the situations the events contain."""
    statuses, frequencies, categories = set(), set(), set()
    for _, events, _ in truth_and_events:
        for e in events:
            if isinstance(e, PaymentRun):
                for r in e.remittances:
                    statuses.add(r.status)
                    categories |= {CATEGORY(g, k) for g, k, _ in _cas(r)}
            elif isinstance(e, ClaimBatch):
                frequencies |= {(s.frequency, s.responsibility) for s in e.submissions}
    assert {"1", "2", "4", "19", "22"} <= statuses
    assert {("1", "P"), ("7", "P"), ("1", "S")} <= frequencies
    assert {"patient_responsibility", "contractual", "denial", "prior_payer", "sequestration",
            "duplicate"} <= categories


def test_month_rows_carry_every_published_kpi(truth_and_events):
    truth = truth_and_events[0][0]
    row = next(iter(truth["months"].values()))
    for kpi in MONEY_KPIS + COUNT_KPIS + RATE_KPIS:
        assert kpi in row
    assert all(isinstance(row[k], str) and row[k].count(".") == 1 and len(row[k].split(".")[1])
               == 2 for k in MONEY_KPIS)
