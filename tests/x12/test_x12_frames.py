"""Helpers of the table builders whose fast paths must give the plain answer."""

from __future__ import annotations

import polars as pl
import pytest

from pipelines.x12.frames import inside_transactions


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
