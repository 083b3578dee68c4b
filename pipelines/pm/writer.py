"""Canonical PM tables rendered as any profile's export files: the inverse of normalize.py.

The synthetic generator writes its PM exports through this, so every supported format is
exercised end to end. A file that carries several tables is joined back into its rows (a
charge-detail row = visit ⟕ service ⟕ charge); numbered slots are filled in service-id order.
A value the profile cannot express (a code missing from its map, more services than slots)
raises WriterError rather than writing a file that would load differently.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from decimal import Decimal
from functools import partial
from pathlib import Path

import polars as pl

from pipelines.pm.profiles import ColumnSpec, FileSpec, Profile, TableSpec, get_profile, slotted
from pipelines.pm.tables import PARENTS, TABLES, canonical_schema, empty_frame
from pipelines.pm.xlsx_sheet import BOLD, SheetWriter

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
        slices = render_slices(frames, profile, file)
        path = folder / file.file_name
        if file.is_spreadsheet:
            large = max(frame.height for frame in frames.values()) > XLSX_STREAM_ROWS
            _write_xlsx(path, file, slices, profile, zip64=large)
        else:
            _write_csv(path, file, slices, profile)
        written.append(path)
    return written


def _canonical(frame: pl.DataFrame | None, table: str) -> pl.DataFrame:
    if frame is None:
        return empty_frame(table)
    schema = canonical_schema(table)
    return frame.select([pl.col(c).cast(t) if c in frame.columns else pl.lit(None, t).alias(c)
                         for c, t in schema.items()])


# ---------------------------------------------------------------------------- rows of a file
SLICE_ROWS = 20_000  # rows of the file rendered at a time


def render_file(frames: dict[str, pl.DataFrame], profile: Profile,
                file: FileSpec) -> pl.DataFrame:
    """The file's rows: one column per header, in writing order, holding the value written
    there (dates, Decimals, text; null for an empty cell)."""
    return pl.concat(list(render_slices(frames, profile, file)))


def render_slices(frames: dict[str, pl.DataFrame], profile: Profile, file: FileSpec,
                  rows_per_slice: int | None = None) -> Iterator[pl.DataFrame]:
    """The file's rows (as ``render_file``), a slice of them at a time, so that memory
    follows the slice, not the file; the first slice may be empty.

    Each table's values are converted once (``_table_cells``: a code, a date or an amount
    that recurs is converted once); the joins are planned once, as row numbers
    (``_join_plan``); a slice gathers its cells from each table. Where several fields write
    the same header (a visit's id on each of its service slots), the first non-empty value in
    layout order is written and every other one must equal it.
    """
    plan = _join_plan(frames, file)
    cells = {}  # per plan column: the table's cells, and (header, field, cell column) of each
    for table_name, spec in file.tables.items():
        values, fields = _table_cells(frames[table_name], table_name, spec)
        for slot in spec.slots():
            cells[f"{table_name}#{slot}" if spec.repeat else table_name] = (
                values, [(slotted(header, slot), *rest) for header, *rest in fields])
    headers = file.headers()
    rows_per_slice = rows_per_slice or SLICE_ROWS
    for offset in range(0, max(plan.height, 1), rows_per_slice):
        at = plan.slice(offset, rows_per_slice)
        sources: dict[str, list[tuple[str, pl.Series]]] = {h: [] for h in headers}
        for name, (values, fields) in cells.items():
            rows = values[at[name]]
            for header, field_name, column in fields:
                sources[header].append((field_name, rows[column]))
        columns = [_one_value(file, header, found, at.height)
                   for header, found in sources.items()]
        yield pl.DataFrame(columns, height=at.height) if columns else pl.DataFrame()


def _table_cells(frame: pl.DataFrame, table_name: str, spec: TableSpec
                 ) -> tuple[pl.DataFrame, list[tuple[str, str, str]]]:
    """Every cell value the table writes, converted for all its rows at once, and for each
    column of them (header, field, column); a slot's headers still hold ``{n}``."""
    columns, fields = [], []
    for field_name, column in spec.columns.items():
        for i, (header, values) in enumerate(_cells(column, spec, field_name, frame,
                                                    table_name)):
            columns.append(values.alias(f"{field_name}.{i}"))
            fields.append((header, field_name, f"{field_name}.{i}"))
    # one chunk per column: a slice gathers rows from anywhere in it
    return pl.DataFrame(columns, height=frame.height).rechunk(), fields


def _one_value(file: FileSpec, header: str, found: list[tuple[str, pl.Series]],
               height: int) -> pl.Series:
    if not found:
        return pl.Series(header, [None] * height, dtype=pl.String)
    values = [v for _, v in found]
    merged = values[0] if len(values) == 1 else pl.select(pl.coalesce(values)).to_series()
    for field_name, v in found[1:]:
        if (v.is_not_null() & (v != merged)).any():
            raise WriterError(f"{file.file_name}: column {header!r} would need two values "
                              f"({field_name})")
    return merged.alias(header)


def _join_plan(frames: dict[str, pl.DataFrame], file: FileSpec) -> pl.DataFrame:
    """The file's rows as row numbers into its tables: one column per table (per slot of a
    table with numbered slots: "services#2"), null where a row has none.

    The first table gives one row each, in key order; every other table hangs on its parent
    (a left join: several rows under one parent in key order), a table with numbered slots
    one row per parent. Only keys and row numbers are joined.
    """
    names = list(file.tables)
    root = next(t for t in names if PARENTS.get(t, (None,))[0] not in names)
    plan = _in_key_order(frames[root], root).select(root)
    placed = [root]
    while len(placed) < len(names):
        child = next(t for t in names if t not in placed and PARENTS.get(t, (None,))[0] in placed)
        parent, column = PARENTS[child]
        links = _in_key_order(frames[child], child, column).join(
            frames[parent].select(column).with_row_index(parent), on=column, how="left",
            maintain_order="left")
        orphans = links.filter(pl.col(parent).is_null() & pl.col(column).is_not_null()).height
        if orphans:
            raise WriterError(f"{file.file_name}: {orphans} {child} rows have no "
                              f"{parent} row to sit on")
        spec = file.tables[child]
        if spec.repeat:
            plan = plan.join(_slots(links, child, parent, column, spec), on=parent, how="left",
                             maintain_order="left")
        else:
            plan = plan.join(links.select(parent, child), on=parent, how="left",
                             maintain_order="left_right")
        placed.append(child)
    return plan


def _in_key_order(frame: pl.DataFrame, table: str, *columns: str) -> pl.DataFrame:
    """The table's row numbers (column ``table``) in key order, beside ``columns``."""
    key = list(TABLES[table].key)
    return (frame.select(list(dict.fromkeys([*key, *columns]))).with_row_index(table)
            .sort(key, nulls_last=True).select(table, *columns))


def _slots(links: pl.DataFrame, table: str, parent: str, column: str,
           spec: TableSpec) -> pl.DataFrame:
    """Per parent row, the row numbers of its ``table`` rows in slots 1, 2, ... (``links``:
    the rows in key order beside their parent's row number)."""
    per_parent = links.group_by(parent, maintain_order=True).agg(pl.col(table))
    most = per_parent[table].list.len().max() or 0
    if most > (spec.repeat or 1):
        raise WriterError(f"{table}: a {column} has {most} rows, the layout has "
                          f"{spec.repeat} slots")
    return per_parent.select(parent, *[pl.col(table).list.get(n - 1, null_on_oob=True)
                                       .alias(f"{table}#{n}") for n in spec.slots()])


# ---------------------------------------------------------------------------- one column
def _cells(column: ColumnSpec, spec: TableSpec, field_name: str, frame: pl.DataFrame,
           table_name: str) -> list[tuple[str, pl.Series]]:
    """(header, values) that one field writes: none, one, or several headers."""
    if column.template is not None:
        return []
    value = frame[field_name]
    if column.value is not None:
        found = _per_value(value, str, pl.String)
        if (found.is_not_null() & (found != column.value)).any():
            raise WriterError(f"{table_name}.{field_name}: the layout only holds "
                              f"{column.value!r}")
        return []
    field = TABLES[table_name].field_map[field_name]
    if column.columns is not None:
        codes = pl.select(pl.when(value != "").then(value.str.split(";"))).to_series()
        if (codes.list.len() > len(column.columns)).any():
            raise WriterError(f"{table_name}.{field_name}: more values than columns")
        return [(header, codes.list.get(i, null_on_oob=True))
                for i, header in enumerate(column.headers())]
    (header,) = column.headers()
    if column.split is not None:
        parts = sorted((c.part, n) for n, c in spec.columns.items()
                       if c.column == column.column and c.split == column.split)
        if parts[0][1] != field_name:
            return []  # the first part's field writes the joined cell
        texts = [_per_value(frame[n], str, pl.String) for _, n in parts]
        joined = pl.select(pl.when(pl.any_horizontal([t.is_not_null() for t in texts]))
                           .then(pl.concat_str([t.fill_null("") for t in texts],
                                               separator=column.split))).to_series()
        return [(header, joined)]
    return [(header, _export_values(value, field.kind, column, table_name, field_name))]


def _export_values(values: pl.Series, kind: str, column: ColumnSpec, table: str,
                   field: str) -> pl.Series:
    if kind == "code" and column.map:
        codes: dict[str, str] = {}
        for source, canonical in column.map.items():
            codes.setdefault(canonical, source)
        found = values.replace_strict(list(codes), list(codes.values()), default=None,
                                      return_dtype=pl.String)
        missing = values.filter(found.is_null() & values.is_not_null())
        if missing.len():
            raise WriterError(f"{table}.{field}: {missing[0]!r} has no code in this layout")
        return found
    if kind == "modifiers" and column.separator:
        return _per_value(values, lambda v: _export_value(v, kind, column, table, field),
                          pl.String)
    if (kind == "share" and column.percent) or kind == "quantity":
        return _per_value(values, lambda v: _export_value(v, kind, column, table, field),
                          pl.String)
    return values


def _per_value(values: pl.Series, convert, dtype: pl.DataType) -> pl.Series:
    """``convert`` applied to each distinct non-null value (nulls stay null)."""
    if values.dtype == dtype and convert is str:
        return values
    distinct = values.drop_nulls().unique(maintain_order=True)
    converted = pl.Series([convert(v) for v in distinct.to_list()], dtype=dtype)
    return values.replace_strict(distinct, converted, default=None, return_dtype=dtype)


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


def _text(value, profile: Profile, kind: str | None, date_format: str) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.strftime(date_format)
    if isinstance(value, Decimal) and kind == "money":
        return format_money(value, profile)
    return str(value)


def _texts(values: pl.Series, profile: Profile, kind: str | None,
           date_format: str) -> pl.Series:
    """A column as the text written in a CSV cell (null: empty cell)."""
    if values.dtype == pl.String:
        texts = values
    elif values.dtype.is_integer():
        texts = values.cast(pl.String)
    else:
        texts = _per_value(values, lambda v: _text(v, profile, kind, date_format), pl.String)
    return pl.select(pl.when(texts != "").then(texts)).to_series().alias(values.name)


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


def _write_csv(path: Path, file: FileSpec, slices: Iterable[pl.DataFrame],
               profile: Profile | None = None) -> None:
    profile = profile or _profile_of(file)
    kinds, formats = _kinds(file)
    default_format = profile.date_formats[0]
    header = file.headers()
    footer = _Footer(file, header, kinds)
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle, lineterminator="\n")
        for line in file.title:
            out.writerow([line])
        out.writerow(header)
        for values in slices:
            footer.add(values)
            texts = values.select([_texts(values[h], profile, kinds.get(h),
                                          formats.get(h, default_format)) for h in header])
            if len(header) == 1:  # csv quotes a lone empty cell; keep its rules for that case
                out.writerows(texts.iter_rows())
            elif texts.height:
                handle.flush()  # polars writes the rows' bytes after what csv has written
                texts.write_csv(handle.buffer, include_header=False, line_terminator="\n",
                                quote_style="necessary")
        if file.footer:
            out.writerow([format_money(cell, profile) if isinstance(cell, Decimal) else cell
                          for cell in footer.cells()])


class _Footer:
    """The total row of a report: its row count, and the sum of each money column."""

    def __init__(self, file: FileSpec, header: list[str], kinds: dict[str, str]):
        self.file = file
        self.header = header
        self.money = [i for i, h in enumerate(header)
                      if file.footer and kinds.get(h) == "money" and i]
        self.sums = dict.fromkeys(self.money, Decimal(0))
        self.rows = 0

    def add(self, values: pl.DataFrame) -> None:
        self.rows += values.height
        for i in self.money:
            self.sums[i] += _total(values[self.header[i]])

    def cells(self) -> list[str | Decimal]:
        """The row: the label in the first cell, Decimal totals under money columns."""
        cells: list[str | Decimal] = [""] * len(self.header)
        cells[0] = f"{self.file.footer} ({self.rows} rows)"
        for i in self.money:
            cells[i] = self.sums[i]
        return cells


def _total(values: pl.Series) -> Decimal:
    total = values.sum()  # exact for a Decimal column
    return Decimal(0) + (total if isinstance(total, Decimal) else Decimal(total or 0))


# A workbook whose largest table has more rows than this may pass 2 GiB of sheet XML: its
# sheet entry is written with zip64 sizes.
XLSX_STREAM_ROWS = 50_000


def _write_xlsx(path: Path, file: FileSpec, slices: Iterable[pl.DataFrame], profile: Profile,
                zip64: bool = False) -> None:
    """Dates as date cells and money as currency-formatted numbers, as spreadsheets hold them;
    everything else as text. Rows go to disk a slice at a time (see xlsx_sheet.py)."""
    kinds, formats = _kinds(file)
    header = file.headers()
    negative = "($#,##0.00)" if profile.money.negative == "parentheses" else "-$#,##0.00"
    footer = _Footer(file, header, kinds)
    with SheetWriter(path, SHEET_NAME, f"$#,##0.00;{negative}", created=XLSX_CREATED,
                     author="revaudit synthetic", zip64=zip64) as sheet:
        for line in file.title:
            sheet.row([line], BOLD)
        sheet.row(header, BOLD)
        for values in slices:
            footer.add(values)
            sheet.rows(pl.DataFrame([_xlsx_cells(values[h], h, kinds, formats, profile)
                                     for h in header], height=values.height))
        if file.footer:
            sheet.row(footer.cells(), BOLD)  # the label in bold, totals as money


def _xlsx_cells(values: pl.Series, header: str, kinds, formats, profile) -> pl.Series:
    """A column as the cells written: dates as Date, money as Decimal, anything else as the
    text a CSV cell would hold."""
    if values.dtype == pl.Date and header not in formats:
        return values
    if values.dtype.is_decimal() and kinds.get(header) == "money":
        return values
    if values.dtype != pl.String:
        text = partial(_text, profile=profile, kind=kinds.get(header),
                       date_format=formats.get(header, profile.date_formats[0]))
        values = _per_value(values, text, pl.String)
    return values


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
