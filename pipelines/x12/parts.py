"""Segments grouped by id, with elements split on demand, and qualified values picked."""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from pipelines.x12.segments import Separators, split_elements


class Parts:
    """The segments of one document grouped by segment id (one partition pass)."""

    def __init__(self, segments: pl.DataFrame, separators: Separators,
                 widths: Mapping[str, int] | None = None) -> None:
        self.empty = segments.clear()
        self.separators = separators
        # The most elements the builder asks of each segment id: split once, that wide.
        self.widths = dict(widths or {})
        self._parts = {key[0]: frame for key, frame in
                       segments.partition_by("segment_id", as_dict=True).items()}
        self._split: dict[str, tuple[int, pl.DataFrame]] = {}

    def get(self, segment_id: str, elements: int) -> pl.DataFrame:
        """The ``segment_id`` segments with element columns e01..e<elements> (at least; the
        split is done once per segment id, with the most elements asked for)."""
        done = self._split.get(segment_id)
        if done is None or done[0] < elements:
            frame = self._parts.get(segment_id, self.empty)
            elements = max(elements, self.widths.get(segment_id, 0))
            done = (elements, split_elements(frame, elements, self.separators))
            self._split[segment_id] = done
        return done[1]

    def raw(self, segment_id: str) -> pl.DataFrame:
        return self._parts.get(segment_id, self.empty)

    def ids(self) -> list[str]:
        return list(self._parts)


def pick(values: pl.DataFrame, parent: str, mapping: Mapping[str, str],
         value: str = "e02", qualifier: str = "e01", where: pl.Expr | None = None,
         ) -> tuple[pl.DataFrame, pl.Series]:
    """Spread qualified values (REF, AMT, DTM, ...) into columns, one row per ``parent``.

    ``mapping`` maps a qualifier to a column name; the first value per parent and qualifier
    wins (repeats stay in the supplemental table). Only the rows where ``where`` holds are
    looked at. Rows are in file order, so the first of a parent is the one whose parent
    differs from the row before. Returns the frame and the segment_index of the values used.
    """
    codes = list(mapping)
    condition = pl.col(parent).is_not_null() & (
        pl.col(qualifier) == codes[0] if len(codes) == 1 else pl.col(qualifier).is_in(codes))
    columns = {"segment_index", parent, qualifier, value}
    if where is not None:
        condition = condition & where
        columns.update(where.meta.root_names())
    # the narrow columns first, so the filter gathers only those
    base = values.select(*[c for c in values.columns if c in columns]).filter(condition)
    if base.height == 0:  # (frames built from their schemas: no frame work)
        schema = {parent: values.schema[parent]} | dict.fromkeys(
            mapping.values(), values.schema[value])
        return pl.DataFrame(schema=schema), base.get_column("segment_index")
    wide, used = None, []
    for code, column in mapping.items():
        rows = base if len(codes) == 1 else base.filter(pl.col(qualifier) == code)
        rows = rows.filter(pl.col(parent).ne_missing(pl.col(parent).shift(1)))
        used.append(rows.get_column("segment_index"))
        rows = rows.select(parent, pl.col(value).alias(column))
        wide = rows if wide is None else wide.join(rows, on=parent, how="full", coalesce=True)
    return wide, pl.concat(used)
