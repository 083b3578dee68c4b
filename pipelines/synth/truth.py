"""Ground truth: the KPIs of docs/metrics.md computed from the generator's events.

Streaming: amount flows are added as events arrive (by payment, posting or submission date);
month-end AR is a snapshot taken at each ``MonthEnd``; the KPIs that depend on a claim's whole
history (first remittance, collection cohorts) are settled when the claim closes (no event
will touch it again) or at the end of the window. A closed claim keeps only a small record if
its balance is not zero, so memory follows the open claims, not the whole window.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from pipelines.synth.events import (
    ClaimBatch,
    ClaimClosed,
    Leak,
    MonthEnd,
    PatientPayment,
    PatientWriteOff,
    PaymentRun,
    Practice,
    VisitRecorded,
)
from pipelines.synth.leaks import DEFINITIONS as LEAK_DEFINITIONS
from pipelines.synth.money import ZERO, fmt
from pipelines.synth.reference_data import adjustment_category

CATEGORIES = ("patient_responsibility", "duplicate", "prior_payer", "sequestration",
              "contractual", "denial", "other")
PRIMARY_STATUSES = ("1", "4", "19")
ADJUSTMENT_KPI = {c: f"{c}_adjustment_amount" for c in CATEGORIES}
BALANCE_EXEMPT = ("patient_responsibility", "prior_payer", "duplicate")  # not in claim balance
AGING = (("ar_0_30_amount", 0, 30), ("ar_31_60_amount", 31, 60), ("ar_61_90_amount", 61, 90),
         ("ar_91_120_amount", 91, 120), ("ar_over_120_amount", 121, 10**9))

DEFINITIONS = """\
KPIs follow docs/metrics.md (client = this folder, month = calendar month of the KPI's date
basis). Computed from the generator's events, never from the files. Money: strings with two
decimals. Rates and day means: numbers rounded to 6 places; null when the denominator is 0.
Cohort KPIs (net/gross collection rate) are as of the window's last date (`as_of`).
credit_balance_amount is the sum of negative claim balances at month end, as a positive amount.
provider_adjustment_amount is Σ PLB amounts (positive reduces payment) by payment date, reported
apart from payer_paid_amount; provider_adjustments_by_reason splits it by PLB reason code.
Leak amounts:
""" + LEAK_DEFINITIONS


def month_key(d: date) -> tuple[int, int]:
    return d.year, d.month


@dataclass(slots=True)
class PrimaryRemit:
    payment_date: date
    position: int
    icn: str
    status: str
    has_denial: bool
    denial_amount: Decimal
    charge: Decimal
    reverses: str | None


@dataclass(slots=True)
class ClaimTruth:
    claim_id: str
    visit_id: str
    service_date: date
    submission_date: date
    primary_payer: str
    billed_original: Decimal
    billed: Decimal
    # billed - payer paid - adjustments other than PR and prior payer - patient paid - patient
    # written off; kept as each of them changes (month ends read it for every open claim)
    balance: Decimal
    expects_secondary: bool
    voided_on: date | None = None
    payer_paid: Decimal = ZERO
    contractual: Decimal = ZERO  # contractual + sequestration (collection-rate denominator)
    patient_paid: Decimal = ZERO
    primary_adjudicated: bool = False
    primary_forwarded: bool = False
    secondary_remitted: bool = False
    primary_remits: list[PrimaryRemit] = field(default_factory=list)
    rework_dates: list[date] = field(default_factory=list)  # replacements and voids

    def insurance_owes(self) -> bool:
        if not self.primary_adjudicated:
            return True
        return (self.expects_secondary or self.primary_forwarded) and not self.secondary_remitted


def first_remittance(claim: ClaimTruth) -> PrimaryRemit | None:
    """The earliest primary adjudication that count KPIs use (docs/metrics.md)."""
    remits = claim.primary_remits
    if len(remits) == 1:  # the common case: one answer, never reversed
        only = remits[0]
        return only if only.status in PRIMARY_STATUSES else None
    by_icn = {r.icn: r for r in claim.primary_remits if r.status != "22"}
    ignored: set[int] = set()
    for r in claim.primary_remits:
        if r.status != "22":
            continue
        ignored.add(r.position)
        original = by_icn.get(r.reverses)
        if original is None:
            continue
        answers_rework = any(original.payment_date < d <= r.payment_date
                             for d in claim.rework_dates)
        if not answers_rework:
            ignored.add(original.position)
    candidates = [r for r in claim.primary_remits
                  if r.status in PRIMARY_STATUSES and r.position not in ignored]
    return min(candidates, key=lambda r: (r.payment_date, r.position), default=None)


class ClientTruth:
    """Accumulates one client's truth from its event stream."""

    def __init__(self, practice: Practice):
        self.practice = practice
        self.start, self.end = practice.window_start, practice.window_end
        self.months: list[tuple[int, int]] = []
        d = self.start
        while d <= self.end:
            if month_key(d) not in self.months:
                self.months.append(month_key(d))
            d += timedelta(days=1)
        self.money: dict[str, dict] = defaultdict(lambda: defaultdict(lambda: ZERO))
        self.counts: dict[str, dict] = defaultdict(lambda: defaultdict(int))
        self.snapshots: dict[tuple[int, int], dict] = {}
        self.claims: dict[str, ClaimTruth] = {}
        # closed claims' balances, summed by (service date, insurance owes, credit): a month
        # end ages each sum as it would each balance
        self.closed_balances: dict[tuple[date, bool, bool], Decimal] = {}
        self.visit_desk_paid: dict[str, Decimal] = {}
        self.billed_by_day: dict[date, Decimal] = defaultdict(lambda: ZERO)
        self.cohort: dict[tuple[int, int], list[Decimal]] = defaultdict(
            lambda: [ZERO, ZERO, ZERO, ZERO])  # billed, payer paid, patient paid, contractual
        self.position = 0
        # first answers of the settled claims, by month of that answer: [claims, charge,
        # denied amount, days from submission, claims denied, first-pass claims]
        self.first_answers: dict[tuple[int, int], list] = {}
        self.leaks: list[Leak] = []
        self.by_payer: dict[str, dict] = defaultdict(lambda: defaultdict(lambda: ZERO))
        self.visits: dict[str, int] = defaultdict(int)
        self.patients: set[str] = set()
        # event type -> bound handler (``feed`` dispatches through it; so may a caller)
        self.handlers = {kind: handler.__get__(self) for kind, handler in self._handlers.items()}

    # ---------------------------------------------------------------- events
    def feed(self, event) -> None:
        handler = self.handlers.get(type(event))
        if handler is not None:
            handler(event)

    def _visit(self, event: VisitRecorded) -> None:
        self.visits[event.visit.status] += 1
        self.patients.add(event.visit.patient.patient_id)

    def _batch(self, batch: ClaimBatch) -> None:
        day = batch.batch_date
        m = (day.year, day.month)
        claims, desk_paid, by_payer = self.claims, self.visit_desk_paid, self.by_payer
        # one batch, one month: its sums are added once (Decimal sums are exact in any order)
        submitted = lag = 0
        billed = ZERO
        for s in batch.submissions:
            claim = claims.get(s.claim.claim_id)
            if s.kind == "original" and claim is None:
                first_dos = min([ln.service_date for ln in s.lines])
                visit_id = s.claim.visit.visit_id
                paid = desk_paid.pop(visit_id, ZERO)
                claim = ClaimTruth(
                    s.claim.claim_id, visit_id, first_dos, day, s.payer.key, s.billed, s.billed,
                    s.billed - paid, s.other_coverage is not None, patient_paid=paid)
                claims[claim.claim_id] = claim
                submitted += 1
                billed += s.billed
                lag += (day - first_dos).days
                payer = by_payer[s.payer.key]
                payer["claims"] += 1
                payer["billed"] += s.billed
            elif s.kind == "replacement":
                claim.balance += s.billed - claim.billed
                claim.billed = s.billed
                claim.rework_dates.append(day)
            elif s.kind == "void":
                claim.voided_on = day
                claim.balance -= claim.billed
                claim.billed = ZERO
                claim.rework_dates.append(day)
        if submitted:
            self.counts["claims_submitted_count"][m] += submitted
            self.money["billed_amount"][m] += billed
            self.money["_charge_lag_sum"][m] += lag
            self.billed_by_day[day] += billed

    def _run(self, run: PaymentRun) -> None:
        day = run.payment_date
        m = (day.year, day.month)
        claims, by_payer = self.claims, self.by_payer
        position = self.position
        # one run, one month: its sums are added once (Decimal sums are exact in any order)
        sums: dict[str, Decimal] = defaultdict(lambda: ZERO)
        paid_total = allowed = patient_responsibility = ZERO
        run_payer = run.payer
        run_payer_paid = None  # what the run's own payer paid (nearly every remittance)
        for r in run.remittances:
            position += 1
            claim = claims[r.claim.claim_id]
            paid = r.paid
            paid_total += paid
            payer = r.payer
            if payer is run_payer:
                run_payer_paid = paid if run_payer_paid is None else run_payer_paid + paid
            else:
                by_payer[payer.key]["paid"] += paid
            claim.payer_paid += paid
            claim.balance -= paid
            status = r.status
            adjustments = r.claim_adjustments
            if r.lines:
                adjustments = list(adjustments)
                for line in r.lines:
                    adjustments += line.adjustments
            denial, written_down, contractual = _add_adjustments(adjustments, sums)
            if written_down:
                claim.balance -= written_down
            if contractual:
                claim.contractual += contractual
            if payer.key == claim.primary_payer:
                if status in ("1", "4", "19", "22"):
                    responsibility = r.patient_responsibility
                    allowed += paid + responsibility
                    patient_responsibility += responsibility
                claim.primary_remits.append(PrimaryRemit(day, position, r.payer_claim_number,
                                                         status, denial is not None,
                                                         denial or ZERO, r.charge, r.reverses))
                if status in PRIMARY_STATUSES:
                    claim.primary_adjudicated = True
                if status == "19":
                    claim.primary_forwarded = True
            elif status in ("2", "3", "20", "21"):
                claim.secondary_remitted = True
        self.position = position
        if run_payer_paid is not None:
            by_payer[run_payer.key]["paid"] += run_payer_paid
        if run.remittances:
            sums["payer_paid_amount"] += paid_total
            sums["allowed_amount"] += allowed
            sums["patient_responsibility_amount"] += patient_responsibility
        for adj in run.provider_adjustments:
            sums["provider_adjustment_amount"] += adj.amount
            sums[f"plb_{adj.reason}"] += adj.amount
        money = self.money
        for kpi, amount in sums.items():
            money[kpi][m] += amount

    def _patient_payment(self, p: PatientPayment) -> None:
        day = p.posting_date
        self.money["patient_paid_amount"][day.year, day.month] += p.amount
        if p.claim_id is not None:
            claim = self.claims[p.claim_id]
            claim.patient_paid += p.amount
            claim.balance -= p.amount
        elif p.visit_id is not None:  # a desk payment: joins the visit's claim when billed
            self.visit_desk_paid[p.visit_id] = self.visit_desk_paid.get(p.visit_id, ZERO) + p.amount

    def _writeoff(self, w: PatientWriteOff) -> None:
        self.money["patient_writeoff_amount"][month_key(w.posting_date)] += w.amount
        self.claims[w.claim_id].balance -= w.amount

    def _leak(self, leak: Leak) -> None:
        self.leaks.append(leak)

    def _closed(self, event: ClaimClosed) -> None:
        claim = self.claims.pop(event.claim_id, None)
        if claim is not None:
            self._settle(claim)

    def _month_end(self, event: MonthEnd) -> None:
        day = event.day
        snap = defaultdict(lambda: ZERO)

        def add(service_date: date, balance: Decimal, insurance: bool) -> None:
            if balance < ZERO:
                snap["credit_balance_amount"] -= balance
                return
            if not balance:
                return
            snap["ar_amount"] += balance
            snap["ar_insurance_amount" if insurance else "ar_patient_amount"] += balance
            age = (day - service_date).days
            for name, low, high in AGING:
                if low <= age <= high:
                    snap[name] += balance
                    break

        # balances summed as closed ones are (by service date, insurance owes, credit), then aged
        balances = dict(self.closed_balances)
        for claim in self.claims.values():
            if claim.voided_on is None or claim.voided_on > day:
                balance = claim.balance
                if balance:
                    key = (claim.service_date, claim.insurance_owes(), balance < ZERO)
                    balances[key] = balances.get(key, ZERO) + balance
        for (service_date, insurance, _), balance in balances.items():
            add(service_date, balance, insurance)
        window_start = day - timedelta(days=89)
        for d in [d for d in self.billed_by_day if d < window_start]:
            del self.billed_by_day[d]
        snap["_billed_90"] = sum(self.billed_by_day.values(), ZERO)
        self.snapshots[month_key(day)] = snap

    _handlers = {
        VisitRecorded: _visit, ClaimBatch: _batch, PaymentRun: _run,
        PatientPayment: _patient_payment, PatientWriteOff: _writeoff, Leak: _leak,
        ClaimClosed: _closed, MonthEnd: _month_end,
    }

    # ---------------------------------------------------------------- settling
    def _settle(self, claim: ClaimTruth) -> None:
        first = first_remittance(claim)
        if first is not None:
            paid_on = first.payment_date
            m = (paid_on.year, paid_on.month)
            sums = self.first_answers.get(m)
            if sums is None:
                sums = self.first_answers[m] = [0, ZERO, ZERO, 0, 0, 0]
            sums[0] += 1
            sums[1] += first.charge
            sums[2] += first.denial_amount
            sums[3] += (paid_on - claim.submission_date).days
            if first.has_denial:
                sums[4] += 1
            elif first.status != "4" and not (
                    claim.rework_dates and any([d < paid_on for d in claim.rework_dates])):
                sums[5] += 1
        if claim.voided_on is None:
            service_date = claim.service_date
            cohort = self.cohort[service_date.year, service_date.month]
            cohort[0] += claim.billed
            cohort[1] += claim.payer_paid
            cohort[2] += claim.patient_paid
            cohort[3] += claim.contractual
            balance = claim.balance
            if balance:
                key = (claim.service_date, claim.insurance_owes(), balance < ZERO)
                self.closed_balances[key] = self.closed_balances.get(key, ZERO) + balance

    def finish(self) -> dict:
        """Settle the claims still open at the window's end and return the truth document."""
        for claim in list(self.claims.values()):
            self._settle(claim)
        self.claims.clear()
        counts, money = self.counts, self.money
        for m, (adjudicated, charge, denial, days, denied, first_pass) in (
                self.first_answers.items()):
            counts["claims_adjudicated_count"][m] += adjudicated
            money["_first_charge"][m] += charge
            money["_first_denial"][m] += denial
            money["_days_to_first_remit_sum"][m] += days
            counts["_denied_first"][m] += denied
            counts["_first_pass"][m] += first_pass
        self.first_answers.clear()
        months = {f"{y:04d}-{m:02d}": self._month((y, m)) for y, m in self.months}
        leaks = [_leak_json(self.practice.client_id, leak) for leak in self.leaks]
        return {"client_id": self.practice.client_id, "as_of": self.end.isoformat(),
                "window": {"start": self.start.isoformat(), "end": self.end.isoformat()},
                "definitions": DEFINITIONS, "months": months, "leaks": leaks,
                "summary": self._summary(months, leaks)}

    def _month(self, m) -> dict:
        money, counts = self.money, self.counts
        adjudicated = counts["claims_adjudicated_count"].get(m, 0)
        submitted = counts["claims_submitted_count"].get(m, 0)
        snap = self.snapshots.get(m, defaultdict(lambda: ZERO))
        billed_90 = snap["_billed_90"]
        cohort = self.cohort.get(m, [ZERO, ZERO, ZERO, ZERO])
        collected = cohort[1] + cohort[2]
        row = {
            "claims_submitted_count": submitted,
            "billed_amount": fmt(money["billed_amount"].get(m, ZERO)),
            "claims_adjudicated_count": adjudicated,
            "initial_denial_rate": _rate(counts["_denied_first"].get(m, 0), adjudicated),
            "initial_denial_rate_amount": _rate(money["_first_denial"].get(m, ZERO),
                                                money["_first_charge"].get(m, ZERO)),
            "first_pass_rate": _rate(counts["_first_pass"].get(m, 0), adjudicated),
            "payer_paid_amount": fmt(money["payer_paid_amount"].get(m, ZERO)),
            "allowed_amount": fmt(money["allowed_amount"].get(m, ZERO)),
            "patient_responsibility_amount": fmt(
                money["patient_responsibility_amount"].get(m, ZERO)),
        }
        for category in CATEGORIES:
            row[f"{category}_adjustment_amount"] = fmt(
                money[f"{category}_adjustment_amount"].get(m, ZERO))
        row.update({
            "patient_paid_amount": fmt(money["patient_paid_amount"].get(m, ZERO)),
            "net_collection_rate": _rate(collected, cohort[0] - cohort[3]),
            "gross_collection_rate": _rate(collected, cohort[0]),
            "ar_amount": fmt(snap["ar_amount"]),
            "ar_insurance_amount": fmt(snap["ar_insurance_amount"]),
            "ar_patient_amount": fmt(snap["ar_patient_amount"]),
            "credit_balance_amount": fmt(snap["credit_balance_amount"]),
        })
        for name, _, _ in AGING:
            row[name] = fmt(snap[name])
        row["days_in_ar"] = _rate(snap["ar_amount"], billed_90 / 90) if billed_90 else None
        row["charge_lag_days"] = _rate(money["_charge_lag_sum"].get(m, ZERO), submitted)
        row["days_to_first_remit"] = _rate(money["_days_to_first_remit_sum"].get(m, ZERO),
                                           adjudicated)
        row["provider_adjustment_amount"] = fmt(money["provider_adjustment_amount"].get(m, ZERO))
        row["provider_adjustments_by_reason"] = {
            key[4:]: fmt(values[m]) for key, values in sorted(money.items())
            if key.startswith("plb_") and m in values}
        row["patient_writeoff_amount"] = fmt(money["patient_writeoff_amount"].get(m, ZERO))
        return row

    def _summary(self, months: dict, leaks: list[dict]) -> dict:
        def total(name: str) -> str:
            return fmt(sum((Decimal(row[name]) for row in months.values()), ZERO))

        by_kind: dict[str, dict] = {}
        for leak in leaks:
            entry = by_kind.setdefault(leak["kind"], {"count": 0, "amount": ZERO})
            entry["count"] += 1
            entry["amount"] += Decimal(leak["amount"])
        return {
            "claims_submitted_count": sum(r["claims_submitted_count"] for r in months.values()),
            "claims_adjudicated_count": sum(r["claims_adjudicated_count"]
                                            for r in months.values()),
            "billed_amount": total("billed_amount"),
            "payer_paid_amount": total("payer_paid_amount"),
            "patient_paid_amount": total("patient_paid_amount"),
            "ar_amount_at_end": months[max(months)]["ar_amount"] if months else "0.00",
            "visits_by_status": dict(sorted(self.visits.items())),
            "patients": len(self.patients),
            "by_payer": {key: {"claims": int(v["claims"]), "billed": fmt(v["billed"]),
                               "paid": fmt(v["paid"])}
                         for key, v in sorted(self.by_payer.items())},
            "leaks_by_kind": {k: {"count": v["count"], "amount": fmt(v["amount"])}
                              for k, v in sorted(by_kind.items())},
            "leaks_total_amount": fmt(sum((Decimal(x["amount"]) for x in leaks), ZERO)),
        }


def _add_adjustments(adjustments, sums: dict[str, Decimal]):
    """Add CAS triplets to their KPIs in ``sums``; return what they sum to as a denial (None
    when none is a positive denial), as write-downs and as contractual adjustments."""
    denial = None
    written_down = contractual = ZERO
    for group, carc, amount in adjustments:
        try:
            kpi, is_denial, lowers_balance, is_contractual = ROLES[group][carc]
        except KeyError:
            kpi, is_denial, lowers_balance, is_contractual = _learn_role(group, carc)
        sums[kpi] += amount
        if is_denial and amount > ZERO:
            denial = amount if denial is None else denial + amount
        if lowers_balance:
            written_down += amount
        if is_contractual:
            contractual += amount
    return denial, written_down, contractual


# group → CARC → role of the CAS triplets seen so far (two string lookups per triplet)
ROLES: dict[str, dict[str, tuple[str, bool, bool, bool]]] = {}


def _learn_role(group: str, carc: str) -> tuple[str, bool, bool, bool]:
    """What one CAS triplet counts toward: its KPI, whether it is a denial, whether it
    lowers the claim balance, whether it is contractual (collection-rate denominator)."""
    category = adjustment_category(group, carc)
    role = (ADJUSTMENT_KPI[category], category == "denial", category not in BALANCE_EXEMPT,
            category in ("contractual", "sequestration"))
    ROLES.setdefault(group, {})[carc] = role
    return role


def _rate(numerator, denominator):
    if not denominator:
        return None
    return round(float(Decimal(numerator) / Decimal(denominator)), 6)


def _leak_json(client_id: str, leak: Leak) -> dict:
    return {"kind": leak.kind, "client_id": client_id, "claim_id": leak.claim_id,
            "line_ids": list(leak.line_ids), "visit_id": leak.visit_id, "payer": leak.payer_key,
            "service_date": leak.service_date.isoformat(), "amount": fmt(leak.amount),
            "detail": leak.detail}
