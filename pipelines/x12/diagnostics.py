"""Stable diagnostic codes and the frames that carry them.

Checks are vectorized: each one filters a frame of segments (which always carries
``segment_index``, ``line_number`` and ``segment_id``) and turns the offending rows into
diagnostic rows with :func:`found`. The reader concatenates them into one frame with the
``tables.DIAGNOSTICS`` schema, ordered by position in the file.
"""

from __future__ import annotations

from collections.abc import Iterable

import polars as pl

from pipelines.x12.tables import DIAGNOSTICS

ERROR, WARNING, INFO = "error", "warning", "info"

# code -> (severity, what it means). Codes are part of the warehouse contract: never rename.
CODES: dict[str, tuple[str, str]] = {
    # reading (these are X12Error codes: the file is not read)
    "EMPTY_FILE": (ERROR, "the file holds no data"),
    "NOT_X12": (ERROR, "the file does not start with an ISA (or ST) segment"),
    "BAD_SEPARATORS": (ERROR, "the separators cannot be determined from the ISA/ST segment"),
    "TRUNCATED": (ERROR, "the file ends inside a transaction or interchange (no SE/GE/IEA)"),
    "UNSUPPORTED_TRANSACTION": (ERROR, "the file holds a transaction other than 837 or 835"),
    "MIXED_TRANSACTIONS": (ERROR, "the file mixes 837 and 835 transactions"),
    "NO_TRANSACTIONS": (ERROR, "the file holds no ST/SE transaction"),
    "READ_FAILED": (ERROR, "the reader itself failed on the file (a defect to report)"),
    # tolerated format quirks
    "TEXT_ENCODING": (INFO, "the file is not plain UTF-8 (UTF-16 or a legacy code page)"),
    "NO_ENVELOPE": (INFO, "the file starts at ST, without ISA/GS envelope"),
    "ISA_NOT_FIXED_WIDTH": (WARNING, "the ISA segment is not the fixed 106 characters"),
    "COMPONENT_SEPARATOR_MISMATCH": (WARNING, "a composite uses a separator other than ISA16"),
    "INTERCHANGE_SEPARATORS_DIFFER": (WARNING, "an interchange declares other separators "
                                      "than the one before it; it is read with its own"),
    # envelope integrity
    "SE_COUNT_MISMATCH": (WARNING, "SE01 differs from the number of segments in ST..SE"),
    "SE_CONTROL_MISMATCH": (WARNING, "SE02 differs from ST02"),
    "GE_COUNT_MISMATCH": (WARNING, "GE01 differs from the number of transactions in the group"),
    "GE_CONTROL_MISMATCH": (WARNING, "GE02 differs from GS06"),
    "IEA_COUNT_MISMATCH": (WARNING, "IEA01 differs from the number of groups in the interchange"),
    "IEA_CONTROL_MISMATCH": (WARNING, "IEA02 differs from ISA13"),
    "TRAILER_MISSING": (WARNING, "an ST, GS or ISA is not closed by its SE, GE or IEA"),
    "SEGMENT_OUTSIDE_TRANSACTION": (WARNING, "a data segment lies outside any ST..SE"),
    # structure
    "UNKNOWN_SEGMENT": (WARNING, "the segment id is not part of the transaction set"),
    "SEGMENT_OUT_OF_PLACE": (WARNING, "the segment appears outside the loop it belongs to"),
    "SEGMENT_OUT_OF_ORDER": (WARNING, "the segment comes before one that must precede it"),
    "HL_PARENT_NOT_FOUND": (WARNING, "HL02 names no earlier HL01 of the transaction"),
    "MISSING_ELEMENT": (ERROR, "a required element is empty"),
    "INVALID_AMOUNT": (ERROR, "a monetary or numeric element is not a number"),
    "INVALID_DATE": (ERROR, "a date element is not a valid CCYYMMDD date"),
    "AMOUNT_PRECISION": (WARNING, "a monetary amount has more than two decimals (rounded)"),
    # accounting
    "CLAIM_CHARGE_MISMATCH": (WARNING, "837 CLM02 differs from the sum of the line charges"),
    "CLAIM_NOT_BALANCED": (WARNING, "835 CLP03 - CLP04 differs from the claim's CAS total"),
    "SERVICE_NOT_BALANCED": (WARNING, "835 SVC02 - SVC03 differs from the line's CAS total"),
    "PAYMENT_NOT_BALANCED": (WARNING, "835 BPR02 differs from sum(CLP04) - sum(PLB amounts)"),
}

_LOCATION = ("segment_index", "line_number", "segment_id")
_EMPTY = pl.DataFrame(schema=DIAGNOSTICS)


def found(rows: pl.DataFrame, code: str, message: pl.Expr | str) -> pl.DataFrame:
    """Diagnostic rows for each row of ``rows`` (a frame of segments), with ``message``."""
    if rows.height == 0:  # the usual case for a check: no frame work
        return _EMPTY
    severity = CODES[code][0]
    if isinstance(message, str):
        message = pl.lit(message)
    if max(rows.n_chunks("all")) > 1:
        # polars 2.1 can panic formatting columns chunked differently (an empty first chunk)
        rows = rows.rechunk()
    return rows.select(
        pl.lit(severity).alias("severity"),
        pl.lit(code).alias("code"),
        message.cast(pl.String).alias("message"),
        *[pl.col(name).cast(DIAGNOSTICS[name]) for name in _LOCATION],
    )


def found_plan(rows: pl.LazyFrame, code: str, message: pl.Expr | str) -> pl.LazyFrame:
    """``found`` as a lazy plan (several can be collected together)."""
    if isinstance(message, str):
        message = pl.lit(message)
    return rows.select(
        pl.lit(CODES[code][0]).alias("severity"),
        pl.lit(code).alias("code"),
        message.cast(pl.String).alias("message"),
        *[pl.col(name).cast(DIAGNOSTICS[name]) for name in _LOCATION],
    )


def one(code: str, message: str, segment_index: int | None = None,
        line_number: int | None = None, segment_id: str | None = None) -> pl.DataFrame:
    """A single diagnostic row."""
    return pl.DataFrame([{
        "severity": CODES[code][0], "code": code, "message": message,
        "segment_index": segment_index, "line_number": line_number, "segment_id": segment_id,
    }], schema=DIAGNOSTICS)


def combine(frames: Iterable[pl.DataFrame]) -> pl.DataFrame:
    """One diagnostics frame, in file order (file-level findings without location first)."""
    frames = [frame for frame in frames if frame.height]
    if not frames:
        return _EMPTY.clear()
    return pl.concat(frames, how="vertical").sort(
        "segment_index", nulls_last=False, maintain_order=True)


def diagnostics_frame(diagnostics) -> pl.DataFrame:
    """Diagnostics as a polars frame with the ``tables.DIAGNOSTICS`` schema.

    Accepts an ``X12Document`` (its frame is returned as is) or an iterable of ``Diagnostic``.
    """
    table = getattr(diagnostics, "diagnostics_table", None)
    if table is not None:
        return table
    rows = [d.as_dict() for d in diagnostics]
    return pl.DataFrame(rows, schema=DIAGNOSTICS) if rows else pl.DataFrame(schema=DIAGNOSTICS)
