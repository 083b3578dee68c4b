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

from pipelines.synth.catalog import ASSISTANT_SHARE, PAYERS, PayerProfile
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
    reduction: Decimal  # full - allowed: the MPPR reduction (CO-59)


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
# lines that differ by GO, KX or 59 share an entry. A miss prices each line from the per-line
# table below: a line's price depends on the rest of the claim only through MPPR's top line.
@lru_cache(maxsize=65536)
def _price_lines(payer_key: str, lines: tuple, year: int) -> tuple[LinePrice, ...]:
    top = None  # MPPR: the first line with the highest practice-expense RVU, paid in full
    if PAYERS[payer_key].mppr:
        ranks, best = _mppr_ranks(year), -1
        for i, (code, units, _) in enumerate(lines):
            if units > 0 and ranks.get(code, -1) > best:
                top, best = i, ranks[code]
    others, top_line = _line_prices(payer_key, year)
    prices = []
    for i, line in enumerate(lines):
        known = top_line if i == top else others
        price = known.get(line)
        if price is None:
            price = known[line] = _line_price(PAYERS[payer_key], year, *line, i == top)
        prices.append(price)
    return tuple(prices)


@cache
def _mppr_ranks(year: int) -> dict[str, int]:
    """Code → rank of its practice-expense RVU, for the codes MPPR applies to (0 = lowest)."""
    fees = medicare_fee_schedule(year)
    pe = sorted({fee.pe_rvu for fee in fees.values() if fee.mppr_applies})
    return {code: pe.index(fee.pe_rvu) for code, fee in fees.items() if fee.mppr_applies}


@cache
def _line_prices(payer_key: str, year: int) -> tuple[dict, dict]:
    """(code, units, assistant line) → price, filled as lines are met: any line but MPPR's top
    line, and the top line."""
    return {}, {}


def _line_price(payer: PayerProfile, year: int, code: str, units: int, assistant: bool,
                top: bool) -> LinePrice:
    fee = medicare_fee_schedule(year)[code]
    full_rate, reduced_rate = _unit_rates(payer.key, year)[code]
    full = full_rate * units
    if payer.mppr and fee.mppr_applies and units > 0:
        allowed = full_rate + reduced_rate * (units - 1) if top else reduced_rate * units
    else:
        allowed = full
    if payer.assistant_reduction and assistant:
        full, allowed = share(full, ASSISTANT_SHARE), share(allowed, ASSISTANT_SHARE)
    full, allowed = money(full), money(allowed)
    return LinePrice(full, allowed, full - allowed)


@cache
def _unit_rates(payer_key: str, year: int) -> dict[str, tuple[Decimal, Decimal]]:
    """Code → the payer's contract rate for one unit, without and with the MPPR reduction."""
    share_of_medicare = PAYERS[payer_key].share_of_medicare
    return {code: (share(fee.amount, share_of_medicare), share(fee.mppr_amount, share_of_medicare))
            for code, fee in medicare_fee_schedule(year).items()}

