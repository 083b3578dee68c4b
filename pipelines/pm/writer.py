"""Canonical PM tables rendered as any profile's export files: the inverse of normalize.py.

The synthetic generator writes its PM exports through this, so every supported format is
exercised end to end. A file that carries several tables is joined back into its rows (a
charge-detail row = visit ⟕ service ⟕ charge); numbered slots are filled in service-id order.
A value the profile cannot express (a code missing from its map, more services than slots)
raises WriterError rather than writing a file that would load differently.
"""

from __future__ import annotations

import csv
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import polars as pl

from pipelines.pm.profiles import ColumnSpec, FileSpec, Profile, TableSpec, get_profile
from pipelines.pm.tables import PARENTS, TABLES, canonical_schema, empty_frame

XLSX_CREATED = datetime(2026, 1, 1)  # fixed workbook metadata: same input, same bytes
SHEET_NAME = "Report"


class WriterError(ValueError):
    """The canonical data cannot be expressed in the profile."""


def write_export(tables: dict[str, pl.DataFrame], profile: Profile | str, folder: Path,
                 ) -> list[Path]:
    """Write every file of ``profile`` into ``folder``; tables absent are written empty."""
    profile = get_profile(profile) if isinstance(profile, str) else profile
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for file in profile.files:
        frames = {t: _canonical(tables.get(t), t) for t in file.tables}
        header, rows = render_file(frames, profile, file)
        path = folder / file.file_name
        if file.is_spreadsheet:
            _write_xlsx(path, file, header, rows, profile)
        else:
            _write_csv(path, file, header, rows, profile)
        written.append(path)
    return written


def _canonical(frame: pl.DataFrame | None, table: str) -> pl.DataFrame:
    if frame is None:
        return empty_frame(table)
    schema = canonical_schema(table)
    return frame.select([pl.col(c).cast(t) if c in frame.columns else pl.lit(None, t).alias(c)
                         for c, t in schema.items()])


# ---------------------------------------------------------------------------- rows of a file
def render_file(frames: dict[str, pl.DataFrame], profile: Profile,
                file: FileSpec) -> tuple[list[str], list[dict[str, object]]]:
    """The file's header and its rows as {header: typed value} (dates, Decimals, text)."""
    rows = _joined_rows(frames, file)
    header = file.headers()
    out = []
    for row in rows.iter_rows(named=True):
        cells: dict[str, object] = {}
        for table_name, spec in file.tables.items():
            for slot in spec.slots():
                prefix = f"{table_name}#{slot}." if spec.repeat else f"{table_name}."
                for field_name, column in spec.columns.items():
                    for h, v in _cells(column, spec, field_name, row, prefix, slot, table_name):
                        if v is None:
                            continue
                        if cells.get(h) not in (None, v):
                            raise WriterError(f"{file.file_name}: column {h!r} would need two "
                                              f"values ({field_name})")
                        cells[h] = v
        out.append(cells)
    return header, out


def _joined_rows(frames: dict[str, pl.DataFrame], file: FileSpec) -> pl.DataFrame:
    names = list(file.tables)
    root = next(t for t in names if PARENTS.get(t, (None,))[0] not in names)
    rows = _prefixed(frames[root], root)
    placed = [root]
    while len(placed) < len(names):
        child = next(t for t in names if t not in placed and PARENTS.get(t, (None,))[0] in placed)
        parent, column = PARENTS[child]
        child_frame = frames[child]
        orphans = child_frame.filter(~pl.col(column).is_in(frames[parent][column].implode()))
        if orphans.height:
            raise WriterError(f"{file.file_name}: {orphans.height} {child} rows have no "
                              f"{parent} row to sit on")
        if file.tables[child].repeat:
            rows = rows.join(_slots(child_frame, child, column, file.tables[child]),
                             left_on=f"{parent}.{column}", right_on=f"_{column}", how="left")
        else:
            rows = rows.join(_prefixed(child_frame, child), left_on=f"{parent}.{column}",
                             right_on=f"{child}.{column}", how="left", coalesce=False)
        placed.append(child)
    return rows


def _prefixed(frame: pl.DataFrame, table: str) -> pl.DataFrame:
    key = list(TABLES[table].key)
    return frame.sort(key, nulls_last=True).rename({c: f"{table}.{c}" for c in frame.columns})


def _slots(frame: pl.DataFrame, table: str, column: str, spec: TableSpec) -> pl.DataFrame:
    """One row per parent, the children spread over numbered slots in key order."""
    ordered = frame.sort(list(TABLES[table].key)).with_columns(
        _slot=pl.int_range(1, pl.len() + 1).over(column))
    most = ordered["_slot"].max() or 0
    if most > (spec.repeat or 1):
        raise WriterError(f"{table}: a {column} has {most} rows, the layout has "
                          f"{spec.repeat} slots")
    wide = ordered.select(pl.col(column).alias(f"_{column}")).unique(maintain_order=True)
    for n in range(1, (spec.repeat or 1) + 1):
        slot = ordered.filter(pl.col("_slot") == n).drop("_slot")
        slot = slot.rename({c: f"{table}#{n}.{c}" for c in slot.columns})
        wide = wide.join(slot, left_on=f"_{column}", right_on=f"{table}#{n}.{column}",
                         how="left", coalesce=False)
    return wide


# ---------------------------------------------------------------------------- one cell
def _cells(column: ColumnSpec, spec: TableSpec, field_name: str, row: dict, prefix: str,
           slot: int | None, table_name: str):
    value = row.get(prefix + field_name)
    if column.template is not None:
        return []
    if column.value is not None:
        if value is not None and str(value) != column.value:
            raise WriterError(f"{table_name}.{field_name}: the layout only holds "
                              f"{column.value!r}")
        return []
    field = TABLES[table_name].field_map[field_name]
    if column.columns is not None:
        codes = value.split(";") if value else []
        if len(codes) > len(column.columns):
            raise WriterError(f"{table_name}.{field_name}: more values than columns")
        return list(zip(column.headers(slot), codes, strict=False))
    (header,) = column.headers(slot)
    if column.split is not None:
        parts = sorted((c.part, n) for n, c in spec.columns.items()
                       if c.column == column.column and c.split == column.split)
        if parts[0][1] != field_name:
            return []  # the first part's field writes the joined cell
        texts = [row.get(prefix + n) for _, n in parts]
        return [(header, column.split.join("" if t is None else str(t) for t in texts))
                if any(t is not None for t in texts) else (header, None)]
    return [(header, _export_value(value, field.kind, column, table_name, field_name))]


def _export_value(value, kind: str, column: ColumnSpec, table: str, field: str):
    if value is None:
        return None
    if kind == "code" and column.map:
        for source, canonical in column.map.items():
            if canonical == value:
                return source
        raise WriterError(f"{table}.{field}: {value!r} has no code in this layout")
    if kind == "modifiers" and column.separator:
        # canonical ';' stays tight (GO;CO); a comma list reads as people type it (GO, CO)
        joiner = ", " if column.separator.strip() == "," else column.separator
        return joiner.join(value.split(";"))
    if kind == "share" and column.percent:
        return f"{(value * 100).quantize(Decimal('0.01'))}%"
    if kind == "quantity":
        return format(value.normalize(), "f") if value == value.to_integral() else str(value)
    return value


# ---------------------------------------------------------------------------- formatting
def format_money(amount: Decimal, profile: Profile) -> str:
    money = profile.money
    digits = f"{abs(amount):,.2f}" if money.thousands else f"{abs(amount):.2f}"
    text = f"{money.symbol}{digits}"
    if amount < 0:
        return f"({text})" if money.negative == "parentheses" else f"-{text}"
    return text


def _text(value, profile: Profile, kind_of: dict[str, str], header: str,
          date_format: str) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.strftime(date_format)
    if isinstance(value, Decimal) and kind_of.get(header) == "money":
        return format_money(value, profile)
    return str(value)


def _kinds(file: FileSpec) -> tuple[dict[str, str], dict[str, str]]:
    """Per header: the field kind written there, and its date format."""
    kinds, formats = {}, {}
    for table_name, spec in file.tables.items():
        fields = TABLES[table_name].field_map
        for slot in spec.slots():
            for name, column in spec.columns.items():
                for header in column.headers(slot):
                    kinds.setdefault(header, fields[name].kind)
                    if column.format:
                        formats[header] = column.format.split("|")[0]
    return kinds, formats


def _write_csv(path: Path, file: FileSpec, header: list[str], rows: list[dict],
               profile: Profile | None = None) -> None:
    profile = profile or _profile_of(file)
    kinds, formats = _kinds(file)
    default_format = profile.date_formats[0]
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle, lineterminator="\n")
        for line in file.title:
            out.writerow([line])
        out.writerow(header)
        for row in rows:
            out.writerow([_text(row.get(h), profile, kinds, h, formats.get(h, default_format))
                          for h in header])
        if file.footer:
            out.writerow(_footer(file, header, rows, kinds, profile))


def _footer(file: FileSpec, header: list[str], rows: list[dict], kinds: dict[str, str],
            profile: Profile) -> list[str]:
    cells = [""] * len(header)
    cells[0] = f"{file.footer} ({len(rows)} rows)"
    for i, h in enumerate(header):
        if kinds.get(h) == "money" and i:
            cells[i] = format_money(sum((r[h] for r in rows if r.get(h) is not None),
                                        Decimal(0)), profile)
    return cells


def _write_xlsx(path: Path, file: FileSpec, header: list[str], rows: list[dict],
                profile: Profile) -> None:
    """Dates as date cells and money as currency-formatted numbers, as spreadsheets hold them."""
    import xlsxwriter  # only needed for spreadsheet layouts

    kinds, formats = _kinds(file)
    workbook = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False})
    workbook.set_properties({"created": XLSX_CREATED, "author": "revaudit synthetic"})
    sheet = workbook.add_worksheet(SHEET_NAME)
    bold = workbook.add_format({"bold": True})
    as_date = workbook.add_format({"num_format": "mm/dd/yyyy"})
    negative = "($#,##0.00)" if profile.money.negative == "parentheses" else "-$#,##0.00"
    as_money = workbook.add_format({"num_format": f"$#,##0.00;{negative}"})
    for r, line in enumerate(file.title):
        sheet.write_string(r, 0, line, bold)
    top = len(file.title)
    for c, h in enumerate(header):
        sheet.write_string(top, c, h, bold)
    for r, row in enumerate(rows, start=top + 1):
        for c, h in enumerate(header):
            value = row.get(h)
            if value is None:
                continue
            if isinstance(value, date) and h not in formats:
                sheet.write_datetime(r, c, datetime(value.year, value.month, value.day),
                                     as_date)
            elif isinstance(value, Decimal) and kinds.get(h) == "money":
                sheet.write_number(r, c, float(value), as_money)
            else:
                sheet.write_string(r, c, _text(value, profile, kinds, h,
                                               formats.get(h, profile.date_formats[0])))
    if file.footer:
        footer_row = top + 1 + len(rows)
        sheet.write_string(footer_row, 0, f"{file.footer} ({len(rows)} rows)", bold)
        for c, h in enumerate(header):
            if kinds.get(h) == "money" and c:
                total = sum((r[h] for r in rows if r.get(h) is not None), Decimal(0))
                sheet.write_number(footer_row, c, float(total), as_money)
    workbook.close()


def _profile_of(file: FileSpec) -> Profile:
    raise WriterError(f"{file.file_name}: no profile given")


def read_export_folder(folder: Path, profile: str = "canonical") -> dict[str, pl.DataFrame]:
    """Every export file of one profile in ``folder`` as typed canonical tables (to convert an
    export to another profile, or to read one in tests). Raises on any rejected row."""
    from pipelines.pm.detect import candidates, header_row_index, match_header
    from pipelines.pm.normalize import normalize
    from pipelines.pm.reader import read_sheet

    options = candidates({profile: get_profile(profile)}, profile)
    tables: dict[str, list[pl.DataFrame]] = {}
    paths = sorted(p for p in folder.iterdir() if p.suffix.lower() in (".csv", ".xlsx"))
    for path in paths:
        sheet = read_sheet(path, lambda rows: header_row_index(rows, options))
        match = match_header(sheet.header, options, profile)
        result = normalize(sheet, match.profile, match.file)
        if result.rejected_row_count or match.missing:
            raise WriterError(f"{path.name}: not clean {profile} data "
                              f"({result.rejected_row_count} rows rejected)")
        for name, frame in result.tables.items():
            tables.setdefault(name, []).append(frame.drop("source_row_number"))
    return {name: pl.concat(frames, how="vertical_relaxed") for name, frames in tables.items()}


def read_canonical_folder(folder: Path) -> dict[str, pl.DataFrame]:
    """The canonical CSVs of a folder as typed tables."""
    return read_export_folder(folder, "canonical")
