"""How a payer answers a claim: priced lines, CAS adjustments, denials, reversals, COB.

Every remittance built here balances by construction: per line SVC02 − SVC03 = Σ line CAS, and
per claim CLP03 − CLP04 = Σ claim CAS + Σ line CAS, CLP05 = Σ PR adjustments.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pipelines.synth.catalog import PART_B_DEDUCTIBLE, SEQUESTRATION, Denial, PayerProfile
from pipelines.synth.events import Claim, ClaimLine, Coverage, LinePayment, Remittance
from pipelines.synth.money import ZERO, share
from pipelines.synth.pricing import ONE, LinePrice, price_billed_lines


def _negate_adjustments(adjs):
    return [(g, c, -a) for g, c, a in adjs]


def reversal_of(original: Remittance, received: date) -> Remittance:
    """CLP02 22: the negated image of ``original`` (same CLP07), as payers send it."""
    return Remittance(
        claim=original.claim, payer=original.payer, status="22", charge=-original.charge,
        paid=-original.paid, patient_responsibility=-original.patient_responsibility,
        payer_claim_number=original.payer_claim_number, frequency=original.frequency,
        claim_adjustments=_negate_adjustments(original.claim_adjustments),
        lines=[LinePayment(lp.line_id, lp.code, lp.modifiers, -lp.charge, -lp.paid, lp.units,
                           lp.service_date, None if lp.allowed is None else -lp.allowed,
                           _negate_adjustments(lp.adjustments), ()) for lp in original.lines],
        received_date=received, reverses=original.payer_claim_number,
    )


def adjudicate_primary(claim: Claim, lines: tuple[ClaimLine, ...], coverage: Coverage,
                       icn: str, frequency: str, received: date,
                       denied: dict[int, Denial], price_factor: Decimal,
                       underpay: dict[int, Decimal], crossover: Coverage | None,
                       prices: tuple[LinePrice, ...], charge: Decimal
                       ) -> tuple[Remittance, dict[int, Decimal]]:
    """Pay ``lines`` (``charge`` in all), priced at ``prices`` (``price_billed_lines``), as the
    primary payer would; returns the remittance and the underpaid lines (line index → contract
    allowed − allowed paid).

    ``denied`` lines are refused in full (denial CAS = charge). ``underpay`` maps a line to the
    factor the payer wrongly applied to its allowed amount; ``price_factor`` applies to all
    lines (a pricing error later corrected by a reversal). Deductible is taken from and
    recorded on the patient's accumulator for the payer and year.
    """
    payer = coverage.payer
    plan = coverage.plan
    patient = claim.patient
    medicare, sequestration = payer.kind == "medicare", payer.sequestration
    year = claim.service_date.year
    annual = PART_B_DEDUCTIBLE[min(max(year, 2025), 2026)] if medicare else plan.deductible
    deductible_left = met = ZERO
    if annual:
        key = (payer.key, year)
        met = patient.deductible_met.get(key, ZERO)
        deductible_left = annual - met
        if not deductible_left > ZERO:  # max(ZERO, ...), exactly
            deductible_left = ZERO
    copay_left = plan.copay if not denied or len(denied) < len(lines) else ZERO
    if (denied and len(denied) == len(lines)
            and next(iter(denied.values())).scope == "not_found"):
        return _not_found(claim, charge, payer, icn, frequency, received, denied), {}
    payments: list[LinePayment] = []
    underpaid: dict[int, Decimal] = {}
    pr = paid = ZERO
    scaled = price_factor != ONE
    coinsurance_rate = plan.coinsurance
    splits = None
    if medicare or coinsurance_rate:
        kind = (coinsurance_rate, medicare, sequestration)
        splits = _SPLITS.get(kind)
        if splits is None:
            splits = _SPLITS[kind] = {}
    for i, line in enumerate(lines):
        line_charge = line.charge
        if denied and i in denied:
            d = denied[i]
            payments.append(LinePayment(line.line_id, line.code, line.modifiers, line_charge,
                                        ZERO, line.units, line.service_date, ZERO,
                                        [(d.group, d.carc, line_charge)],
                                        (d.rarc,) if d.rarc else ()))
            continue
        price = prices[i]
        full, allowed, reduction = price.full, price.allowed, price.reduction
        if scaled:
            full, allowed = share(full, price_factor), share(allowed, price_factor)
            reduction = full - allowed
        if underpay and i in underpay:  # full and allowed lowered alike: the same reduction
            paid_allowed = share(allowed, underpay[i])
            underpaid[i] = allowed - paid_allowed
            full, allowed = full - underpaid[i], paid_allowed
        # the allowed amount split: deductible first, then copay, then coinsurance of the
        # rest; Medicare also keeps its 2 % sequestration (the five parts add up to allowed).
        # A part with nothing left to take is skipped: every amount here is in cents, so
        # x - 0.00 is x itself.
        rest = allowed
        deductible = copay = ZERO
        if deductible_left:
            deductible = allowed if allowed < deductible_left else deductible_left
            rest = allowed - deductible
        if copay_left:
            copay = rest if rest < copay_left else copay_left
            rest -= copay
        if splits is None:
            coinsurance, seq, line_paid = ZERO, ZERO, rest
        elif rest is price.allowed:  # a cached price's amount: its hash is cached too
            split = splits.get(rest)
            if split is None:
                split = splits[rest] = _coinsurance_split(rest, coinsurance_rate, medicare,
                                                          sequestration)
            coinsurance, seq, line_paid = split
        else:  # hashing a new Decimal (~2,600 instructions) costs more than splitting it
            coinsurance, seq, line_paid = _coinsurance_split(rest, coinsurance_rate, medicare,
                                                             sequestration)
        adjs: list[tuple[str, str, Decimal]] = []
        contractual = line_charge - full
        if contractual:
            adjs.append(("CO", "45", contractual))
        if reduction:
            adjs.append(("CO", "59", reduction))
        if deductible:
            deductible_left -= deductible
            met += deductible
            pr += deductible
            adjs.append(("PR", "1", deductible))
        if coinsurance:
            pr += coinsurance
            adjs.append(("PR", "2", coinsurance))
        if copay:
            copay_left -= copay
            pr += copay
            adjs.append(("PR", "3", copay))
        if seq:
            adjs.append(("CO", "253", seq))
        paid += line_paid
        payments.append(LinePayment(line.line_id, line.code, line.modifiers, line_charge,
                                    line_paid, line.units, line.service_date, allowed, adjs))
    if annual:
        patient.deductible_met[key] = met
    status = "19" if crossover is not None and pr > ZERO else "1"
    remit = Remittance(claim, payer, status, charge, paid, pr, icn, frequency, [], payments,
                       received, crossover if status == "19" else None)
    return remit, underpaid


# (coinsurance rate, Medicare, sequestration) -> a line's contract allowed amount -> its split
# (coinsurance, sequestration, paid) when no deductible or copay is taken from it: a few
# hundred amounts recur, so each is split once instead of with two or four Decimal operations
# per line. Keyed by the cached price's own Decimal, whose hash is computed once.
_SPLITS: dict[tuple[Decimal, bool, bool], dict[Decimal, tuple[Decimal, Decimal, Decimal]]] = {}


def _coinsurance_split(rest: Decimal, coinsurance_rate: Decimal, medicare: bool,
                       sequestration: bool) -> tuple[Decimal, Decimal, Decimal]:
    """(coinsurance, sequestration, paid) of ``rest``, the allowed amount left after deductible
    and copay. Medicare takes its coinsurance off the top, then keeps 2 % of its payment."""
    if medicare:
        before = share(rest, ONE - coinsurance_rate)
        seq = share(before, SEQUESTRATION) if sequestration else ZERO
        return rest - before, seq, before - seq
    coinsurance = share(rest, coinsurance_rate)
    return coinsurance, ZERO, rest - coinsurance


def _not_found(claim, charge, payer, icn, frequency, received, denied) -> Remittance:
    d = next(iter(denied.values()))
    remit = Remittance(claim=claim, payer=payer, status="4", charge=charge, paid=ZERO,
                       patient_responsibility=ZERO, payer_claim_number=icn, frequency=frequency,
                       claim_adjustments=[(d.group, d.carc, charge)], lines=[],
                       received_date=received, remarks=(d.rarc,) if d.rarc else ())
    return remit


def adjudicate_secondary(claim: Claim, primary: Remittance, coverage: Coverage, icn: str,
                         received: date) -> Remittance:
    """The secondary payer's answer after ``primary``: OA-23 restates the primary's part.

    Per line: OA-23 = charge − the primary's patient responsibility; of that responsibility
    Medicaid pays what its own allowed amount leaves after the primary's payment (the rest
    CO-45, never billed to a dual-eligible patient); a supplemental/commercial secondary pays
    the coinsurance and copay and leaves the deductible with the patient (PR-1).
    """
    payer = coverage.payer
    medicaid = payer.kind == "medicaid"
    own_prices = (price_billed_lines(payer, primary.lines, claim.service_date) if medicaid
                  else None)
    lines: list[LinePayment] = []
    paid = pr_total = ZERO
    for i, lp in enumerate(primary.lines):
        responsibility = deductible = ZERO  # the primary's PR adjustments (one per CARC)
        for group, carc, amount in lp.adjustments:
            if group == "PR":
                responsibility += amount
                if carc == "1":
                    deductible = amount
        adjs: list[tuple[str, str, Decimal]] = []
        prior = lp.charge - responsibility
        if prior:
            adjs.append(("OA", "23", prior))
        if medicaid:
            pays = min(responsibility, max(ZERO, own_prices[i].allowed - lp.paid))
            if responsibility - pays:
                adjs.append(("CO", "45", responsibility - pays))
        else:
            pays = responsibility - deductible
            if deductible:
                adjs.append(("PR", "1", deductible))
                pr_total += deductible
        paid += pays
        lines.append(LinePayment(lp.line_id, lp.code, lp.modifiers, lp.charge, pays, lp.units,
                                 lp.service_date, responsibility, adjs))
    return Remittance(claim, payer, "2", primary.charge, paid, pr_total, icn, "1", [], lines,
                      received)


def duplicate_rejection(claim: Claim, payer: PayerProfile, icn: str, received: date,
                        charge: Decimal) -> Remittance:
    """A resent claim already on file: zero pay, OA-18 at claim level."""
    return Remittance(claim=claim, payer=payer, status="1", charge=charge, paid=ZERO,
                      patient_responsibility=ZERO, payer_claim_number=icn, frequency="1",
                      claim_adjustments=[("OA", "18", charge)], lines=[],
                      received_date=received)
