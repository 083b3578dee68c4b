"""Helpers shared by the 837 and 835 table builders: typed columns, loops, checks."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import polars as pl

from pipelines.x12 import diagnostics as dx
from pipelines.x12.tables import DATE, INT, MONEY, QUANTITY

LOCATION = ("segment_index", "line_number", "segment_id")
LEFT = {"how": "left", "maintain_order": "left"}  # left join keeping the left frame's order
CENT = 0.01


def open_loop(starter: pl.Expr, closers: Iterable[str]) -> pl.Expr:
    """For each segment, the segment_index of the innermost open ``starter`` (or null).

    A loop opens at a row where ``starter`` holds and closes at any segment id in ``closers``;
    the rows are in file order, so a forward fill carries the opening index down.
    """
    return without_sentinel(pl.when(starter).then(pl.col("segment_index"))
                            .when(pl.col("segment_id").is_in(list(closers))).then(-1)
                            .forward_fill())


def without_sentinel(filled: pl.Expr) -> pl.Expr:
    """A forward-filled index with the closing sentinel -1 turned back into null (a
    ``replace``: a when/then would compute the fill twice)."""
    return filled.replace(-1, None)


def inside_transactions(segments: pl.DataFrame) -> pl.DataFrame:
    """The segments with a ``tx_index``. Those without are usually only the envelope rows
    before the first ST and after the last SE: then a slice (no copy) instead of a filter."""
    outside = segments.get_column("tx_index").is_null().arg_true()
    count, height = outside.len(), segments.height
    if count == 0:
        return segments
    if count <= 64:
        positions = outside.to_list()
        head = next((n for n, position in enumerate(positions) if position != n), count)
        tail = count - head
        if positions[head:] == list(range(height - tail, height)):
            return segments.slice(head, height - count)
    return segments.filter(pl.col("tx_index").is_not_null())


def segment_is(*ids: str) -> pl.Expr:
    return pl.col("segment_id").is_in(ids) if len(ids) > 1 else pl.col("segment_id") == ids[0]


def typed(frame: pl.DataFrame, spec: Mapping[str, tuple[str, str, pl.DataType]]
          ) -> tuple[pl.DataFrame, list[pl.DataFrame]]:
    """Add typed columns ``name: (source column, element name, dtype)`` and report values
    that are present but do not convert (INVALID_AMOUNT, INVALID_DATE, AMOUNT_PRECISION).

    All checks are made in one pass; only a check that finds something filters the frame.
    Values are converted as sent first; only a column with values that do not convert is
    converted again with surrounding whitespace removed (rare, and it costs a pass)."""
    frame = frame.with_columns(_convert(pl.col(source), dtype, strip=False).alias(name)
                               for name, (source, _element, dtype) in spec.items())
    checks = {}
    for name, (source, _element, dtype) in spec.items():
        checks[f"bad {name}"] = _unconverted(source, name).any()
        if dtype == MONEY:
            checks[f"fine {name}"] = _too_fine(source).any()
    found = frame.select(**checks).row(0, named=True) if frame.height else {}
    again = {name: spec[name] for name in spec if found.get(f"bad {name}")}
    if again:
        frame = frame.with_columns(_convert(pl.col(source), dtype).alias(name)
                                   for name, (source, _element, dtype) in again.items())
        found.update(frame.select(**{f"bad {name}": _unconverted(source, name).any()
                                     for name, (source, *_rest) in again.items()}
                                  ).row(0, named=True))
    notes = []
    for name, (source, element, dtype) in spec.items():
        if found.get(f"bad {name}"):
            bad = frame.filter(_unconverted(source, name))
            code = "INVALID_DATE" if dtype == DATE else "INVALID_AMOUNT"
            what = "a date (CCYYMMDD)" if dtype == DATE else "a number"
            notes.append(dx.found(bad, code, pl.format(
                "{} {} is not {}", pl.lit(element), pl.col(source), pl.lit(what))))
        if found.get(f"fine {name}"):
            notes.append(dx.found(frame.filter(_too_fine(source)), "AMOUNT_PRECISION", pl.format(
                "{} {} has more than two decimals; read as {}", pl.lit(element),
                pl.col(source), pl.col(name))))
    return frame, notes


def _unconverted(source: str, name: str) -> pl.Expr:
    return pl.col(source).is_not_null() & pl.col(name).is_null()


def _too_fine(source: str) -> pl.Expr:
    return pl.col(source).str.contains(r"\.\d{3,}$")


def _convert(raw: pl.Expr, dtype: pl.DataType, strip: bool = True) -> pl.Expr:
    if strip:
        raw = raw.str.strip_chars()
    if dtype == DATE:
        return raw.str.to_date("%Y%m%d", strict=False)
    if dtype in (MONEY, QUANTITY):
        return raw.cast(dtype, strict=False)
    if dtype == INT:
        return raw.cast(pl.Float64, strict=False).cast(INT, strict=False)
    return raw


def require(frame: pl.DataFrame, elements: Mapping[str, str]) -> list[pl.DataFrame]:
    """MISSING_ELEMENT for each row where a required element (``column: description``) is
    empty (one pass finds the columns with any)."""
    if frame.height == 0:
        return []
    empty = frame.select(pl.col(list(elements)).is_null().any()).row(0, named=True)
    return [dx.found(frame.filter(pl.col(column).is_null()), "MISSING_ELEMENT",
                     f"required element {description} is empty")
            for column, description in elements.items() if empty[column]]


def require_cas(triplets: pl.DataFrame) -> list[pl.DataFrame]:
    """CAS01 on every triplet's segment; a reason and an amount in every triplet."""
    first = triplets.filter(pl.col("triplet_number") == 1)
    return (require(first, {"group_code": "CAS01 claim adjustment group code"})
            + require(triplets, {"reason_code": "CAS adjustment reason code",
                                 "amount_raw": "CAS adjustment amount"}))


def unknown_segments(segments: pl.DataFrame, known: frozenset[str], kind: str
                     ) -> list[pl.DataFrame]:
    bad = segments.filter(~pl.col("segment_id").is_in(list(known)))
    return [dx.found(bad, "UNKNOWN_SEGMENT", pl.format(
        "unknown segment id {} in an {} transaction",
        pl.col("segment_id").cast(pl.String).str.slice(0, 12),
        pl.lit(kind)))]


def out_of_place(rows: pl.DataFrame, why: str) -> list[pl.DataFrame]:
    return [dx.found(rows, "SEGMENT_OUT_OF_PLACE", pl.format("{} {}", "segment_id",
                                                             pl.lit(why)))]


def out_of_order_plan(segments: pl.DataFrame | pl.LazyFrame, loop: str,
                      ranks: Mapping[str, int], loop_name: str) -> pl.LazyFrame:
    """SEGMENT_OUT_OF_ORDER where a segment comes right after one that must follow it, within
    each instance of a loop (``loop`` holds the loop's opening segment_index), as a lazy plan:
    the checks of a builder are collected together, sharing the scan of their rows."""
    rank = pl.col("segment_id").replace_strict(ranks, return_dtype=pl.Int32)
    bad = (segments.lazy()
           .filter(pl.col(loop).is_not_null() & pl.col("segment_id").is_in(list(ranks)))
           .with_columns(rank=rank)
           .filter((pl.col("rank") < pl.col("rank").shift(1))
                   & (pl.col(loop) == pl.col(loop).shift(1))))
    return dx.found_plan(bad, "SEGMENT_OUT_OF_ORDER", pl.format(
        "{} comes after a segment that must follow it in the {} loop", "segment_id",
        pl.lit(loop_name)))


def cas_triplets(cas: pl.DataFrame, keep: list[str], separator: str) -> pl.DataFrame:
    """One row per CAS triplet (group, reason, amount, quantity), numbered 1..6."""
    if cas.height == 0:
        most = 1
    else:
        most = int(cas.select(pl.col("text").str.count_matches(separator, literal=True).max())
                   .item() or 1)
    most = min(max(most, 3), 19)
    names = [f"e{n:02d}" for n in range(most + 1)]
    split = cas.select(*keep, pl.col("text").str.split_exact(separator, most)
                       .struct.rename_fields(names).struct.unnest())
    numbers = [number for number in range(1, (most - 2) // 3 + 2) if 3 * number <= most]
    triplets = pl.concat([
        split.select(*keep, triplet_number=pl.lit(number, pl.Int64),
                     group_code=_element(pl.col("e01")),
                     reason_code=_element(pl.col(f"e{3 * number - 1:02d}")),
                     amount_raw=_element(pl.col(f"e{3 * number:02d}")),
                     quantity_raw=_element(pl.col(f"e{3 * number + 1:02d}"))
                     if 3 * number + 1 <= most else pl.lit(None, pl.String))
        for number in numbers
    ])
    triplets = triplets.filter(pl.col("reason_code").is_not_null()
                               | pl.col("amount_raw").is_not_null())
    if len(numbers) == 1:  # one triplet per segment: already in file order
        return triplets
    # the triplets of each number are in file order: a stable sort by segment puts them in
    # (segment, number) order
    return triplets.sort("segment_index", maintain_order=True)


def _element(value: pl.Expr) -> pl.Expr:
    return pl.when(value != "").then(value)


def first_per(frame: pl.DataFrame, key: str) -> pl.DataFrame:
    """The first row of each ``key`` (rows are in file order, and ``key`` is a loop index:
    forward filled, so the rows of one value are next to each other)."""
    if frame.height == 0:
        return frame
    return frame.filter(pl.col(key).is_not_null() & pl.col(key).ne_missing(pl.col(key).shift(1)))


def conform(frame: pl.DataFrame, schema: Mapping[str, pl.DataType]) -> pl.DataFrame:
    """Exactly the contract's columns, in order, with its dtypes (missing columns are null),
    compacted (see ``compact``)."""
    return compact(frame.select([
        (pl.col(name) if name in frame.columns else pl.lit(None)).cast(dtype).alias(name)
        for name, dtype in schema.items()
    ]))


def compact(frame: pl.DataFrame, columns: list[str] | None = None) -> pl.DataFrame:
    """The same frame, with each column (of ``columns``, default all) that holds one value on
    every row (null included: the many optional elements a sender never fills, the envelope,
    the sender's constants) kept as that one value instead of a value per row. A result's
    memory is mostly such columns; frames concatenated keep them so when their values agree."""
    if frame.height < 2:
        return frame
    columns = frame.columns if columns is None else columns
    same = frame.select(pl.col(columns).eq_missing(pl.col(columns).first()).all()).row(0)
    constant = [name for name, alike in zip(columns, same, strict=True) if alike]
    if not constant:
        return frame
    first = frame.row(0, named=True)
    return frame.with_columns(pl.lit(first[name], frame.schema[name]).alias(name)
                              for name in constant)


def beside(keys: pl.DataFrame, key: str, *rights: tuple[pl.DataFrame, str]) -> pl.DataFrame:
    """``keys`` (its ``key`` column) with the other columns of each right frame beside it,
    as left joins keeping the keys' order would give. Each right frame holds one row per
    value of its key column (named with it). One whose keys are ``keys``'s, in the same order
    (the usual case: both in file order, every key has its row), is put beside as it is;
    the others are joined, on the key alone."""
    column = keys.get_column(key)
    aligned_ok = column.null_count() == 0
    columns = [keys]
    for right, right_key in rights:
        values = right.get_column(right_key)
        if (aligned_ok and values.len() == column.len() and values.dtype == column.dtype
                and values.equals(column)):
            columns.append(right.drop(right_key))
        else:
            columns.append(keys.select(key).join(right, left_on=key, right_on=right_key,
                                                 **LEFT).drop(key))
    return pl.concat(columns, how="horizontal")


def with_envelope(frame: pl.DataFrame, transactions: pl.DataFrame) -> pl.DataFrame:
    return frame.join(transactions, on="tx_index", **LEFT)


def sum_by(frame: pl.DataFrame, key: str, value: str, name: str) -> pl.DataFrame:
    # the two columns first, so the filter gathers only those
    return frame.select(key, value).filter(pl.col(key).is_not_null()).group_by(key).agg(
        pl.col(value).sum().alias(name))


def unbalanced(left: pl.Expr, right: pl.Expr) -> pl.Expr:
    """More than a cent apart (amounts are Decimal(18, 2))."""
    return (left - right).abs() > pl.lit(CENT).cast(MONEY)
