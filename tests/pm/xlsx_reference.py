"""The workbook writer revaudit used before xlsx_sheet.py, kept as the reference the new one is
checked against: the same cells written one at a time through xlsxwriter."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from pathlib import Path

import polars as pl

from pipelines.pm import writer
from pipelines.pm.profiles import FileSpec, Profile


def write_xlsx_with_xlsxwriter(path: Path, file: FileSpec, slices: Iterable[pl.DataFrame],
                               profile: Profile, zip64: bool = False) -> None:
    """Drop-in for ``writer._write_xlsx`` (``zip64`` ignored: test data is small)."""
    import xlsxwriter

    kinds, formats = writer._kinds(file)
    header = file.headers()
    book = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False})
    book.set_properties({"created": writer.XLSX_CREATED, "author": "revaudit synthetic"})
    sheet = book.add_worksheet(writer.SHEET_NAME)
    bold = book.add_format({"bold": True})
    as_date = book.add_format({"num_format": "mm/dd/yyyy"})
    negative = "($#,##0.00)" if profile.money.negative == "parentheses" else "-$#,##0.00"
    as_money = book.add_format({"num_format": f"$#,##0.00;{negative}"})
    for r, line in enumerate(file.title):
        sheet.write_string(r, 0, line, bold)
    top = len(file.title)
    for c, h in enumerate(header):
        sheet.write_string(top, c, h, bold)
    footer = writer._Footer(file, header, kinds)
    r = top + 1
    for values in slices:
        footer.add(values)
        for c, h in enumerate(header):
            column = values[h]
            if column.dtype == pl.Date and h not in formats:
                cells, write, fmt = column.cast(pl.Datetime("us")), sheet.write_datetime, as_date
            elif column.dtype.is_decimal() and kinds.get(h) == "money":
                cells, write, fmt = column.cast(pl.Float64), sheet.write_number, as_money
            else:
                text = partial(writer._text, profile=profile, kind=kinds.get(h),
                               date_format=formats.get(h, profile.date_formats[0]))
                cells, write, fmt = writer._per_value(column, text, pl.String), \
                    sheet.write_string, None
            for i, value in enumerate(cells.to_list()):
                if value is not None:
                    write(r + i, c, value, fmt) if fmt else write(r + i, c, value)
        r += values.height
    if file.footer:
        cells = footer.cells()
        sheet.write_string(r, 0, cells[0], bold)
        for c in footer.money:
            sheet.write_number(r, c, float(cells[c]), as_money)
    book.close()
