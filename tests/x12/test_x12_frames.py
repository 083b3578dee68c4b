"""Helpers of the table builders whose fast paths must give the plain answer."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import polars as pl
import pytest

from pipelines.x12.frames import beside, compact, inside_transactions


@pytest.mark.parametrize("tx_index", [
    [None, None, 2, 2, 2, None, None],  # envelope rows around one transaction: a slice
    [2, 2, 2],  # nothing outside
    [None, 1, None, 3, None],  # a row outside between transactions: filtered
    [None, None],  # nothing inside
    [None, *range(1, 100), None, 101, *([None] * 70)],  # many outside: filtered
])
def test_inside_transactions_is_the_rows_with_a_transaction(tx_index):
    segments = pl.DataFrame({"segment_index": range(len(tx_index)), "tx_index": tx_index},
                            schema={"segment_index": pl.Int64, "tx_index": pl.Int64})
    expected = segments.filter(pl.col("tx_index").is_not_null())
    assert inside_transactions(segments).equals(expected)


def _joined(keys, key, *rights):
    frame = keys
    for right, right_key in rights:
        frame = frame.join(right, left_on=key, right_on=right_key, how="left",
                           maintain_order="left")
    return frame


@pytest.mark.parametrize("right_keys", [
    [3, 5, 9],  # the same keys in the same order: put beside
    [9, 3, 5],  # same keys, other order: joined
    [5, 9],  # a key without its row: joined
    [3, 5, 9, 11],  # a row without its key: joined
])
@pytest.mark.parametrize("left_keys", [[3, 5, 9], [3, None, 9]])
def test_beside_is_the_left_joins(left_keys, right_keys):
    keys = pl.DataFrame({"k": left_keys}, schema={"k": pl.Int64})
    right = pl.DataFrame({"r": right_keys, "value": [f"v{n}" for n in right_keys]},
                         schema={"r": pl.Int64, "value": pl.String})
    other = pl.DataFrame({"r2": [5], "more": ["m5"]}, schema={"r2": pl.Int64, "more": pl.String})
    expected = _joined(keys, "k", (right, "r"), (other, "r2"))
    assert beside(keys, "k", (right, "r"), (other, "r2")).equals(expected)


def test_compact_keeps_every_value_and_type():
    frame = pl.DataFrame({
        "varying": ["a", "b", "c"],
        "constant": ["x", "x", "x"],
        "never_sent": [None, None, None],
        "amount": [Decimal("1.50")] * 3,
        "first_empty": [None, "y", "y"],
        "last_empty": [date(2026, 1, 2), date(2026, 1, 2), None],
    }, schema={"varying": pl.String, "constant": pl.String, "never_sent": pl.Decimal(18, 2),
               "amount": pl.Decimal(18, 2), "first_empty": pl.String, "last_empty": pl.Date})
    other = frame.with_columns(constant=pl.lit("z"))
    compacted, other_compacted = compact(frame), compact(other)
    assert compacted.schema == frame.schema
    assert compacted.to_dicts() == frame.to_dicts()
    # frames put together keep their own values, whether their one values agree or not
    assert pl.concat([compacted, other_compacted, compacted]).to_dicts() == pl.concat(
        [frame, other, frame]).to_dicts()
    assert compact(frame.head(1)).to_dicts() == frame.head(1).to_dicts()
