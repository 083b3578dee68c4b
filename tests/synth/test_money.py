"""money.fmt writes what format(amount, ".2f") writes, by a faster road."""

from decimal import Decimal

import pytest

from pipelines.synth.money import fmt


@pytest.mark.parametrize("value", [
    "0", "0.00", "-0.00", "5", "12", "1.5", "-0.5", "7.125", "7.135", "123.45", "-5.00",
    "1E+2", "1E-7", "99999999.99", "0.001", "-12.3",
])
def test_fmt_matches_two_decimal_format(value):
    amount = Decimal(value)
    assert fmt(amount) == format(amount, ".2f")
