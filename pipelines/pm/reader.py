"""Reading a PM export (CSV or XLSX) as text cells, finding its header row below any title lines.

Every cell is read as text so that nothing is guessed (leading zeros stay, amounts stay exact);
normalize.py parses dates, money and codes with the profile's rules. Row numbers are the ones a
spreadsheet shows: the header row's number plus the data row's position under it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import polars as pl

HEADER_SCAN_ROWS = 15  # title lines a report may carry above its header
ROW_NUMBER = "__row_number"


class UnreadableFile(ValueError):
    """The file is not a table revaudit can read; the message says why."""


@dataclass(frozen=True)
class Sheet:
    header: list[str]
    header_row: int  # 1-based row number of the header
    rows: pl.DataFrame  # all String columns named by the header, plus ROW_NUMBER
    is_spreadsheet: bool


def read_sheet(path: Path, choose_header: Callable[[list[list[str]]], int]) -> Sheet:
    """Read ``path``; ``choose_header`` picks the header among the first rows (index)."""
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return _read_xlsx(path, choose_header)
    if suffix == ".csv":
        return _read_csv(path, choose_header)
    raise UnreadableFile(f"not a CSV or XLSX file ({suffix or 'no extension'})")


def _clean_header(cells: list) -> list[str]:
    return [("" if c is None else str(c)).replace("\ufeff", "").strip() for c in cells]


def _read_csv(path: Path, choose_header) -> Sheet:
    raw = path.read_bytes()
    if b"\x00" in raw[:4096]:
        raise UnreadableFile("binary content, not a CSV text file")
    text = raw.decode("utf-8-sig", errors="replace")
    try:
        first_rows = [row for _, row in zip(range(HEADER_SCAN_ROWS),
                                            csv.reader(io.StringIO(text)), strict=False)]
    except csv.Error as exc:
        raise UnreadableFile(f"not a readable CSV ({exc})") from exc
    if not any(any(cell.strip() for cell in row) for row in first_rows):
        raise UnreadableFile("empty file: no header row")
    index = choose_header([_clean_header(r) for r in first_rows])
    header = _unique(_clean_header(first_rows[index]))
    try:
        frame = pl.read_csv(io.StringIO(text), skip_rows=index, has_header=False,
                            infer_schema=False, truncate_ragged_lines=True)
    except pl.exceptions.PolarsError as exc:
        raise UnreadableFile(f"not a readable CSV ({exc})") from exc
    frame = frame.slice(1)  # the header row itself
    return _sheet(frame, header, index + 1, is_spreadsheet=False)


def _read_xlsx(path: Path, choose_header) -> Sheet:
    try:
        frame = pl.read_excel(path, sheet_id=1, has_header=False,
                              read_options={"dtypes": "string"})
    except Exception as exc:  # noqa: BLE001 - any reader failure means "not a workbook"
        raise UnreadableFile(f"cannot be read as an XLSX workbook ({type(exc).__name__})") \
            from exc
    if frame.height == 0:
        raise UnreadableFile("empty workbook: no header row")
    # Excel sheets may start below row 1: fastexcel drops leading empty rows, so we
    # number rows from the sheet's first non-empty row.
    first_rows = [_clean_header(list(r)) for r in frame.head(HEADER_SCAN_ROWS).iter_rows()]
    index = choose_header(first_rows)
    header = _unique(first_rows[index])
    return _sheet(frame.slice(index + 1), header, index + 1, is_spreadsheet=True)


def _sheet(frame: pl.DataFrame, header: list[str], header_row: int, *,
           is_spreadsheet: bool) -> Sheet:
    width = len(header)
    if frame.width < width:
        frame = frame.with_columns(pl.lit(None, pl.String).alias(f"__pad{i}")
                                   for i in range(width - frame.width))
    frame = frame.select(frame.columns[:width])
    frame.columns = header
    frame = frame.with_columns(pl.col(header).str.strip_chars())
    frame = frame.with_row_index(ROW_NUMBER, offset=header_row + 1) \
        .with_columns(pl.col(ROW_NUMBER).cast(pl.Int64))
    blank = pl.all_horizontal(pl.col(h).is_null() | (pl.col(h) == "") for h in header)
    return Sheet(header, header_row, frame.filter(~blank), is_spreadsheet)


def _unique(header: list[str]) -> list[str]:
    """Header names, blank ones and repeats made unique (they can then match no profile)."""
    seen: dict[str, int] = {}
    names = []
    for i, name in enumerate(header):
        name = name or f"(blank column {i + 1})"
        if name in seen:
            seen[name] += 1
            name = f"{name} ({seen[name]})"
        else:
            seen[name] = 1
        names.append(name)
    return names
