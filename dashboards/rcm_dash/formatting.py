"""How numbers look on screen: money with cents and thousands separators, rates as percents."""

from __future__ import annotations

from decimal import Decimal


def money(value: Decimal | float | int | None) -> str:
    if value is None:
        return "—"
    amount = Decimal(str(value)).quantize(Decimal("0.01"))
    sign = "-" if amount < 0 else ""
    return f"{sign}${abs(amount):,.2f}"


def percent(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value * 100:.{digits}f}%"


def count(value: int | None) -> str:
    return "—" if value is None else f"{value:,}"


def delta_percent_points(current: float | None, previous: float | None) -> str | None:
    if current is None or previous is None:
        return None
    return f"{(current - previous) * 100:+.1f} pp"


def days(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f} d"


def delta_count(current: int | None, previous: int | None) -> str | None:
    if current is None or previous is None:
        return None
    return f"{current - previous:+,}"


def delta_money(current: Decimal | None, previous: Decimal | None) -> str | None:
    if current is None or previous is None:
        return None
    change = Decimal(str(current)) - Decimal(str(previous))
    return ("+" if change >= 0 else "") + money(change)


def delta_days(current: float | None, previous: float | None) -> str | None:
    if current is None or previous is None:
        return None
    return f"{current - previous:+.1f} d"
