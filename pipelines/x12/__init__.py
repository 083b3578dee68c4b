"""X12 837P/837I and 835 reader.

Public API (the rest of the package uses only this):

- ``read_x12(source, file_name=None) -> X12Document``: parse one file (a path or bytes).
- ``iter_x12(path, chunk_bytes=64 MiB, file_name=None) -> Iterator[X12Document]``: read a file
  larger than memory as a sequence of documents, each holding whole ST..SE transactions;
  segment indexes and line numbers stay those of the whole file.
- ``X12Document``: kind (``837P``, ``837I``, ``835`` or ``unknown``), version (GS08), counts,
  totals (``Decimal``), ``diagnostics`` (list of ``Diagnostic``), ``error`` (``X12Error`` or
  None) and ``tables``: one polars frame per raw table, with the columns of ``tables.X12_TABLES``.
- ``diagnostics_frame(document) -> pl.DataFrame``: the diagnostics with the
  ``tables.DIAGNOSTICS`` schema, for the loader.

A document with an ``error`` could not be read as X12 and carries no tables; a document with
diagnostics but no error was read and its tables are complete.
"""

from pipelines.x12.chunks import iter_x12
from pipelines.x12.diagnostics import CODES, diagnostics_frame
from pipelines.x12.document import Diagnostic, X12Document, X12Error
from pipelines.x12.reader import read_x12

__all__ = ["CODES", "Diagnostic", "X12Document", "X12Error", "diagnostics_frame", "iter_x12",
           "read_x12"]
