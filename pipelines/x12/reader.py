"""read_x12: one file (path or bytes) to an X12Document. Never raises for bad input.

The work is done by :func:`read_group`: the tokenized segments of any number of *pieces* that
share separators (whole files of a batch, the runs of interchanges of a file that declare
other separators, or a chunk of a large file) go through the envelope and the table builders
once, with every row keyed by its ``segment_index`` in the batch; the drivers
(``read_x12_batch``, ``iter_x12``) cut the results back into files.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import polars as pl

from pipelines.x12 import claims_837, remits_835
from pipelines.x12 import diagnostics as dx
from pipelines.x12.document import X12Document, X12Error
from pipelines.x12.envelope import Carry, PieceSpec, read_envelope
from pipelines.x12.segments import Separators

ZERO = Decimal("0.00")
# What a reader defect can raise: any exception, or a panic inside polars (a BaseException).
DEFECTS = (Exception, pl.exceptions.PanicException)
# Files larger than this are read by ``read_x12`` in chunks (bounded memory, and faster: the
# chunks are read on two threads) of at most about twice this size: each chunk costs a fixed
# number of polars calls, so fewer, larger chunks cost less per byte; see ``chunk_size``.
CHUNK_BYTES = 8 * 1024 * 1024
log = logging.getLogger(__name__)


def read_x12(source: Path | str | bytes, file_name: str | None = None) -> X12Document:
    """Read one X12 837P/837I or 835 file.

    ``source`` is a path or the file's bytes. Problems with the data become diagnostics; a file
    that cannot be read as X12 at all comes back with ``error`` set and no tables. A file larger
    than ``CHUNK_BYTES`` is read in chunks (see ``iter_x12``) and put together: the result is
    the same, and the memory used beyond the result stays within a few chunks.
    """
    from pipelines.x12.batch import read_x12_batch
    from pipelines.x12.chunks import read_in_chunks

    if file_name is None and not isinstance(source, (bytes, bytearray, memoryview)):
        file_name = str(source)
    size = len(source) if isinstance(source, (bytes, bytearray, memoryview)) else None
    if size is None:
        try:
            size = Path(source).stat().st_size
        except OSError:
            size = 0
    if size > CHUNK_BYTES:
        workers = chunk_workers()
        return read_in_chunks(source, chunk_size(size, workers), file_name, workers)
    return read_x12_batch([source], [file_name])[0]


def chunk_workers() -> int:
    """How many chunks of a large file are read at once: two, when there are CPUs for it."""
    return min(2, len(os.sched_getaffinity(0)))


def chunk_size(size: int, workers: int) -> int:
    """The chunk size for a file of ``size`` bytes: chunks of at most about twice
    ``CHUNK_BYTES``, as many as keep the ``workers`` equally busy to the end (a multiple of
    them), of equal size (the last one holds the end of the file, see ``iter_x12``).

    Rounds that shrank from 1.2 to 0.8 times the mean lowered the peak of a 100 MB 835 from
    7.4 to 6.9 times its size but cost 3.5% of the wall time (5 alternating runs), with
    oxedi's speed the target (benchmarks/results/x12-memory.md)."""
    count = -(-size // (2 * CHUNK_BYTES))
    count = -(-count // workers) * workers
    return -(-size // count)


@dataclass
class GroupResult:
    """What ``read_group`` found, with segment indexes of the batch (not yet of the file)."""

    tables: dict[str, dict[str, pl.DataFrame]]  # "835" / "837" -> table name -> frame
    diagnostics: pl.DataFrame  # sorted by segment_index
    pieces: pl.DataFrame  # per piece read: kind, version, counts and totals
    errors: dict[int, X12Error]  # piece -> why it was not read
    carry: Carry


def read_group(segments: pl.DataFrame, separators: Separators, specs: list[PieceSpec], *,
               carried_rows: int = 0, carry: Carry | None = None) -> GroupResult:
    """Envelope and raw tables for the pieces in ``segments`` (columns ``piece``,
    ``segment_index``, ``line_number``, ``segment_id``, ``text``; in order, indexes unique)."""
    segments, envelope = read_envelope(segments, separators, specs, carried_rows=carried_rows,
                                       carry=carry)
    notes = list(envelope.diagnostics)
    pieces = envelope.pieces
    transactions = envelope.transactions
    remits = pieces.filter(pl.col("transaction_set") == "835").get_column("piece").to_list()
    claims = pieces.filter(pl.col("transaction_set").is_not_null()
                           & (pl.col("transaction_set") != "835"))
    tables: dict[str, dict[str, pl.DataFrame]] = {}
    totals = []
    # The segments are handed to the last builder without a reference kept here, so it can
    # free them once it has taken what it needs (a caller that keeps none frees them then).
    held = [segments]
    del segments
    if remits:
        built, found, piece_totals = remits_835.build(
            *_only(held[0] if claims.height else held.pop(), transactions, remits,
                   claims.height > 0), separators)
        tables["835"] = built
        notes += found
        totals.append(piece_totals)
    if claims.height:
        kinds = dict(zip(claims.get_column("piece").to_list(),
                         claims.get_column("kind").to_list(), strict=True))
        built, found, piece_totals = claims_837.build(
            *_only(held.pop(), transactions, list(kinds), bool(remits)), separators, kinds)
        tables["837"] = built
        notes += found
        totals.append(piece_totals.with_columns(total_paid=pl.lit(None, remits_835.MONEY)))
        pieces = pieces.with_columns(kind=pl.col("piece").replace_strict(
            kinds, default=pl.col("kind"), return_dtype=pl.String))
    if totals:
        pieces = pieces.join(pl.concat(totals, how="diagonal_relaxed"), on="piece",
                             how="left", maintain_order="left")
    return GroupResult(tables, dx.combine(notes), pieces, envelope.errors, envelope.carry)


def _only(segments: pl.DataFrame, transactions: pl.DataFrame, pieces: list[int],
          mixed: bool) -> tuple[pl.DataFrame, pl.DataFrame]:
    if not mixed:
        return segments, transactions
    keep = pl.col("piece").is_in(pieces)
    return segments.filter(keep), transactions.filter(keep)


def money(value) -> Decimal:
    if value is None:
        return ZERO
    return Decimal(value).quantize(Decimal("0.01"))


def read_failed(file_name: str | None, error: Exception) -> X12Document:
    """A reader defect on one file: reported on that file, never raised into a batch."""
    log.error("X12 reader failed on %s: %s", file_name, type(error).__name__,
              exc_info=(type(error), error, error.__traceback__))
    return X12Document(file_name=file_name, error=X12Error(
        "READ_FAILED", f"the reader failed on this file ({type(error).__name__}); "
        "please report it"))


__all__ = ["CHUNK_BYTES", "DEFECTS", "GroupResult", "read_group", "read_x12"]
