"""Cell parsers: exact money, dates in the profile's formats, shares, NPIs, codes."""

from datetime import date
from decimal import Decimal

import pytest

from pipelines.pm import validate


@pytest.mark.parametrize(("text", "expected"), [
    ("123.45", Decimal("123.45")), ("$1,234.56", Decimal("1234.56")),
    ("-$5.00", Decimal("-5.00")), ("$-5", Decimal("-5.00")), ("($12.50)", Decimal("-12.50")),
    ("(1,000)", Decimal("-1000.00")), ("0.1", Decimal("0.10")), ("$ 7", Decimal("7.00")),
])
def test_money_formats_parse_exactly(text, expected):
    value, reason = validate.parse_money(text)
    assert reason is None and value == expected and value.as_tuple().exponent == -2


@pytest.mark.parametrize(("text", "why"), [
    ("12,34.00", "misplaced thousands separator"), ("abc", "not an amount"),
    ("1.234", "more than 2 decimal places"), ("$$5", "not an amount"), ("", "not an amount"),
])
def test_bad_money_is_explained(text, why):
    value, reason = validate.parse_money(text)
    assert value is None and why in reason


def test_spreadsheet_float_noise_rounds_only_when_it_is_noise():
    assert validate.parse_money("81.10000000000001", spreadsheet=True) == (Decimal("81.10"), None)
    assert validate.parse_money("81.105", spreadsheet=True)[0] is None
    assert validate.parse_money("81.10000000000001")[0] is None  # a CSV means what it says


def test_dates_follow_the_given_formats_in_order():
    formats = ("%m/%d/%Y", "%m/%d/%y")
    assert validate.parse_date("12/31/2025", formats) == (date(2025, 12, 31), None)
    assert validate.parse_date("1/5/26", formats) == (date(2026, 1, 5), None)
    value, reason = validate.parse_date("2025-12-31", formats)
    assert value is None and "12/31/2025" in reason
    assert validate.parse_date("2/30/2025", formats)[0] is None


def test_shares_as_fraction_or_percentage():
    assert validate.parse_share("0.9800") == (Decimal("0.9800"), None)
    assert validate.parse_share("98.00%") == (Decimal("0.9800"), None)
    assert validate.parse_share("97.5", percent=True) == (Decimal("0.9750"), None)
    assert validate.parse_share("0.98765")[0] is None


def test_npi_check_digit():
    assert validate.parse_npi("1234567893") == ("1234567893", None)  # CMS's worked example
    assert validate.parse_npi("1234567890")[1] == "NPI check digit is wrong"
    assert validate.parse_npi("123456789")[1] == "not a 10-digit NPI"


def test_codes_map_case_insensitively_and_unknown_codes_are_rejected():
    parse = validate.code_parser({"Arrived": "attended", "No Show": "no_show"},
                                 ("attended", "cancelled", "no_show"))
    assert parse("arrived") == ("attended", None)
    assert parse("CANCELLED") == ("cancelled", None)  # canonical codes always pass
    value, reason = parse("Rescheduled")
    assert value is None and reason.startswith("unknown code") and "Arrived" in reason
    open_set = validate.code_parser({}, None)
    assert open_set("Prompt Pay") == ("prompt_pay", None)


def test_units_minutes_and_modifiers():
    assert validate.parse_integer("2") == (2, None)
    assert validate.parse_integer("2.0") == (2, None)  # spreadsheets store numbers as floats
    assert validate.parse_integer("2.5")[0] is None
    assert validate.parse_integer("-1")[1] == "negative number"
    assert validate.parse_quantity("1.5") == (Decimal("1.500"), None)
    assert validate.parse_modifiers("go;59") == ("GO;59", None)
    assert validate.parse_modifiers("GO;5")[0] is None
    assert validate.parse_procedure("g0283") == ("G0283", None)
    assert validate.parse_procedure("9711")[0] is None
