"""Exact money for the generator: ``Decimal`` quantised to cents, never floats."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def money(value: Decimal | int | str) -> Decimal:
    """``value`` rounded half-up to cents."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def share(amount: Decimal, fraction: Decimal) -> Decimal:
    """``amount × fraction`` rounded half-up to cents."""
    return (amount * fraction).quantize(CENT, rounding=ROUND_HALF_UP)


def fmt(amount: Decimal) -> str:
    """X12 / CSV form: ``123.45``, ``-5.00``, ``0.00``."""
    return f"{amount:.2f}"
