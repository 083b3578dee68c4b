"""Exact money for the generator: ``Decimal`` quantised to cents, never floats."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Context, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
# Rounds half-up; otherwise the default context (28 digits, same traps). Its quantize takes
# two positional arguments and no context look-up: half the cost of Decimal.quantize(...,
# rounding=...), the generator's commonest Decimal call.
_HALF_UP = Context(rounding=ROUND_HALF_UP)
_to_cents = _HALF_UP.quantize


def money(value: Decimal | int | str) -> Decimal:
    """``value`` rounded half-up to cents."""
    return _to_cents(value if type(value) is Decimal else Decimal(value), CENT)


def share(amount: Decimal, fraction: Decimal) -> Decimal:
    """``amount × fraction`` rounded half-up to cents."""
    return _to_cents(amount * fraction, CENT)


def fmt(amount: Decimal) -> str:
    """X12 / CSV form: ``123.45``, ``-5.00``, ``0.00``."""
    text = str(amount)  # already so for a Decimal quantised to cents, and 3x faster than format
    try:
        if text[-3] == ".":  # an index, not a slice: a fifth of fmt's cost less
            return text
    except IndexError:  # fewer than three characters
        pass
    return f"{amount:.2f}"
