"""What reading an X12 file returns: the document, its diagnostics and its error."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

import polars as pl

from pipelines.x12.tables import DIAGNOSTICS, X12_TABLES

KINDS = ("837P", "837I", "835", "unknown")

TABLES_837 = tuple(name for name in X12_TABLES if name.startswith("edi_837_"))
TABLES_835 = tuple(name for name in X12_TABLES if name.startswith("edi_835_"))
SUPPLEMENTAL = "edi_supplemental_values"


def table_names(kind: str) -> tuple[str, ...]:
    """The raw tables a document of ``kind`` fills (every one, even when it has no rows)."""
    if kind in ("837P", "837I"):
        return (*TABLES_837, SUPPLEMENTAL)
    if kind == "835":
        return (*TABLES_835, SUPPLEMENTAL)
    return ()


def empty_table(name: str) -> pl.DataFrame:
    return pl.DataFrame(schema=X12_TABLES[name])


@dataclass(frozen=True)
class Diagnostic:
    """One finding about a file that was read: the data is kept, the finding is reported."""

    severity: str  # error | warning | info
    code: str  # stable machine code (see pipelines.x12.diagnostics.CODES)
    message: str
    segment_index: int | None = None  # 0-based position of the segment in the file
    line_number: int | None = None  # 1-based physical line
    segment_id: str | None = None

    def as_dict(self) -> dict:
        return {name: getattr(self, name) for name in DIAGNOSTICS}


class X12Error(Exception):
    """The file could not be read as X12; nothing from it is usable.

    ``code`` is stable (e.g. ``NOT_X12``, ``TRUNCATED``, ``UNSUPPORTED_TRANSACTION``);
    the location points at the segment that made reading impossible.
    """

    def __init__(self, code: str, message: str, *, segment_index: int | None = None,
                 line_number: int | None = None, segment_id: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.segment_index = segment_index
        self.line_number = line_number
        self.segment_id = segment_id

    def __reduce__(self):  # picklable, so files can be parsed in worker processes
        return (type(self), (self.code, self.message), {
            "segment_index": self.segment_index, "line_number": self.line_number,
            "segment_id": self.segment_id})

    def location(self) -> str:
        parts = []
        if self.line_number is not None:
            parts.append(f"line {self.line_number}")
        if self.segment_index is not None:
            parts.append(f"segment {self.segment_index}")
        if self.segment_id:
            parts.append(self.segment_id)
        return ", ".join(parts)

    def as_dict(self) -> dict:
        return {"message": self.message, "segment_index": self.segment_index,
                "line_number": self.line_number, "segment_id": self.segment_id}

    def __repr__(self) -> str:
        return f"X12Error({self.code}: {self.message} [{self.location()}])"


@dataclass
class X12Document:
    """One X12 file (or one chunk of a large file, see ``iter_x12``), read.

    ``tables`` holds every raw table of the document's kind, with the columns of
    ``tables.X12_TABLES`` in order (empty frames when there are no rows). A document with an
    ``error`` carries no tables.
    """

    file_name: str | None
    kind: str = "unknown"
    version: str | None = None  # GS08 (ST03 when there is no GS)
    interchanges: int = 0
    transactions: int = 0
    claims: int = 0
    service_lines: int = 0
    total_charge: Decimal = Decimal("0.00")
    total_paid: Decimal | None = None  # 835 only
    tables: dict[str, pl.DataFrame] = field(default_factory=dict)
    diagnostics_table: pl.DataFrame = field(
        default_factory=lambda: pl.DataFrame(schema=DIAGNOSTICS))
    error: X12Error | None = None
    carry: object = field(default=None, repr=False, compare=False)  # envelope state, iter_x12

    @cached_property
    def diagnostics(self) -> list[Diagnostic]:
        return [Diagnostic(**row) for row in self.diagnostics_table.iter_rows(named=True)]

    @property
    def ok(self) -> bool:
        return self.error is None

    def __repr__(self) -> str:
        state = repr(self.error) if self.error else (
            f"{self.claims} claims, {self.service_lines} lines, "
            f"{self.diagnostics_table.height} diagnostics")
        return f"X12Document({self.file_name!r}, {self.kind} {self.version or ''}: {state})"
