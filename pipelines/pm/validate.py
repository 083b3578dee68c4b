"""Parsing one export cell into a canonical value, or a reason why it cannot be.

Each parser takes the cell's text and returns ``(value, None)`` or ``(None, reason)``. Reasons
never quote the value (it may be PHI); the rejects table keeps the value, masked when PHI.
Parsers run once per distinct text of a column (see normalize.py), so they may be plain Python.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

Parsed = tuple[object, str | None]

SPREADSHEET_DATE_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d")
_DIGITS = re.compile(r"^\d+(\.\d+)?$|^\.\d+$")
_GROUPED = re.compile(r"^\d{1,3}(,\d{3})+(\.\d+)?$")
_INTEGER = re.compile(r"^-?\d+(\.0+)?$")
_QUANTITY = re.compile(r"^-?\d+(\.\d{1,3})?$|^-?\.\d{1,3}$")
_PROCEDURE = re.compile(r"^[A-Z0-9]{5}$")
_MODIFIER = re.compile(r"^[A-Z0-9]{2}$")
_NPI = re.compile(r"^\d{10}$")
CENT = Decimal("0.01")
BASIS_POINT = Decimal("0.0001")


def example_date(fmt: str) -> str:
    return date(2025, 12, 31).strftime(fmt)


def parse_date(text: str, formats: tuple[str, ...]) -> Parsed:
    for fmt in formats:
        try:
            return datetime.strptime(text, fmt).date(), None
        except ValueError:
            continue
    shown = " or ".join(example_date(f) for f in formats if "%H" not in f)
    return None, f"not a date (expected like {shown})"


def parse_money(text: str, *, spreadsheet: bool = False) -> Parsed:
    """``123.45``, ``$1,234.56``, ``-$5.00``, ``$-5.00``, ``($5.00)`` (negative)."""
    body = text.replace(" ", "")
    negative = False
    if body.startswith("(") and body.endswith(")"):
        negative, body = True, body[1:-1]
    if body.startswith("-"):
        negative, body = not negative, body[1:]
    body = body.removeprefix("$")
    if body.startswith("-"):
        negative, body = not negative, body[1:]
    if "," in body:
        if not _GROUPED.match(body):
            return None, "not an amount (misplaced thousands separator)"
        body = body.replace(",", "")
    if not _DIGITS.match(body):
        return None, "not an amount"
    amount = Decimal(body)
    if amount != amount.quantize(CENT):
        rounded = amount.quantize(CENT, rounding=ROUND_HALF_UP)
        # spreadsheet cells hold binary floats: 81.1 may read back as 81.10000000000001
        if not (spreadsheet and abs(amount - rounded) < Decimal("0.000001")):
            return None, "amount has more than 2 decimal places"
        amount = rounded
    amount = amount.quantize(CENT)
    return (-amount if negative else amount), None


def parse_integer(text: str) -> Parsed:
    if not _INTEGER.match(text):
        return None, "not a whole number"
    value = int(Decimal(text))
    return (value, None) if value >= 0 else (None, "negative number")


def parse_quantity(text: str) -> Parsed:
    if not _QUANTITY.match(text):
        return None, "not a number of units (up to 3 decimals)"
    return Decimal(text).quantize(Decimal("0.001")), None


def parse_share(text: str, *, percent: bool = False) -> Parsed:
    body = text.replace(" ", "")
    is_percent = percent or body.endswith("%")
    body = body.removesuffix("%")
    try:
        value = Decimal(body)
    except InvalidOperation:
        return None, "not a share (expected like 0.9800 or 98.00%)"
    if is_percent:
        value = value / 100
    if value != value.quantize(BASIS_POINT) or not Decimal(0) <= value <= Decimal(10):
        return None, "not a share (expected like 0.9800 or 98.00%)"
    return value.quantize(BASIS_POINT), None


def npi_check_digit_ok(npi: str) -> bool:
    """Luhn check over the NPI with the 80840 prefix (CMS NPI check-digit rule)."""
    digits = [int(d) for d in "80840" + npi]
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2 == 1:
            d *= 2
            d = d - 9 if d > 9 else d
        total += d
    return total % 10 == 0


def parse_npi(text: str) -> Parsed:
    if not _NPI.match(text):
        return None, "not a 10-digit NPI"
    if not npi_check_digit_ok(text):
        return None, "NPI check digit is wrong"
    return text, None


def parse_procedure(text: str) -> Parsed:
    code = text.upper()
    return (code, None) if _PROCEDURE.match(code) else (None, "not a CPT/HCPCS code")


def parse_modifier(text: str) -> Parsed:
    code = text.upper()
    return (code, None) if _MODIFIER.match(code) else (None, "not a 2-character modifier")


def parse_modifiers(text: str) -> Parsed:
    """A ';'-joined list (normalize.py has already split the export's own separator)."""
    codes = [c.strip().upper() for c in text.split(";") if c.strip()]
    if not all(_MODIFIER.match(c) for c in codes):
        return None, "not a list of 2-character modifiers"
    return (";".join(codes) or None), None


def code_parser(mapping: dict[str, str], domain: tuple[str, ...] | None) -> Callable[[str], Parsed]:
    """Map the export's codes to canonical ones (case-insensitive); canonical codes pass.

    With a map, or for a closed code set, any other value is an unknown code. Without either
    (an open code set such as adjustment types), the value is kept in lower case.
    """
    lookup = {k.strip().upper(): v for k, v in mapping.items()}
    canonical = {c.upper(): c for c in domain or ()}
    expected = list(dict.fromkeys([*mapping, *canonical.values()]))[:10]
    unknown = f"unknown code (expected one of: {', '.join(expected)})"

    def parse(text: str) -> Parsed:
        key = text.strip().upper()
        if key in lookup:
            return lookup[key], None
        if key in canonical:
            return canonical[key], None
        if mapping or domain:
            return None, unknown
        return text.strip().lower().replace(" ", "_"), None

    return parse
