"""The event simulation of one client, day by day over the window.

Each day, in this order: patients are admitted and treated (PM visits); on the practice's
batch weekday the billing office turns signed visits into claims and sends the week's 837
(originals, replacements, voids, resends, secondary claims); each payer with a payment run that
day adjudicates what is ready and sends one 835; patients pay their statements; at month end a
``MonthEnd`` marker lets the truth take its AR snapshot. Everything happens on dates fixed by the
seed and the window, so the same arguments give the same events.

Injected leaks (each emitted as a ``Leak`` event with its size; see ``leaks.py`` for the rules
that size them): visits never billed, units below what the minutes support, missing KX, missing
GO, NCCI pairs without a 59/X modifier, claims filed past the payer's limit, secondary claims
never sent, lines paid below contract, and denials never reworked.
"""

from __future__ import annotations

import heapq
import random
from collections import defaultdict
from collections.abc import Callable, Iterator
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from math import floor

from pipelines.synth import leaks
from pipelines.synth.adjudication import (
    adjudicate_primary,
    adjudicate_secondary,
    duplicate_rejection,
    reversal_of,
)
from pipelines.synth.catalog import (
    KX_THRESHOLD,
    MISSING_GO,
    MISSING_KX,
    NCCI_NO_MODIFIER,
    PAYERS,
    SELF_PAY_RATE,
    TIMELY_FILING,
    Denial,
    PayerProfile,
)
from pipelines.synth.clinic import DAYS, Clinic, Episode
from pipelines.synth.events import (
    Claim,
    ClaimBatch,
    ClaimClosed,
    ClaimLine,
    Event,
    Leak,
    MonthEnd,
    PatientPayment,
    PatientWriteOff,
    PaymentRun,
    Practice,
    PriorPayer,
    PriorPayerLine,
    ProviderAdjustment,
    Remittance,
    Service,
    Submission,
    Visit,
    VisitRecorded,
)
from pipelines.synth.ids import sequential_ids
from pipelines.synth.money import ZERO, money, share
from pipelines.synth.pricing import LinePrice, price_billed_lines
from pipelines.synth.reference_data import medicare_fee_schedule
from pipelines.synth.world import new_patient, prior_year_therapy

WINDOW_END = date(2026, 10, 31)  # default: the 12 months ending 2026-10-31
ATTENDANCE = 0.88
VISITS_PER_EPISODE_MONTH = 9.0
REWORK_SHARE = 0.6  # payer denials the practice fixes and resubmits
NONE: frozenset[int] = frozenset()
NO_DENIALS: dict = {}  # shared empty arguments of adjudicate_primary (never written to)
NO_UNDERPAY: dict = {}
ONE = Decimal("1")
CORRECTION_FACTORS = (Decimal("0.90"), Decimal("1.06"))
UNDERPAY_FACTORS = (Decimal("0.85"), Decimal("0.90"), Decimal("0.93"))
PAYMENT_METHODS = ("card", "check", "portal")  # of a statement, drawn evenly
SMALL_BALANCE = Decimal("5.00")  # a statement balance below this is written off
# the denials of injected leaks, by identity (Denial's dataclass __eq__ is slow Python)
INJECTED_DENIALS = frozenset(map(id, (MISSING_KX, MISSING_GO, NCCI_NO_MODIFIER, TIMELY_FILING)))
NEVER_BILLED_RATE = leaks.RATES["visit_never_billed"]
PAST_FILING_RATE = leaks.RATES["past_filing_limit"]
SHORT_UNITS_RATE = leaks.RATES["units_below_minutes"]
NCCI_RATE = leaks.RATES["ncci"]
MISSING_GO_RATE = leaks.RATES["missing_go"]
MISSING_KX_RATE = leaks.RATES["missing_kx"]


def window(months: int, end: date = WINDOW_END) -> tuple[date, date]:
    """First and last day of the ``months`` calendar months ending on ``end``'s month."""
    year, month = end.year, end.month - months + 1
    while month <= 0:
        month += 12
        year -= 1
    return date(year, month, 1), end


def month_end(day: date) -> bool:
    return (day + timedelta(days=1)).day == 1


# What a payer has to answer: (kind, claim, submission, primary remittance). kind: original |
# resend | replacement | void | secondary | crossover | correction; the submission is None for a
# crossover or correction, the primary remittance set for a crossover only. A tuple: one per
# submission, and a dataclass would cost about 1,500 instructions more to make and free.
PayerItem = tuple[str, Claim, Submission | None, Remittance | None]


@dataclass(slots=True)
class PayerQueue:
    """What waits at one payer: by the day it is ready, then in the order it arrived."""

    days: list[date] = field(default_factory=list)  # heap of the days with items
    items: dict[date, list[PayerItem]] = field(default_factory=dict)

    def put(self, ready: date, item: PayerItem) -> None:
        waiting = self.items.get(ready)
        if waiting is None:
            heapq.heappush(self.days, ready)
            self.items[ready] = [item]
        else:
            waiting.append(item)

    def ready_by(self, day: date) -> list[PayerItem]:
        """Remove and return the items ready on or before ``day``."""
        days, out = self.days, []
        while days and days[0] <= day:
            out.extend(self.items.pop(heapq.heappop(days)))
        return out


@dataclass(slots=True)
class ClaimState:
    """What the simulation remembers about a claim while it is open."""

    claim: Claim
    billed: Decimal = ZERO  # claim.billed (its lines never change)
    pos_paid: Decimal = ZERO
    prices: tuple[LinePrice, ...] | None = None  # the lines at the primary payer's contract
    kx_missing: AbstractSet[int] = NONE  # line indexes billed without a modifier they need
    go_missing: AbstractSet[int] = NONE
    ncci_missing: AbstractSet[int] = NONE
    pending: int = 0
    remits: list[Remittance] = field(default_factory=list)  # primary, in order
    correct_later: bool = False
    late_filing: bool = False
    original_ready: date | None = None  # when the payer can first adjudicate the original
    void_planned: bool = False


@dataclass(frozen=True, slots=True)
class PayerRates:
    """A payer's probabilities as floats, and its denial mix as cumulative weights."""

    duplicate: float
    correction: float
    underpay: float
    denial: float
    interest: float
    recoupment: float
    denials: tuple[tuple[Denial, int], ...]
    denial_weight: int

    @classmethod
    def of(cls, payer: PayerProfile) -> PayerRates:
        weights = tuple((d, d.weight) for d in payer.denials)
        return cls(float(payer.duplicate_rate), float(payer.correction_rate),
                   float(payer.underpay_rate), float(payer.denial_rate),
                   float(payer.interest_rate), float(payer.recoupment_rate), weights,
                   sum(w for _, w in weights))


POINTERS = {n: tuple(range(1, n + 1)) for n in range(13)}  # diagnosis pointers of n codes
LINE_SUFFIXES = tuple(f"-{n}" for n in range(100))  # line id = claim id + "-n" (n = 1, 2, ...)
ASSISTANT_MODIFIER_KINDS = ("medicare", "medicare_advantage")  # CO on assistant lines


class ClientSimulation:
    """Generates the events of one client over the window."""

    def __init__(self, practice: Practice, rng: random.Random, claims_per_month: int | None):
        self.practice = practice
        self.rng = rng
        self.clinic = Clinic(practice, rng)
        template = practice.template
        self.claims_per_month = claims_per_month or template.claims_per_month
        self_pay = sum(w for k, w in template.payer_mix if k == "self_pay") / sum(
            w for _, w in template.payer_mix)
        visits = self.claims_per_month / ATTENDANCE / (1 - self_pay)
        self.target_episodes = max(1, round(visits / VISITS_PER_EPISODE_MONTH))
        self.episodes: list[Episode] = []
        self.returning: list[tuple[date, int, object]] = []
        self.unbilled: list[tuple[date, Visit]] = []  # (ready to bill, visit)
        self.submissions_due: list[tuple[date, int, Submission]] = []
        self.payer_queue: dict[str, PayerQueue] = defaultdict(PayerQueue)
        self.patient_due: dict[date, list[tuple]] = defaultdict(list)
        self.states: dict[str, ClaimState] = {}
        self.visit_paid: dict[str, Decimal] = {}  # desk payments not yet tied to a claim
        self.out: list[Event] = []
        self.seq = 0
        self.patient_seq = 0
        self.claim_numbers = sequential_ids("", 7)  # after the claim id's practice and YYMM
        self.batch_seq = 0
        self.payment_ids = sequential_ids("PP", 7)
        self.writeoff_seq = 0
        self.run_seq: dict[str, int] = defaultdict(int)
        self.icn_numbers: dict[str, Callable[[], str]] = {  # by payer: 0000001, 0000002, ...
            key: sequential_ids("", 7) for key in PAYERS}
        self.forward_balance: dict[str, Decimal] = defaultdict(lambda: ZERO)
        self.rates = {key: PayerRates.of(payer) for key, payer in PAYERS.items()}
        # plan id -> (no coinsurance and no deductible, and no copay either)
        self.plan_shares = {id(plan): (plan.coinsurance == 0 and plan.deductible == 0,
                                       plan.coinsurance == 0 and plan.deductible == 0
                                       and plan.copay == 0)
                            for payer in PAYERS.values() for plan in payer.plans}
        self.claim_prefixes: dict[date, str] = {}  # service date -> claim id up to YYMM
        self.icn_prefix = ""  # of the payment run under way: payer, day, practice

    # ================================================================= driver
    def run(self) -> Iterator[Event]:
        start, end = self.practice.window_start, self.practice.window_end
        self._open_window(start)
        day = start
        batch_weekday = self.practice.template.batch_weekday
        while day <= end:
            weekday = day.weekday()
            if weekday < 5:
                self._admit(day)
                self._treat(day)
            if weekday == batch_weekday:
                self._bill(day)
            for payer in PAYERS.values():
                if weekday in payer.run_weekdays:
                    self._payment_run(payer, day)
            self._patients(day)
            if month_end(day):
                self.out.append(MonthEnd(day))
            yield from self.out
            self.out.clear()
            day += timedelta(days=1)

    def _next(self) -> int:
        self.seq += 1
        return self.seq

    # ================================================================= clinic
    def _open_window(self, start: date) -> None:
        """Patients already in care when the window opens (their evaluations came before)."""
        for _ in range(self.target_episodes):
            patient = self._new_patient(start)
            began = start - timedelta(days=self.rng.randint(0, 50))
            episode = self.clinic.new_episode(patient, began, in_progress=True)
            if patient.primary and patient.primary.payer.kx_threshold:
                patient.therapy_allowed = prior_year_therapy(self.rng, start)
            self.episodes.append(episode)

    def _new_patient(self, day: date):
        self.patient_seq += 1
        return new_patient(self.rng, self.practice, f"P{self.patient_seq:06d}", day)

    def _admit(self, day: date) -> None:
        season = 0.85 if day.month == 12 else (0.93 if day.month in (7, 8) else 1.0)
        target = max(1, round(self.target_episodes * season))
        while len(self.episodes) < target:
            patient = None
            if self.returning and self.returning[0][0] <= day:
                patient = heapq.heappop(self.returning)[2]
            patient = patient or self._new_patient(day)
            self.episodes.append(self.clinic.new_episode(patient, day))

    def _treat(self, day: date) -> None:
        still: list[Episode] = []
        weekday = day.weekday()
        rng = self.rng
        visit, record = self.clinic.visit, self._record_visit
        for episode in self.episodes:
            if weekday in episode.weekdays and day >= episode.start:
                record(visit(episode, day))
            if episode.attended >= episode.planned_visits or day >= episode.end:
                if rng.random() < 0.25:
                    back = day + DAYS[rng.randint(30, 150)]
                    heapq.heappush(self.returning, (back, self._next(), episode.patient))
            else:
                still.append(episode)
        self.episodes = still

    def _record_visit(self, visit: Visit) -> None:
        rng = self.rng
        self.out.append(VisitRecorded(visit))
        if visit.status != "attended":
            return
        patient = visit.patient
        if patient.primary is None:  # self-pay: priced at the cash rate, paid at the desk
            visit.billing = "self_pay"
            price = sum((share(medicare_fee_schedule(visit.visit_date.year)[s.code].amount,
                               SELF_PAY_RATE) * s.units_entered for s in visit.services), ZERO)
            if rng.random() < 0.85 and price > ZERO:
                self._patient_payment(visit.visit_date, visit, None, money(price), "card")
            return
        copay = patient.primary.plan.copay
        if copay and rng.random() < 0.92:
            self._patient_payment(visit.visit_date, visit, None, copay, "card")
        if rng.random() < NEVER_BILLED_RATE:
            visit.billing = "unbilled"
            amount = leaks.expected_allowed(patient.primary.payer, visit)
            self.out.append(Leak("visit_never_billed", None, (), visit.visit_id,
                                 patient.primary.payer.key, visit.visit_date, amount,
                                 "attended visit with signed note, never on a claim"))
            return
        payer = patient.primary.payer
        if payer.filing_limit_days <= 180 and rng.random() < PAST_FILING_RATE:
            visit.billing_hold_days = payer.filing_limit_days + rng.randint(5, 45)
        ready = visit.note_signed_date
        if visit.billing_hold_days:
            ready += timedelta(days=visit.billing_hold_days)
        self.unbilled.append((ready, visit))

    def _patient_payment(self, day: date, visit: Visit | None, claim_id: str | None,
                         amount: Decimal, method: str) -> None:
        patient = visit.patient
        self.out.append(PatientPayment(self.payment_ids(), day, patient,
                                       visit.visit_id if visit else None, claim_id, amount,
                                       method))
        if claim_id is None:
            self.visit_paid[visit.visit_id] = self.visit_paid.get(visit.visit_id, ZERO) + amount

    # ================================================================= billing office
    def _bill(self, day: date) -> None:
        submissions: list[Submission] = []
        waiting: list[tuple[date, Visit]] = []
        for item in self.unbilled:
            if item[0] > day:
                waiting.append(item)
                continue
            self._claims_for(item[1], day, submissions)
        self.unbilled = waiting
        due = [item for item in self.submissions_due if item[0] <= day]
        self.submissions_due = [item for item in self.submissions_due if item[0] > day]
        for _, _, submission in sorted(due, key=lambda item: (item[0], item[1])):
            submissions.append(submission)
        if not submissions:
            return
        for submission in submissions:
            self._route(submission, day)
        for _, _, submission in due:
            self._done(submission.claim)
        self.batch_seq += 1
        self.out.append(ClaimBatch(day, self.batch_seq, submissions))

    def _claims_for(self, visit: Visit, day: date, submissions: list[Submission]) -> None:
        state = self._new_claim(visit)
        if state is None:
            return
        claim = state.claim
        submissions.append(self._original(state, day))
        if (self.plan_shares[id(claim.coverage.plan)][1] and claim.secondary is None
                and not state.late_filing and self.rng.random() < 0.004):
            twin = self._new_claim(visit, twin_of=claim)
            twin.void_planned = True
            submissions.append(self._original(twin, day))

    def _new_claim(self, visit: Visit, twin_of: Claim | None = None) -> ClaimState | None:
        """The claim of ``visit``'s billable services (units entered), with its state."""
        rng = self.rng
        patient = visit.patient
        coverage = patient.primary
        payer = coverage.payer
        day = visit.visit_date
        prefix = self.claim_prefixes.get(day)
        if prefix is None:
            prefix = self.claim_prefixes[day] = f"{self.practice.claim_prefix}{day:%y%m}"
        claim_id = ""  # numbered at the first billable line: a claim without one takes no number
        lines = []
        timed: list[tuple[ClaimLine, Service]] = []  # timed lines of 2+ units
        pointers = POINTERS.get(len(patient.diagnoses)) or tuple(
            range(1, len(patient.diagnoses) + 1))
        supervisor = visit.supervising.npi
        assistant_modifier = payer.kind in ASSISTANT_MODIFIER_KINDS
        distinct = self.practice.modifier_59
        has_distinct = False  # a line carries the practice's 59/X modifier
        n = 0
        billed = ZERO  # = claim.billed, summed as it is
        for service in visit.services:
            units = service.units_entered
            if units <= 0:
                continue
            if not n:
                claim_id = prefix + self.claim_numbers()
            n += 1
            modifiers = service.modifiers
            if distinct in modifiers:
                has_distinct = True
            if assistant_modifier and service.provider_npi != supervisor:
                modifiers = (modifiers[0], "CO", *modifiers[1:])
            charge = service.unit_charge
            if units != 1:
                charge = charge * units
            billed += charge
            line = ClaimLine(claim_id + LINE_SUFFIXES[n], service.service_id, service.code,
                             modifiers, units, charge, day, pointers)
            lines.append(line)
            if units >= 2 and service.minutes is not None:
                timed.append((line, service))
        if not lines:
            return None
        short_units = False
        prices = None  # the claim's prices at its payer, when the coding leaks needed them
        kx = go = ncci = NONE
        if twin_of is None:
            short_units = bool(timed) and rng.random() < SHORT_UNITS_RATE
            if short_units:
                short, service = rng.choice(timed)  # charge entry keyed one unit too few
                short.units -= 1
                short.charge = short.charge - service.unit_charge
                billed = sum([ln.charge for ln in lines], ZERO)
            prices, kx, go, ncci = self._apply_coding_leaks(payer, patient, visit, lines,
                                                            has_distinct)
        prior_auth = None
        if payer.kind in ("medicare_advantage", "workers_comp") or (
                payer.kind == "medicaid" and rng.random() < 0.5):
            prior_auth = f"AUTH{rng.randint(1000000, 9999999)}"
        pos_paid = self.visit_paid.pop(visit.visit_id, ZERO) if twin_of is None else ZERO
        lines = tuple(lines)  # a claim's lines never change: every submission shares them
        claim = Claim(claim_id, visit, patient, coverage, patient.secondary, lines,
                      list(patient.diagnoses), visit.supervising, day, prior_auth, pos_paid)
        state = self.states[claim_id] = ClaimState(claim, billed, pos_paid, prices, kx, go,
                                                    ncci)
        if visit.claim_id is None:
            visit.claim_id = claim_id
        if short_units or kx or go or ncci:
            self._coding_leaks(claim, state, short_units)
        return state

    def _coding_leaks(self, claim: Claim, state: ClaimState, short_units: bool) -> None:
        if not (short_units or state.kx_missing or state.go_missing or state.ncci_missing):
            return
        payer = claim.coverage.payer
        if short_units:
            self.out.append(leaks.units_leak(claim))
        flagged = (("missing_kx", state.kx_missing), ("missing_go", state.go_missing),
                   ("ncci_without_modifier", state.ncci_missing))
        if any(indexes for _, indexes in flagged):
            prices = self._prices(claim, state)
            for kind, indexes in flagged:
                if indexes:
                    self.out.append(leaks.denied_lines_leak(kind, claim, sorted(indexes), prices,
                                                            payer))

    def _prices(self, claim: Claim, state: ClaimState) -> tuple[LinePrice, ...]:
        """The claim's lines priced at its primary payer (its lines never change)."""
        prices = state.prices
        if prices is None:
            prices = state.prices = price_billed_lines(claim.coverage.payer, claim.lines,
                                                       claim.service_date)
        return prices

    def _apply_coding_leaks(self, payer, patient, visit, lines, has_distinct):
        """Inject the coding leaks into ``lines``: their prices when the KX check needed them
        (else None), and the indexes of the lines left without KX, GO and 59/X."""
        rng = self.rng
        kx = go = ncci = NONE
        # NCCI column-2 lines lose their 59/X modifier
        if has_distinct and rng.random() < NCCI_RATE:
            distinct, ncci = self.practice.modifier_59, set()
            for i, ln in enumerate(lines):
                if distinct in ln.modifiers:
                    ln.modifiers = tuple(m for m in ln.modifiers if m != distinct)
                    ncci.add(i)
        if payer.requires_go and rng.random() < MISSING_GO_RATE:
            i = rng.randrange(len(lines))
            lines[i].modifiers = tuple(m for m in lines[i].modifiers if m != "GO")
            go = {i}
        if payer.kx_threshold:
            year = visit.visit_date.year
            prices = price_billed_lines(payer, lines, visit.visit_date)
            used = patient.therapy_allowed.get(year, ZERO)
            forget = rng.random() < MISSING_KX_RATE
            threshold = KX_THRESHOLD[min(max(year, 2025), 2026)]
            # one price per line; no strict= keyword (~1,700 instructions a zip, clinic.py)
            for i, (ln, price) in enumerate(zip(lines, prices)):  # noqa: B905
                used += price.allowed
                if used > threshold:
                    if forget:
                        if not kx:
                            kx = set()
                        kx.add(i)
                    else:
                        ln.modifiers = ln.modifiers + ("KX",)
            patient.therapy_allowed[year] = used
            return prices, kx, go, ncci
        return None, kx, go, ncci

    def _original(self, state: ClaimState, day: date) -> Submission:
        claim = state.claim
        claim.submitted = day
        payer = claim.coverage.payer
        if (day - claim.service_date).days > payer.filing_limit_days:
            state.late_filing = True
            prices = self._prices(claim, state)
            self.out.append(leaks.denied_lines_leak("past_filing_limit", claim,
                                                    list(range(len(claim.lines))), prices, payer))
        # positional: keyword arguments cost a dataclass ~1,000 instructions more
        return Submission(claim, "original", "1", payer, claim.coverage, "P", claim.lines,
                          state.billed, None, claim.secondary)

    def _route(self, submission: Submission, day: date) -> None:
        """Queue a submission at its payer, ready after the payer's processing lag."""
        rng = self.rng
        payer = submission.payer
        low, high = payer.lag_days
        lag = low + floor(rng.random() * (high - low + 1))  # rng.randint(low, high) written out
        ready = day + DAYS[lag]
        state = self.states[submission.claim.claim_id]
        if submission.kind == "resend":  # answered after the original it duplicates
            ready = max(ready, state.original_ready + timedelta(days=1))
        elif submission.kind == "original":
            state.original_ready = ready
        self._queue(payer, ready, (submission.kind, submission.claim, submission, None))
        if (submission.kind == "original" and lag > 24
                and rng.random() < self.rates[payer.key].duplicate):
            resend = Submission(submission.claim, "resend", "1", payer, submission.coverage, "P",
                                submission.lines, submission.billed, None,
                                submission.other_coverage)
            self._due(day + timedelta(days=21), submission.claim, resend)

    def _queue(self, payer: PayerProfile, ready: date, item: PayerItem) -> None:
        self.states[item[1].claim_id].pending += 1
        self.payer_queue[payer.key].put(ready, item)

    def _due(self, day: date, claim: Claim, submission: Submission) -> None:
        self.states[claim.claim_id].pending += 1
        self.submissions_due.append((day, self._next(), submission))

    def _done(self, claim: Claim) -> None:
        state = self.states.get(claim.claim_id)
        if state is None:
            return
        state.pending -= 1
        if state.pending <= 0:
            del self.states[claim.claim_id]
            self.out.append(ClaimClosed(claim.claim_id))

    # ================================================================= payers
    def _icn(self, payer: PayerProfile) -> str:
        """The next payer claim number (CLP07) of the payment run under way."""
        return self.icn_prefix + self.icn_numbers[payer.key]()

    def _payment_run(self, payer: PayerProfile, day: date) -> None:
        queue = self.payer_queue.get(payer.key)
        items = queue.ready_by(day) if queue else None
        if not items:
            return
        remits: list[Remittance] = []
        follow: list[tuple[Claim, Decimal]] = []  # statements to send after the run
        self.icn_prefix = (f"{payer.payer_id[:2]}{day:%y}{day.timetuple().tm_yday:03d}"
                           f"{self.practice.claim_prefix[-2:]}")
        for item in items:
            self._adjudicate(payer, item, day, remits, follow)
        for remit in remits:
            remit.payment_date = day
        plb = self._provider_adjustments(payer, day, remits)
        self.run_seq[payer.key] += 1
        run = PaymentRun(payer, day, self.run_seq[payer.key],
                         f"{payer.payment_method[0]}{day:%y%m%d}{self.run_seq[payer.key]:04d}"
                         f"{self.practice.claim_prefix}", remits, plb)
        if remits or plb:
            self.out.append(run)
        for claim, responsibility in follow:
            self._bill_patient(claim, day, responsibility)
        for item in items:
            self._done(item[1])

    def _adjudicate(self, payer: PayerProfile, item: PayerItem, day: date,
                    remits: list[Remittance], follow: list) -> None:
        """Answer ``item``: its remittances go to ``remits``, statements due to ``follow``."""
        kind, claim, submission, primary = item
        state = self.states[claim.claim_id]
        rng = self.rng
        if kind == "resend":  # queued after the original, so always a duplicate
            remits.append(duplicate_rejection(claim, payer, self._icn(payer),
                                              claim.submitted, submission.billed))
            return
        if kind == "secondary" or kind == "crossover":
            received = submission.claim.submitted if submission else day
            primary = primary or next(r for r in reversed(state.remits) if r.status != "22")
            remit = adjudicate_secondary(claim, primary, claim.secondary,
                                         self._icn(payer), received)
            follow.append((claim, remit.patient_responsibility))
            remits.append(remit)
            return
        if kind == "void":
            claim.voided = True
            last = state.remits[-1] if state.remits else None
            if last is None or last.status == "22":
                return
            reversal = reversal_of(last, day)
            state.remits.append(reversal)
            remits.append(reversal)
            return
        if kind != "original" and state.remits:  # replacement or correction
            reversal = reversal_of(state.remits[-1], day)
            state.remits.append(reversal)
            remits.append(reversal)
        denied: dict[int, Denial] = NO_DENIALS
        underpay: dict[int, Decimal] = NO_UNDERPAY
        factor = ONE
        lines = claim.lines
        if kind == "original":
            denied = self._payer_denials(payer, claim, state)
            no_share = self.plan_shares[id(claim.coverage.plan)][0] and claim.secondary is None
            clean = not denied and not state.void_planned
            rates = self.rates[payer.key]
            if clean and no_share and rng.random() < rates.correction * 4:
                state.correct_later = True
                factor = rng.choice(CORRECTION_FACTORS)
            elif clean and rng.random() < rates.underpay:
                i = rng.randrange(len(lines))
                underpay = {i: rng.choice(UNDERPAY_FACTORS)}
        frequency = "7" if kind == "replacement" else "1"
        crossover = claim.secondary if claim.secondary and claim.secondary.crossover else None
        prices = self._prices(claim, state)
        remit, underpaid = adjudicate_primary(claim, lines, claim.coverage,
                                              self._icn(payer), frequency, claim.submitted,
                                              denied, factor, underpay, crossover, prices,
                                              state.billed)
        state.remits.append(remit)
        remits.append(remit)
        self._after_primary(payer, claim, state, remit, denied, underpaid, prices, day, follow)

    def _payer_denials(self, payer: PayerProfile, claim: Claim, state: ClaimState):
        rng = self.rng
        n = len(claim.lines)
        if state.late_filing:
            return dict.fromkeys(range(n), TIMELY_FILING)
        if state.kx_missing or state.go_missing or state.ncci_missing:  # injected leaks
            denied: dict[int, Denial] = {}
            for i in state.kx_missing:
                denied[i] = MISSING_KX
            for i in state.go_missing:
                denied[i] = MISSING_GO
            for i in state.ncci_missing:
                denied[i] = NCCI_NO_MODIFIER
            return denied
        if state.void_planned:
            return NO_DENIALS
        rates = self.rates[payer.key]
        if rng.random() < rates.denial:
            weights = rates.denials
            pick = rng.random() * rates.denial_weight
            choice = weights[-1][0]
            for d, w in weights:
                pick -= w
                if pick < 0:
                    choice = d
                    break
            if choice.scope == "line" and n > 1:
                return {rng.randrange(n): choice}
            return dict.fromkeys(range(n), choice)
        return NO_DENIALS

    def _after_primary(self, payer, claim, state, remit: Remittance, denied, underpaid, prices,
                       day, follow) -> None:
        rng = self.rng
        payer_denials = {i: d for i, d in denied.items()
                         if id(d) not in INJECTED_DENIALS} if denied else None
        for i, gap in underpaid.items():
            self.out.append(Leak("underpaid_line", claim.claim_id, (claim.lines[i].line_id,),
                                 None, payer.key, claim.service_date, gap,
                                 "line allowed below the payer's contract"))
        if payer_denials:
            denial = next(iter(payer_denials.values()))
            if denial.reworkable and rng.random() < REWORK_SHARE:
                replacement = Submission(claim, "replacement", "7", payer, claim.coverage, "P",
                                         claim.lines, state.billed,
                                         remit.payer_claim_number, claim.secondary)
                self._due(day + DAYS[rng.randint(5, 25)], claim, replacement)
                return
            self.out.append(leaks.denied_lines_leak("denial_never_reworked", claim,
                                                    sorted(payer_denials), prices, payer))
        if state.void_planned and remit.paid > ZERO:
            state.void_planned = False
            void = Submission(claim, "void", "8", payer, claim.coverage, "P", claim.lines,
                              state.billed, remit.payer_claim_number)
            self._due(day + DAYS[rng.randint(10, 40)], claim, void)
            return
        if state.correct_later:
            state.correct_later = False
            self._queue(payer, day + DAYS[rng.randint(20, 60)], ("correction", claim, None, None))
            return
        self._after_insurance_primary(claim, state, remit, day, follow)

    def _after_insurance_primary(self, claim, state, remit: Remittance, day, follow) -> None:
        rng = self.rng
        pr = remit.patient_responsibility
        secondary = claim.secondary
        if secondary is not None and pr > ZERO:
            if secondary.crossover:
                self._queue(secondary.payer, day + DAYS[rng.randint(6, 16)],
                            ("crossover", claim, None, remit))
                return
            expected = adjudicate_secondary(claim, remit, secondary, "EXPECTED", day).paid
            if expected > ZERO and rng.random() < leaks.RATES["secondary_never_sent"]:
                self.out.append(Leak("secondary_never_sent", claim.claim_id,
                                     tuple(lp.line_id for lp in remit.lines), None,
                                     secondary.payer.key, claim.service_date, expected,
                                     "primary left patient responsibility; secondary never billed"))
                return
            prior = PriorPayer(claim.coverage, remit.paid, pr, day, [
                PriorPayerLine(lp.line_id, lp.paid, lp.units, list(lp.adjustments))
                for lp in remit.lines])
            submission = Submission(claim, "secondary", "1", secondary.payer, secondary, "S",
                                    claim.lines, state.billed, None, claim.coverage, prior)
            self._due(day + DAYS[rng.randint(2, 10)], claim, submission)
            return
        follow.append((claim, pr))

    def _provider_adjustments(self, payer, day, remits) -> list[ProviderAdjustment]:
        rng = self.rng
        plb: list[ProviderAdjustment] = []
        month_ago = day - timedelta(days=30)
        # the first paid remittance received more than 30 days ago
        late = next((r for r in remits if r.received_date < month_ago
                     and r.status in ("1", "19") and r.paid > ZERO), None)
        if late is not None and rng.random() < self.rates[payer.key].interest * 3:
            r = late
            days = (day - r.received_date).days - 30
            interest = max(Decimal("0.01"), money(r.paid * Decimal("0.04") * days / 365))
            plb.append(ProviderAdjustment("L6", r.payer_claim_number, -interest))
        if remits and rng.random() < self.rates[payer.key].recoupment:
            amount = money(Decimal(rng.randint(1500, 18000)) / 100)
            plb.append(ProviderAdjustment("WO", f"{payer.payer_id[:2]}{rng.randint(10**9, 10**10)}",
                                          amount))
        carry = self.forward_balance[payer.key]
        if carry:
            plb.append(ProviderAdjustment("FB", "FWDBAL", carry))
            self.forward_balance[payer.key] = ZERO
        total = sum([r.paid for r in remits], ZERO) - sum([p.amount for p in plb], ZERO)
        if total < ZERO:
            plb.append(ProviderAdjustment("FB", "FWDBAL", total))
            self.forward_balance[payer.key] = -total
        return plb

    # ================================================================= patients
    def _bill_patient(self, claim: Claim, day: date, responsibility: Decimal) -> None:
        """Statement for what insurance left, then the patient pays, partly pays or not."""
        rng = self.rng
        state = self.states.get(claim.claim_id)
        if state is None:
            return
        balance = responsibility - state.pos_paid
        if balance < ZERO:
            self._later(claim, day + DAYS[rng.randint(15, 40)], ("refund", -balance))
            return
        if not balance:
            return
        if balance < SMALL_BALANCE:
            self._later(claim, day + DAYS[rng.randint(30, 60)],
                        ("writeoff", balance, "small_balance"))
            return
        roll = rng.random()
        if roll < 0.66:  # rng.randint(12, 50) written out (rng.py): the commonest case
            self._later(claim, day + DAYS[12 + floor(rng.random() * 39)], ("pay", balance))
        elif roll < 0.78:
            half = money(balance / 2)
            self._later(claim, day + DAYS[rng.randint(12, 40)], ("pay", half))
            self._later(claim, day + DAYS[rng.randint(45, 90)], ("pay", balance - half))
        elif roll < 0.88:
            self._later(claim, day + DAYS[rng.randint(120, 160)],
                        ("writeoff", balance, "bad_debt"))
        # else: the patient never pays; the balance stays in patient AR

    def _later(self, claim: Claim, day: date, action: tuple) -> None:
        self.states[claim.claim_id].pending += 1
        self.patient_due[day].append((claim, action))

    def _patients(self, day: date) -> None:
        for claim, action in self.patient_due.pop(day, ()):
            kind = action[0]
            if kind == "pay":
                self._patient_payment(day, claim.visit, claim.claim_id, action[1],
                                      PAYMENT_METHODS[floor(self.rng.random() * 3)])  # choice
            elif kind == "refund":
                self._patient_payment(day, claim.visit, claim.claim_id, -action[1], "refund")
            else:
                self.writeoff_seq += 1
                self.out.append(PatientWriteOff("WO" + str(self.writeoff_seq).zfill(7), day,
                                                claim.patient, claim.visit.visit_id,
                                                claim.claim_id, action[1], action[2]))
            self._done(claim)
