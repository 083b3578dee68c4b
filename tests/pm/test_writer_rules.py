"""The PM writer refuses data its layout would misstate (workbook streaming and bytes:
test_xlsx_sheet.py)."""

from __future__ import annotations

import polars as pl
import pytest

from pipelines.pm.writer import WriterError, write_export


def test_two_fields_writing_one_header_must_agree(tmp_path, canonical_tables):
    # Visit Report: "Treating Therapist NPI" carries the visit's provider and each service's
    changed = _first_row_set(canonical_tables["services"], "service_id",
                             provider_npi="1999999992")
    with pytest.raises(WriterError, match="'Treating Therapist NPI' would need two values"):
        write_export({**canonical_tables, "services": changed}, "visit_billing", tmp_path)


def test_a_list_longer_than_its_columns_is_refused(tmp_path, canonical_tables):
    crowded = _first_row_set(canonical_tables["charges"], "charge_id",
                             modifiers="GO;59;KX;CO;XU")
    with pytest.raises(WriterError, match="more values than columns"):
        write_export({**canonical_tables, "charges": crowded}, "charge_detail", tmp_path)


def test_a_child_row_without_its_parent_is_refused(tmp_path, canonical_tables):
    charges = canonical_tables["charges"]
    orphan = charges.head(1).with_columns(charge_id=pl.lit("C-ORPHAN"),
                                          service_id=pl.lit("S-NOWHERE"))
    with pytest.raises(WriterError, match="1 charges rows have no services row to sit on"):
        write_export({**canonical_tables, "charges": pl.concat([charges, orphan])},
                     "charge_detail", tmp_path)


def _first_row_set(frame: pl.DataFrame, key: str, **values: str) -> pl.DataFrame:
    """``frame`` with ``values`` written on its first row (by ``key``)."""
    first = pl.col(key) == frame[key][0]
    return frame.with_columns(**{column: pl.when(first).then(pl.lit(value))
                                 .otherwise(pl.col(column)) for column, value in values.items()})
