"""X12 837P/837I and 835 reader.

Public API (the rest of the package uses only this):

- ``read_x12(source, file_name=None) -> X12Document``: parse one file (a path or bytes). A
  file larger than ``reader.CHUNK_BYTES`` is read in chunks internally (bounded memory), with
  the same result.
- ``read_x12_batch(sources, file_names=None) -> list[X12Document]``: parse many files (paths or
  bytes, 835 and 837 mixed) in one vectorized pass; per file exactly what ``read_x12`` returns,
  and a file that cannot be read affects no other. Use it for inboxes of many small files:
  the fixed cost of a read is paid once per batch instead of once per file.
- ``iter_x12(path, chunk_bytes=64 MiB, file_name=None, workers=1) -> Iterator[X12Document]``:
  read a file larger than memory as a sequence of documents, each holding whole ST..SE
  transactions, ``workers`` chunks at a time (None: up to two, as the CPUs allow; yielded in
  file order); segment indexes and line numbers stay those of the whole file.
- ``X12Document``: kind (``837P``, ``837I``, ``835`` or ``unknown``), version (GS08), counts,
  totals (``Decimal``), ``diagnostics`` (list of ``Diagnostic``), ``error`` (``X12Error`` or
  None) and ``tables``: one polars frame per raw table, with the columns of ``tables.X12_TABLES``.
- ``diagnostics_frame(document) -> pl.DataFrame``: the diagnostics with the
  ``tables.DIAGNOSTICS`` schema, for the loader.

A document with an ``error`` could not be read as X12 and carries no tables; a document with
diagnostics but no error was read and its tables are complete. An interchange that declares
other separators than the one before it in the same file is read with its own separators
(a warning, ``INTERCHANGE_SEPARATORS_DIFFER``).
"""

from pipelines.x12.batch import read_x12_batch
from pipelines.x12.chunks import iter_x12
from pipelines.x12.diagnostics import CODES, diagnostics_frame
from pipelines.x12.document import Diagnostic, X12Document, X12Error
from pipelines.x12.reader import read_x12

__all__ = ["CODES", "Diagnostic", "X12Document", "X12Error", "diagnostics_frame", "iter_x12",
           "read_x12", "read_x12_batch"]
