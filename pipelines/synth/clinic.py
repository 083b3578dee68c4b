"""The clinical side: episodes of care (plans of care), visits and the services documented.

A patient's episode is a plan of care: an evaluation, then 1-3 visits a week for 4-12 weeks,
sometimes a re-evaluation, then discharge; some patients come back for a new episode later.
Timed codes carry the minutes the therapist documented and the units they support under the
CMS 8-minute rule (``eight_minute``); NCCI column-2 codes get the practice's 59/X modifier.
"""

from __future__ import annotations

import random
from bisect import bisect_right
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from itertools import accumulate
from math import floor, inf

from pipelines.synth.catalog import COGNITIVE_ADDON, COGNITIVE_FIRST
from pipelines.synth.eight_minute import units_by_minutes
from pipelines.synth.events import Location, Patient, Practice, Provider, Service, Visit
from pipelines.synth.ids import sequential_ids
from pipelines.synth.money import money
from pipelines.synth.reference_data import medicare_fee_schedule, mue_limits, ncci_pairs

WEEKDAY_PATTERNS = {1: ((0,), (1,), (2,), (3,), (4,)),
                    2: ((0, 2), (1, 3), (0, 3), (2, 4), (1, 4)),
                    3: ((0, 2, 4),)}
TREATMENT_CODE_COUNTS = (1, 2, 2, 3, 3)  # timed codes of a treatment visit, drawn evenly
CHARGE_MARKUP = Decimal("2.1")  # practice charge master ≈ 2.1 × Medicare 2025 amount
# DAYS[n] = n days: the simulation's random delays (all under a year) looked up, not built
DAYS = tuple(timedelta(days=n) for n in range(366))


def charge_master(practice: Practice) -> dict[str, Decimal]:
    """The practice's fee schedule: one price per unit, whole dollars."""
    fees = medicare_fee_schedule(2025)
    bump = Decimal("1.0") + Decimal(len(practice.client_id) % 5) / 20
    return {code: money((row.amount * CHARGE_MARKUP * bump).to_integral_value())
            for code, row in fees.items() if row.amount > 0}


@dataclass(slots=True)
class Episode:
    patient: Patient
    therapist: Provider
    assistant: Provider | None
    location: Location
    weekdays: tuple[int, ...]
    start: date
    end: date
    planned_visits: int
    attended: int = 0
    needs_evaluation: bool = True


class Clinic:
    """Schedules and documents visits for one practice."""

    def __init__(self, practice: Practice, rng: random.Random):
        self.practice = practice
        self.rng = rng
        self.charges = charge_master(practice)
        self.therapists = [p for p in practice.providers if p.role == "OT"]
        self.assistants = [p for p in practice.providers if p.role == "OTA"]
        self.treatment_codes = practice.template.treatment_codes
        self.group_rate = float(practice.template.group_rate)
        self.pairs = ncci_pairs()
        self.mue = mue_limits()
        self.visit_ids = sequential_ids("V", 7)
        self.service_ids = sequential_ids("S", 8)
        # tables built once: code pools by exclusion, minute caps, distinct-service codes
        self._pools: dict[tuple[str, ...], tuple[tuple[str, ...], tuple[float, ...], float]] = {}
        # most minutes a timed code is documented for (its MUE in units, 4 when unknown)
        self._caps = {code: 15 * self.mue.get(code, 4) + 7 for code, _ in self.treatment_codes}
        self._column2: dict[tuple[str, ...], frozenset[str]] = {}
        self._modifiers = {False: ("GO",), True: ("GO", practice.modifier_59)}

    def new_episode(self, patient: Patient, start: date, in_progress: bool = False) -> Episode:
        rng = self.rng
        freq = rng.choice((1, 2, 2, 2, 3, 3))
        weeks = rng.randint(4, 12)
        therapist = rng.choice(self.therapists)
        assistant = None
        if self.assistants and rng.random() < 0.5:
            assistant = next((a for a in self.assistants if a.supervisor_npi == therapist.npi),
                             rng.choice(self.assistants))
        episode = Episode(patient, therapist, assistant, rng.choice(self.practice.locations),
                          rng.choice(WEEKDAY_PATTERNS[freq]), start,
                          start + timedelta(weeks=weeks), freq * weeks)
        if in_progress:
            episode.needs_evaluation = False
            episode.attended = rng.randint(0, episode.planned_visits // 2)
        return episode

    def visit(self, episode: Episode, day: date) -> Visit:
        """The visit of ``episode`` on ``day``: attended, cancelled or a no-show."""
        rng = self.rng
        roll = rng.random()
        status = "attended" if roll < 0.88 else ("cancelled" if roll < 0.95 else "no_show")
        kind = "treatment"
        if episode.needs_evaluation:
            kind = "evaluation"
        elif episode.attended and episode.attended % 10 == 0 and rng.random() < 0.6:
            kind = "re_evaluation"
        provider = episode.therapist
        if kind == "treatment" and episode.assistant and rng.random() < 0.6:
            provider = episode.assistant
        visit = Visit(self.visit_ids(), episode.patient, day, episode.location,
                      provider, episode.therapist, status, kind, [], None, episode.start)
        if status != "attended":
            return visit
        episode.attended += 1
        episode.needs_evaluation = False
        visit.services = self._services(visit)
        roll = rng.random()
        # rng.randint(1, 3) and rng.randint(4, 15) written out (rng.py): same draw, no call
        lag = 0 if roll < 0.6 else (1 + floor(rng.random() * 3) if roll < 0.93
                                    else 4 + floor(rng.random() * 12))
        visit.note_signed_date = day + DAYS[lag]
        return visit

    # ------------------------------------------------------------------ services
    def _pick_codes(self, n: int, exclude: tuple[str, ...] = ()) -> list[str]:
        """``n`` distinct codes drawn by weight (without replacement).

        A draw takes the first code whose cumulative weight exceeds ``random() × total``
        (the last when none does: its bound is infinite). The weights are integers, so this is
        exactly the code found by subtracting them one by one from the pick.
        """
        random, pools = self.rng.random, self._pools
        chosen: list[str] = []
        while len(chosen) < n:
            codes, bounds, total = pools.get(exclude) or self._pool(exclude)
            if not codes:
                break
            code = codes[bisect_right(bounds, random() * total)]
            chosen.append(code)
            exclude = (*exclude, code)
        return chosen

    def _pool(self, exclude: tuple[str, ...]
              ) -> tuple[tuple[str, ...], tuple[float, ...], float]:
        """The treatment codes not in ``exclude``, their cumulative weights (whole numbers as
        floats: the draws compare with floats; the last one infinite) and their total."""
        pool = [(c, w) for c, w in self.treatment_codes if c not in exclude]
        bounds = tuple(map(float, accumulate(w for _, w in pool)))
        pooled = self._pools[exclude] = (tuple(c for c, _ in pool), (*bounds[:-1], inf),
                                         bounds[-1] if bounds else 0)
        return pooled

    def _needs_distinct(self, codes: tuple[str, ...]) -> frozenset[str]:
        """The NCCI column-2 codes of a visit's codes that a 59/X modifier must mark, kept in
        ``_column2`` (which ``_services`` reads first)."""
        pairs = self.pairs
        found = self._column2[codes] = frozenset(
            c2 for c1 in codes for c2 in codes if pairs.get((c1, c2)) == 1)
        return found

    def _services(self, visit: Visit) -> list[Service]:
        rng = self.rng
        untimed: list[str] = []
        if visit.kind == "evaluation":
            untimed.append(rng.choice(("97165", "97166", "97166", "97167")))
            timed = self._pick_codes(rng.choice((0, 1, 1)), exclude=("97763", "97018"))
        elif visit.kind == "re_evaluation":
            untimed.append("97168")
            timed = self._pick_codes(rng.choice((1, 2)), exclude=("97760", "97018"))
        else:
            timed = self._pick_codes(TREATMENT_CODE_COUNTS[floor(rng.random() * 5)])  # choice
            if self.group_rate and rng.random() < self.group_rate:
                untimed.append("97150")
        if "97018" in timed:
            timed.remove("97018")
            untimed.append("97018")
        if "97760" in timed and "97763" in timed:
            timed.remove("97763")
        codes: list[str] = []  # the timed codes and their minutes
        minutes: list[int] = []
        several, caps = len(timed) > 1, self._caps
        for code in timed:
            if code == COGNITIVE_FIRST:
                total = rng.randint(15, 45)
                codes.append(COGNITIVE_FIRST)
                minutes.append(15)
                if total - 15 > 0:
                    codes.append(COGNITIVE_ADDON)
                    minutes.append(total - 15)
                continue
            # rng.randint(8, 30) or rng.randint(20, 45) written out (rng.py)
            target = (8 + floor(rng.random() * 23) if several
                      else 20 + floor(rng.random() * 26))
            codes.append(code)
            cap = caps[code]
            minutes.append(target if target < cap else cap)
        units = units_by_minutes(tuple(minutes))
        visit_codes = (*untimed, *codes)
        col2 = self._column2.get(visit_codes)  # the codes' pairs, found once
        if col2 is None:
            col2 = self._needs_distinct(visit_codes)
        charges, modifiers = self.charges, self._modifiers
        new_id = self.service_ids
        services = []
        for code in untimed:
            # evaluations are the therapist's own; assistants never evaluate
            performer = visit.supervising if code.startswith("9716") else visit.provider
            services.append(Service(new_id(), code, None, 1, 1,
                                    modifiers[code in col2], charges[code], performer.npi))
        npi = visit.provider.npi
        # equal lengths by construction (one count of units per entry of minutes); any keyword,
        # even strict=False, costs zip ~1,700 instructions more per visit
        for code, mins, unit in zip(codes, minutes, units):  # noqa: B905
            services.append(Service(new_id(), code, mins, unit, unit,
                                    modifiers[code in col2], charges[code], npi))
        return services
