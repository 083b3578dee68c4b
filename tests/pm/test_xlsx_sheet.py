"""Workbooks written column-wise (xlsx_sheet.py): the cells the xlsxwriter writer wrote,
typed as spreadsheets type them, escaped, deterministic and structurally whole."""

from __future__ import annotations

import zipfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from xml.etree import ElementTree

import polars as pl
import pytest
from xlsx_reference import write_xlsx_with_xlsxwriter

from pipelines.pm import writer
from pipelines.pm.writer import read_export_folder, write_export
from pipelines.pm.xlsx_sheet import BOLD, SheetError, SheetWriter, column_letters
from pipelines.synth.generator import pm_export_of, simulate_events
from pipelines.synth.pm_canonical import CanonicalPmWriter, read_tables

NEURO = 2  # the generator's charge-detail (workbook) practice template
MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
MONEY_FORMAT = "$#,##0.00;($#,##0.00)"


@pytest.fixture(scope="module")
def neuro_tables(tmp_path_factory) -> dict[str, pl.DataFrame]:
    """The canonical PM tables of a small generated charge-detail practice."""
    practice, events = simulate_events(11, NEURO, 3, 60)
    assert pm_export_of(practice.template)[0] == "charge_detail"
    folder = tmp_path_factory.mktemp("neuro_pm")
    pm = CanonicalPmWriter(practice, folder)
    for event in events:
        pm.feed(event)
    pm.close()
    return read_tables(folder)


def test_charge_detail_reads_back_as_the_xlsxwriter_workbooks_do(tmp_path, neuro_tables,
                                                                  monkeypatch):
    new = write_export(neuro_tables, "charge_detail", tmp_path / "new")
    monkeypatch.setattr(writer, "_write_xlsx", write_xlsx_with_xlsxwriter)
    old = write_export(neuro_tables, "charge_detail", tmp_path / "old")
    assert [p.name for p in new] == [p.name for p in old]
    assert all(p.suffix == ".xlsx" for p in new) and len(new) == 7
    got = read_export_folder(tmp_path / "new", "charge_detail")
    expected = read_export_folder(tmp_path / "old", "charge_detail")
    assert sorted(got) == sorted(expected)
    for name, frame in expected.items():
        assert got[name].equals(frame), name
    for name in ("visits", "services", "charges", "patients", "patient_payments", "fee_schedule"):
        assert expected[name].height > 10, name  # the comparison is not of empty tables


def test_charge_detail_cells_are_typed_as_the_xlsxwriter_ones(tmp_path, neuro_tables,
                                                              monkeypatch):
    """Typed reading (fastexcel infers each column's type from its cells and their formats)
    sees the same columns, types and values in every file."""
    write_export(neuro_tables, "charge_detail", tmp_path / "new")
    monkeypatch.setattr(writer, "_write_xlsx", write_xlsx_with_xlsxwriter)
    write_export(neuro_tables, "charge_detail", tmp_path / "old")
    for old in sorted((tmp_path / "old").iterdir()):
        title_rows = 2 if old.name == "Charge Detail.xlsx" else (
            0 if old.name in ("Fee Schedule.xlsx", "Contract Rates.xlsx") else 1)
        options = {"header_row": title_rows}
        expected = pl.read_excel(old, read_options=options)
        got = pl.read_excel(tmp_path / "new" / old.name, read_options=options)
        assert got.equals(expected), old.name
    typed = pl.read_excel(tmp_path / "new" / "Charge Detail.xlsx",
                          read_options={"header_row": 2})
    assert typed.schema["Appt Date"] == pl.Date
    assert typed.schema["Charge Amt"] == pl.Float64
    assert typed.schema["Proc Code"] == pl.String  # "97110" stays text


def test_cells_are_dates_money_and_text(tmp_path):
    path = tmp_path / "typed.xlsx"
    frame = pl.DataFrame({
        "when": [date(2026, 3, 1), None, date(1954, 10, 6)],
        "amount": pl.Series([Decimal("1234.50"), Decimal("-12.00"), None],
                            dtype=pl.Decimal(18, 2)),
        "code": ["00123", "97110", ""],
    })
    _write(path, frame)
    cells = _sheet_cells(path)
    formats = _cell_formats(path)
    # 2026-03-01 is day 46082 of the 1900 date system (1899-12-30 is day 0)
    assert cells["A2"] == (None, "46082", "mm/dd/yyyy")
    assert cells["A4"] == (None, "20003", "mm/dd/yyyy")
    assert cells["B2"] == (None, "1234.50", MONEY_FORMAT)
    assert cells["B3"] == (None, "-12.00", MONEY_FORMAT)
    assert cells["C2"] == ("inlineStr", "00123", None)
    assert cells["C3"] == ("inlineStr", "97110", None)
    assert "A3" not in cells and "B4" not in cells and "C4" not in cells  # blanks: no cell
    assert cells["A1"][2] is None and formats["A1"]["bold"]  # header row in bold
    assert not formats["A2"]["bold"]
    typed = pl.read_excel(path, read_options={"header_row": 0})
    assert typed.schema == {"when": pl.Date, "amount": pl.Float64, "code": pl.String}
    assert typed["when"].to_list() == [date(2026, 3, 1), None, date(1954, 10, 6)]
    assert typed["amount"].to_list() == [1234.5, -12.0, None]
    assert typed["code"].to_list() == ["00123", "97110", None]


AWKWARD_TEXT = ["fish & chips", "<b>not markup</b>", 'say "hi"', "it's", "  padded  ",
                "tab\tinside", "two\nlines", "carriage\rreturn", "bell\x07here", "nul\x00",
                "_x0041_ is not A", "é ü 漢字 😀", "]]>", "&amp; already"]


def test_awkward_text_reads_back_exactly(tmp_path):
    path = tmp_path / "awkward.xlsx"
    _write(path, pl.DataFrame({"text": AWKWARD_TEXT}), title=["  title & <more>  "])
    back = pl.read_excel(path, has_header=False, read_options={"dtypes": "string"})
    assert back.to_series().to_list() == ["  title & <more>  ", "text", *AWKWARD_TEXT]
    for part in _parts(path).values():
        ElementTree.fromstring(part)  # every part is well-formed XML 1.0


def test_text_no_workbook_can_hold_is_refused(tmp_path):
    with pytest.raises(SheetError, match="U\\+FFFE"):
        _write(tmp_path / "bad.xlsx", pl.DataFrame({"text": ["ok", "bad\ufffe"]}))
    assert not (tmp_path / "bad.xlsx").exists()  # no half-written workbook left behind


def test_a_date_before_march_1900_is_refused(tmp_path):
    # Excel's serial numbers count a 1900-02-29 that never was: earlier dates would be off
    with pytest.raises(SheetError, match="1900-02-28 is before 1900-03-01"):
        _write(tmp_path / "old.xlsx", pl.DataFrame({"when": [date(1900, 3, 1),
                                                            date(1900, 2, 28)]}))
    _write(tmp_path / "ok.xlsx", pl.DataFrame({"when": [date(1900, 3, 1)]}))
    assert _sheet_cells(tmp_path / "ok.xlsx")["A2"][1] == "61"  # Excel's day of 1900-03-01


def test_column_letters():
    assert [column_letters(i) for i in (0, 25, 26, 51, 52, 701, 702, 16383)] == \
        ["A", "Z", "AA", "AZ", "BA", "ZZ", "AAA", "XFD"]


def test_same_input_same_bytes_whatever_the_slices(tmp_path, neuro_tables, monkeypatch):
    first = write_export(neuro_tables, "charge_detail", tmp_path / "first")
    monkeypatch.setattr(writer, "SLICE_ROWS", 37)  # many small slices
    monkeypatch.setattr(writer, "XLSX_STREAM_ROWS", 0)  # and zip64 sizes on the sheet entry
    sliced = write_export(neuro_tables, "charge_detail", tmp_path / "sliced")
    monkeypatch.undo()
    again = write_export(neuro_tables, "charge_detail", tmp_path / "again")
    for a, b in zip(first, again, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name
    for a, b in zip(first, sliced, strict=True):
        assert _parts(a) == _parts(b), a.name  # same parts, byte for byte
    zip64 = read_export_folder(tmp_path / "sliced", "charge_detail")  # fastexcel reads zip64
    for name, frame in read_export_folder(tmp_path / "first", "charge_detail").items():
        assert zip64[name].equals(frame), name
    with zipfile.ZipFile(first[0]) as book:
        assert {info.date_time for info in book.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert b"2026-01-01T00:00:00Z" in book.read("docProps/core.xml")


def test_the_package_is_whole(tmp_path, neuro_tables):
    """Every relationship points at a part, every part has a content type, the workbook's
    sheet is the one its relationship names, every part is well-formed XML."""
    (path,) = [p for p in write_export(neuro_tables, "charge_detail", tmp_path)
               if p.name == "Charge Detail.xlsx"]
    parts = _parts(path)
    types = ElementTree.fromstring(parts["[Content_Types].xml"])
    ns = "{http://schemas.openxmlformats.org/package/2006/content-types}"
    defaults = {d.get("Extension") for d in types.iter(f"{ns}Default")}
    overrides = {o.get("PartName").lstrip("/"): o.get("ContentType")
                 for o in types.iter(f"{ns}Override")}
    assert set(overrides) <= set(parts)
    for name in parts:
        if name != "[Content_Types].xml":
            assert name in overrides or name.rsplit(".", 1)[-1] in defaults, name
    office = "application/vnd.openxmlformats-officedocument"
    assert overrides == {  # the content types ECMA-376 gives these parts
        "xl/workbook.xml": f"{office}.spreadsheetml.sheet.main+xml",
        "xl/worksheets/sheet1.xml": f"{office}.spreadsheetml.worksheet+xml",
        "xl/styles.xml": f"{office}.spreadsheetml.styles+xml",
        "docProps/core.xml": "application/vnd.openxmlformats-package.core-properties+xml",
        "docProps/app.xml": f"{office}.extended-properties+xml"}
    targets = set()
    for rels, base in (("_rels/.rels", ""), ("xl/_rels/workbook.xml.rels", "xl/")):
        for rel in ElementTree.fromstring(parts[rels]):
            targets.add(base + rel.get("Target"))
    assert targets == set(parts) - {"[Content_Types].xml", "_rels/.rels",
                                     "xl/_rels/workbook.xml.rels"}
    workbook = ElementTree.fromstring(parts["xl/workbook.xml"])
    (sheet,) = workbook.iter(f"{MAIN}sheet")
    assert sheet.get("name") == writer.SHEET_NAME
    for part in parts.values():
        ElementTree.fromstring(part)


# Rows with gaps (an empty cell is no cell): in the first, a middle and the last column,
# consecutive empties, a row whose only cell is past column A, one in the last column only.
GAPS = pl.DataFrame({
    "text": [None, "a2", "a3", "a4", "", "a6", None],
    "when": [date(2026, 1, 1), None, date(2026, 1, 3), None, None, date(2026, 1, 6), None],
    "amount": pl.Series([Decimal("1.10"), Decimal("2.20"), Decimal("3.30"), None, Decimal("5.50"),
                         Decimal("6.60"), None], dtype=pl.Decimal(18, 2)),
    "code": ["d1", "d2", "d3", "d4", "", "d6", ""],
    "last": ["e1", "e2", "", "e4", None, "e6", "e7"],
})
# rows written one at a time (titles, footers): (values, the text fastexcel reads back)
GAP_LINES = [(["", "", "Title past A"], [None, None, "Title past A", None, None]),
             (["Total", "", None, Decimal("11.00"), "x"], ["Total", None, None, "11", "x"]),
             ([None, "only B"], [None, "only B", None, None, None])]


def _write_gaps(path: Path) -> None:
    with SheetWriter(path, "Report", MONEY_FORMAT, created=datetime(2026, 1, 1),
                     author="test") as sheet:
        sheet.row(GAPS.columns, BOLD)
        sheet.rows(GAPS.head(4))
        sheet.rows(GAPS.tail(3))  # a second slice: its rows numbered on from the first's
        for values, _ in GAP_LINES:
            sheet.row(values)


def test_cells_after_gaps_read_back_in_place(tmp_path):
    path = tmp_path / "gaps.xlsx"
    _write_gaps(path)
    typed = pl.read_excel(path, read_options={"header_row": 0, "n_rows": GAPS.height})
    assert typed.schema == {"text": pl.String, "when": pl.Date, "amount": pl.Float64,
                            "code": pl.String, "last": pl.String}
    expected = GAPS.with_columns(pl.col(pl.String).replace("", None),
                                 pl.col("amount").cast(pl.Float64))
    assert typed.equals(expected)
    grid = pl.read_excel(path, has_header=False, read_options={"dtypes": "string"})
    assert grid.height == 1 + GAPS.height + len(GAP_LINES)
    lines = [list(r) for r in grid.tail(len(GAP_LINES)).iter_rows()]
    assert lines == [back for _, back in GAP_LINES]


def test_a_cell_carries_its_reference_only_after_a_gap(tmp_path):
    """Every cell whose left neighbour is absent carries ``r`` (the right one), no other does:
    the column after the previous cell is implied."""
    path = tmp_path / "gaps.xlsx"
    _write_gaps(path)
    present = [list(range(GAPS.width))]  # the header row
    present += [[c for c, v in enumerate(row) if v not in (None, "")] for row in GAPS.rows()]
    present += [[c for c, v in enumerate(values) if v not in (None, "")]
                for values, _ in GAP_LINES]
    sheet = ElementTree.fromstring(_parts(path)["xl/worksheets/sheet1.xml"])
    rows = list(sheet.iter(f"{MAIN}row"))
    assert [r.get("r") for r in rows] == [str(n) for n in range(1, len(present) + 1)]
    with_ref = 0
    for number, (row, columns) in enumerate(zip(rows, present, strict=True), start=1):
        refs = [c.get("r") for c in row.iter(f"{MAIN}c")]
        assert len(refs) == len(columns), number
        previous = -1
        for ref, column in zip(refs, columns, strict=True):
            after_gap = column != previous + 1
            assert ref == (f"{column_letters(column)}{number}" if after_gap else None), \
                (number, column)
            with_ref += after_gap
            previous = column
    assert with_ref == 8  # one cell after a gap in rows 2, 3, 5, 6, 8, 9, 10 and 11


# ---------------------------------------------------------------------------- helpers
def _write(path: Path, frame: pl.DataFrame, title: list[str] = ()) -> None:
    with SheetWriter(path, "Report", MONEY_FORMAT, created=datetime(2026, 1, 1),
                     author="test") as sheet:
        for line in title:
            sheet.row([line], BOLD)
        sheet.row(frame.columns, BOLD)
        sheet.rows(frame)


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as book:
        return {name: book.read(name) for name in book.namelist()}


def _sheet_cells(path: Path) -> dict[str, tuple[str | None, str, str | None]]:
    """Per cell reference: (t attribute, value or inline text, number format code)."""
    parts = _parts(path)
    styles = ElementTree.fromstring(parts["xl/styles.xml"])
    codes = {f.get("numFmtId"): f.get("formatCode") for f in styles.iter(f"{MAIN}numFmt")}
    xfs = list(styles.find(f"{MAIN}cellXfs"))
    cells = {}
    for ref, cell in _placed_cells(parts["xl/worksheets/sheet1.xml"]):
        xf = xfs[int(cell.get("s", 0))]
        value = cell.find(f"{MAIN}v")
        text = value.text if value is not None else cell.find(f"{MAIN}is/{MAIN}t").text
        cells[ref] = (cell.get("t"), text, codes.get(xf.get("numFmtId")))
    return cells


def _cell_formats(path: Path) -> dict[str, dict[str, bool]]:
    parts = _parts(path)
    styles = ElementTree.fromstring(parts["xl/styles.xml"])
    fonts = list(styles.find(f"{MAIN}fonts"))
    xfs = list(styles.find(f"{MAIN}cellXfs"))
    return {ref: {"bold": fonts[int(xfs[int(c.get("s", 0))].get("fontId"))]
                  .find(f"{MAIN}b") is not None}
            for ref, c in _placed_cells(parts["xl/worksheets/sheet1.xml"])}


def _placed_cells(sheet_xml: bytes) -> list[tuple[str, ElementTree.Element]]:
    """(reference, cell) of every cell, a cell without ``r`` placed as ECMA-376 places it:
    in the column after the previous cell of its row (column A for a row's first cell)."""
    placed = []
    for row in ElementTree.fromstring(sheet_xml).iter(f"{MAIN}row"):
        column = -1
        for cell in row.iter(f"{MAIN}c"):
            ref = cell.get("r")
            column = _column_index(ref) if ref else column + 1
            placed.append((ref or f"{column_letters(column)}{row.get('r')}", cell))
    return placed


def _column_index(ref: str) -> int:
    """0-based column of a cell reference ("C7" -> 2, "AA1" -> 26)."""
    index = 0
    for char in ref.rstrip("0123456789"):
        index = index * 26 + ord(char) - 64
    return index - 1
