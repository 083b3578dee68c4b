"""Injected revenue leaks: how often each is injected and how its dollar size is computed.

Every leak is sized as *expected allowed amount lost*: what the payer and the patient together
would have owed under the payer's contract had the error not happened, priced exactly as the
payer prices a claim (``pricing.price_lines``: contract share of the Medicare PFS for the year of
service, MPPR and the assistant reduction where the payer applies them).

- ``visit_never_billed``: attended visit with a signed note, never put on a claim.
  Amount: Σ expected allowed of the visit's services at the units entered.
- ``units_below_minutes``: a timed line billed with fewer units than the documented minutes
  support under the 8-minute rule. Amount: expected allowed of the claim's lines at the
  supported units − at the billed units.
- ``missing_kx``: Medicare lines over the annual therapy threshold billed without KX (the
  payer denies them CO-119). Amount: Σ expected allowed of those lines.
- ``missing_go``: a line to a payer that requires GO billed without it (denied CO-4).
  Amount: expected allowed of the line.
- ``ncci_without_modifier``: NCCI column-2 lines billed without 59/X (denied CO-236).
  Amount: Σ expected allowed of those lines.
- ``past_filing_limit``: claim first submitted after the payer's filing limit (denied
  CO-29). Amount: Σ expected allowed of the claim's lines.
- ``secondary_never_sent``: the primary left patient responsibility and the secondary payer
  was never billed. Amount: what the secondary would have paid
  (``adjudication.adjudicate_secondary``).
- ``underpaid_line``: the payer allowed a line below its contract and never corrected it.
  Amount: contract allowed − allowed paid (AMT*B6).
- ``denial_never_reworked``: a payer denial (other than the kinds above) left standing.
  Amount: Σ expected allowed of the denied lines.

The coding leaks (units, KX, GO, NCCI, filing limit) are recorded when the claim is created,
because they are visible on the claim itself; the others when they become true.
"""

from __future__ import annotations

from decimal import Decimal

from pipelines.synth.catalog import PayerProfile
from pipelines.synth.events import Claim, Leak, Visit
from pipelines.synth.money import ZERO
from pipelines.synth.pricing import LinePrice, price_billed_lines, price_lines

RATES = {
    "visit_never_billed": 0.008,  # of billable attended visits
    "units_below_minutes": 0.02,  # of visits with a timed service of 2+ units
    "past_filing_limit": 0.006,  # of visits to payers with a filing limit ≤ 180 days
    "missing_go": 0.006,  # of claims to payers that require GO
    "missing_kx": 0.2,  # of Medicare claims that cross the KX threshold
    "ncci": 0.05,  # of claims with an NCCI pair
    "secondary_never_sent": 0.12,  # of claims the practice must bill to a secondary
}

DEFINITIONS = __doc__


def expected_allowed(payer: PayerProfile, visit: Visit) -> Decimal:
    """Σ contract allowed of a visit's services at the units entered."""
    billable = [(s.code, s.units_entered, s.modifiers) for s in visit.services
                if s.units_entered > 0]
    return sum((p.allowed for p in price_lines(payer, billable, visit.visit_date)), ZERO)


def units_leak(claim: Claim) -> Leak | None:
    """The value of the units the minutes supported but the claim did not bill."""
    services = {s.service_id: s for s in claim.visit.services}
    short = [i for i, ln in enumerate(claim.lines)
             if services[ln.service_id].units_supported > ln.units]
    if not short:
        return None
    payer = claim.coverage.payer
    billed = price_billed_lines(payer, claim.lines, claim.service_date)
    supported = price_lines(payer, [(ln.code, services[ln.service_id].units_supported,
                                     ln.modifiers) for ln in claim.lines], claim.service_date)
    amount = sum((s.allowed for s in supported), ZERO) - sum((b.allowed for b in billed), ZERO)
    return Leak("units_below_minutes", claim.claim_id,
                tuple(claim.lines[i].line_id for i in short), claim.visit.visit_id, payer.key,
                claim.service_date, amount, "timed units billed below the documented minutes")


def denied_lines_leak(kind: str, claim: Claim, indexes: list[int], prices: list[LinePrice],
                      payer: PayerProfile, detail: str = "") -> Leak:
    amount = sum((prices[i].allowed for i in indexes), ZERO)
    return Leak(kind, claim.claim_id, tuple(claim.lines[i].line_id for i in indexes),
                claim.visit.visit_id, payer.key, claim.service_date, amount, detail or kind)
