"""X12 837P/837I and 835 reader.

Public API (the rest of the package uses only this):

- ``read_x12(source, file_name=None) -> X12Document``: parse one file (a path or bytes).
- ``X12Document``: kind (``837P``, ``837I``, ``835`` or ``unknown``), version (GS08), counts,
  totals (``Decimal``), ``diagnostics`` (list of ``Diagnostic``), ``error`` (``X12Error`` or
  None) and ``tables``: one polars frame per raw table, with the columns of ``tables.X12_TABLES``.

A document with an ``error`` could not be read as X12 and carries no tables; a document with
diagnostics but no error was read and its tables are complete.
"""
