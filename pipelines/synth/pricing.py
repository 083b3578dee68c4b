"""What a payer allows and who owes what: contract pricing and patient cost share.

Allowed amounts follow the payer's contract, a share of the Medicare PFS national amount for
the year of service (``PayerProfile.share_of_medicare``). Medicare-style payers also apply:

- MPPR: the unit with the highest practice-expense RVU is paid in full, every other "always
  therapy" unit that day at the reduced rate (PE halved); the reduction is reported CO-59.
- Assistant services (modifier CO): 85 % of the amount otherwise allowed (Medicare only).
- Sequestration: 2 % of Medicare's payment, line by line, CO-253.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache, lru_cache

from pipelines.synth.catalog import (
    ASSISTANT_SHARE,
    PART_B_DEDUCTIBLE,
    PAYERS,
    PayerProfile,
    PlanDesign,
)
from pipelines.synth.money import money, share
from pipelines.synth.reference_data import medicare_fee_schedule

ONE = Decimal("1")


def unit_rate(payer: PayerProfile, code: str, year: int) -> Decimal:
    """Contracted allowed amount for one unit, before MPPR and assistant reductions."""
    fee = medicare_fee_schedule(year)[code]
    return share(fee.amount, payer.share_of_medicare)


@dataclass(frozen=True, slots=True)
class LinePrice:
    full: Decimal  # allowed without MPPR
    allowed: Decimal  # allowed after MPPR (contract amount the payer owes with the patient)


def price_lines(payer: PayerProfile, lines, service_date: date) -> tuple[LinePrice, ...]:
    """Contract allowed amount of each (code, units, modifiers) billed for one patient-day."""
    return _price_lines(payer.key, tuple([(code, units, "CO" in modifiers)
                                          for code, units, modifiers in lines]),
                        service_date.year)


def price_billed_lines(payer: PayerProfile, lines, service_date: date) -> tuple[LinePrice, ...]:
    """``price_lines`` of billed lines (anything with ``code``, ``units``, ``modifiers``)."""
    return _price_lines(payer.key, tuple([(ln.code, ln.units, "CO" in ln.modifiers)
                                          for ln in lines]), service_date.year)


# Keyed by (code, units, assistant line) only: of the modifiers, only CO changes a price, so
# lines that differ by GO, KX or 59 share an entry.
@lru_cache(maxsize=65536)
def _price_lines(payer_key: str, lines: tuple, year: int) -> tuple[LinePrice, ...]:
    payer = PAYERS[payer_key]
    fees = medicare_fee_schedule(year)
    rates = _unit_rates(payer_key, year)
    top = None
    if payer.mppr:
        candidates = [i for i, (code, units, _) in enumerate(lines)
                      if units > 0 and fees[code].mppr_applies]
        if candidates:
            top = max(candidates, key=lambda i: (fees[lines[i][0]].pe_rvu, -i))
    prices = []
    for i, (code, units, assistant) in enumerate(lines):
        fee = fees[code]
        full_rate, reduced_rate = rates[code]
        full = full_rate * units
        if payer.mppr and fee.mppr_applies and units > 0:
            allowed = full_rate + reduced_rate * (units - 1) if i == top else reduced_rate * units
        else:
            allowed = full
        if payer.assistant_reduction and assistant:
            full, allowed = share(full, ASSISTANT_SHARE), share(allowed, ASSISTANT_SHARE)
        prices.append(LinePrice(money(full), money(allowed)))
    return tuple(prices)


@cache
def _unit_rates(payer_key: str, year: int) -> dict[str, tuple[Decimal, Decimal]]:
    """Code → the payer's contract rate for one unit, without and with the MPPR reduction."""
    share_of_medicare = PAYERS[payer_key].share_of_medicare
    return {code: (share(fee.amount, share_of_medicare), share(fee.mppr_amount, share_of_medicare))
            for code, fee in medicare_fee_schedule(year).items()}


def annual_deductible(payer: PayerProfile, plan: PlanDesign, year: int) -> Decimal:
    if payer.kind == "medicare":
        return PART_B_DEDUCTIBLE[min(max(year, 2025), 2026)]
    return plan.deductible
