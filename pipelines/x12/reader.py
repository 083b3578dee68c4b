"""read_x12: one file (path or bytes) to an X12Document. Never raises for bad input."""

from __future__ import annotations

import logging
from decimal import Decimal
from pathlib import Path

import polars as pl

from pipelines.x12 import claims_837, remits_835
from pipelines.x12 import diagnostics as dx
from pipelines.x12.document import X12Document, X12Error, empty_table, table_names
from pipelines.x12.envelope import Carry, read_envelope
from pipelines.x12.segments import Separators, Source, detect_separators, open_source, tokenize

ZERO = Decimal("0.00")
log = logging.getLogger(__name__)


def read_x12(source: Path | str | bytes, file_name: str | None = None) -> X12Document:
    """Read one X12 837P/837I or 835 file.

    ``source`` is a path or the file's bytes. Problems with the data become diagnostics; a file
    that cannot be read as X12 at all comes back with ``error`` set and no tables.
    """
    if file_name is None and not isinstance(source, (bytes, bytearray, memoryview)):
        file_name = str(source)
    try:
        opened = open_source(source)
        separators, notes = detect_separators(opened.head)
        segments = tokenize(opened, separators)
        return read_segments(segments, separators, file_name, notes=[*opened.notes, *notes])
    except X12Error as error:
        return X12Document(file_name=file_name, error=error)
    except OSError as error:
        return X12Document(file_name=file_name, error=X12Error(
            "NOT_X12", f"cannot read the file: {error.strerror or error}"))
    except Exception as error:  # a reader defect must not stop a batch: report it located
        log.exception("X12 reader failed on %s", file_name)
        return X12Document(file_name=file_name, error=X12Error(
            "READ_FAILED", f"the reader failed on this file ({type(error).__name__}); "
            "please report it"))


def read_segments(segments: pl.DataFrame, separators: Separators, file_name: str | None, *,
                  notes: list[pl.DataFrame] | None = None, carried_rows: int = 0,
                  carry: Carry | None = None, final: bool = True) -> X12Document:
    """Build a document from tokenized segments (the second half of ``read_x12``).

    ``carried_rows``/``carry``/``final`` serve ``iter_x12``: the first ``carried_rows``
    segments repeat the open ISA/GS of an earlier chunk, ``carry`` holds the counts seen there,
    and a non-final chunk may end with its interchange and group still open.
    """
    notes = list(notes or [])
    if segments.height == 0:
        raise X12Error("EMPTY_FILE", "the file holds no segments")
    segments, envelope = read_envelope(segments, separators, carried_rows=carried_rows,
                                       carry=carry, final=final)
    notes += envelope.diagnostics
    if envelope.kind == "835":
        tables, found, totals = remits_835.build(segments, envelope.transactions, separators)
    else:
        tables, found, totals = claims_837.build(segments, envelope.transactions, separators,
                                                 envelope.kind)
    notes += found
    kind = totals.pop("kind", envelope.kind)
    for name in table_names(kind):
        tables.setdefault(name, empty_table(name))
    document = X12Document(
        file_name=file_name,
        kind=kind,
        version=envelope.version,
        interchanges=envelope.interchanges,
        transactions=envelope.transactions.height,
        claims=totals["claims"],
        service_lines=totals["service_lines"],
        total_charge=_money(totals["total_charge"]),
        total_paid=_money(totals["total_paid"]) if kind == "835" else None,
        tables=tables,
        diagnostics_table=dx.combine(notes),
        carry=envelope.carry,
    )
    return document


def _money(value) -> Decimal:
    if value is None:
        return ZERO
    return Decimal(value).quantize(Decimal("0.01"))


__all__ = ["read_x12", "read_segments", "Source"]
