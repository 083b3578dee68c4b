"""One export file, mapped by its profile onto canonical tables, with every bad cell explained.

A file row may feed several tables (a charge-detail row carries its visit, service and charge;
a visit-report row carries its visit and up to N services in numbered slots). A row with any
bad cell is rejected as a whole, one reject record per bad cell, and the file's other rows load.
Rows repeating a record (the visit on each of its service rows) must agree; a row that
contradicts the first one is rejected too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import partial

import polars as pl

from pipelines.pm import validate
from pipelines.pm.profiles import TEMPLATE_FIELD, ColumnSpec, FileSpec, Profile, TableSpec
from pipelines.pm.reader import ROW_NUMBER, Sheet
from pipelines.pm.tables import TABLES, Field, Table

SOURCE_ROW = "source_row_number"
MASK = "<masked PHI>"
REJECT_SCHEMA: dict[str, pl.DataType] = {
    "row_number": pl.Int64, "column_name": pl.String, "value": pl.String, "reason": pl.String,
    "table_name": pl.String, "field_name": pl.String,
}


@dataclass(frozen=True)
class Normalized:
    tables: dict[str, pl.DataFrame]  # canonical columns + source_row_number
    rejects: pl.DataFrame  # REJECT_SCHEMA, one row per bad cell
    row_count: int  # data rows in the file
    rejected_row_count: int


def normalize(sheet: Sheet, profile: Profile, file: FileSpec) -> Normalized:
    rows = _data_rows(sheet, file)
    present = set(sheet.header)
    exclusive = _exclusive_headers(file)
    frames: dict[str, pl.DataFrame] = {}
    errors: list[pl.DataFrame] = []
    for table_name, spec in file.tables.items():
        table = TABLES[table_name]
        parts = []
        for slot in spec.slots():
            if slot is not None and slot > 1 and not _slot_present(spec, slot, present):
                continue
            frame, slot_errors = _parse_slot(rows, table, spec, slot, present,
                                             exclusive[table_name], profile,
                                             sheet.is_spreadsheet)
            parts.append(frame)
            errors.extend(slot_errors)
        frames[table_name] = pl.concat(parts) if parts else _empty(table)
    bad_rows = _rows_in(errors)
    for table_name, frame in frames.items():
        errors.extend(_conflicts(frame.filter(~pl.col(ROW_NUMBER).is_in(bad_rows)),
                                 TABLES[table_name], file.tables[table_name], present))
    rejects = (pl.concat(errors) if errors else pl.DataFrame(schema=REJECT_SCHEMA)) \
        .unique(subset=["row_number", "column_name", "reason"], keep="first",
                maintain_order=True).sort("row_number", maintain_order=True)
    bad_rows = rejects["row_number"].unique().to_list()
    tables = {
        name: frame.filter(~pl.col(ROW_NUMBER).is_in(bad_rows)).sort(ROW_NUMBER)
        .unique(subset=list(TABLES[name].key), keep="first", maintain_order=True)
        .rename({ROW_NUMBER: SOURCE_ROW})
        for name, frame in frames.items()
    }
    return Normalized(tables, rejects, rows.height, len(bad_rows))


# ---------------------------------------------------------------------------- rows and columns
def _data_rows(sheet: Sheet, file: FileSpec) -> pl.DataFrame:
    if not file.footer:
        return sheet.rows
    first = pl.col(sheet.header[0]).fill_null("").str.to_lowercase()
    return sheet.rows.filter(~first.str.starts_with(file.footer.lower()))


def _exclusive_headers(file: FileSpec) -> dict[str, set[str]]:
    """Per table, the headers only it uses: a row feeds the table when one of them is filled."""
    used = {name: {h for slot in spec.slots() for c in spec.columns.values()
                   for h in c.headers(slot)} for name, spec in file.tables.items()}
    return {name: headers - set().union(*(h for other, h in used.items() if other != name))
            for name, headers in used.items()}


def _slot_present(spec: TableSpec, slot: int, present: set[str]) -> bool:
    return any(h in present for c in spec.columns.values() if c.column and "{n}" in c.column
               for h in c.headers(slot))


def _blank_to_null(expr: pl.Expr) -> pl.Expr:
    text = expr.cast(pl.String).str.strip_chars()
    return pl.when(text == "").then(None).otherwise(text)


def _raw_text(spec: ColumnSpec, table_spec: TableSpec, slot: int | None,
              present: set[str]) -> pl.Expr:
    if spec.value is not None:
        return pl.lit(spec.value, pl.String)
    headers = [h for h in spec.headers(slot) if h in present]
    if not headers:
        return pl.lit(None, pl.String)
    if spec.columns is not None:
        return _blank_to_null(pl.concat_str([_blank_to_null(pl.col(h)) for h in headers],
                                            separator=";", ignore_nulls=True))
    expr = pl.col(headers[0])
    if spec.split is not None:
        parts = 1 + max(c.part for c in table_spec.columns.values()
                        if c.column == spec.column and c.split == spec.split)
        expr = expr.str.splitn(spec.split, parts).struct.field(f"field_{spec.part}")
    if spec.separator is not None:
        expr = expr.str.split(spec.separator) \
            .list.eval(pl.element().str.strip_chars()) \
            .list.eval(pl.element().filter(pl.element() != "")).list.join(";")
    return _blank_to_null(expr)


# ---------------------------------------------------------------------------- parsing
def _parser(field: Field, spec: ColumnSpec, profile: Profile, spreadsheet: bool):
    kind = field.kind
    if kind == "date":
        formats = tuple(spec.format.split("|")) if spec.format else tuple(profile.date_formats)
        if spreadsheet:
            formats = (*formats, *validate.SPREADSHEET_DATE_FORMATS)
        return partial(validate.parse_date, formats=formats)
    if kind == "money":
        return partial(validate.parse_money, spreadsheet=spreadsheet)
    if kind == "share":
        return partial(validate.parse_share, percent=spec.percent)
    if kind == "code":
        return validate.code_parser(spec.map or {}, field.domain)
    return {
        "integer": validate.parse_integer, "quantity": validate.parse_quantity,
        "npi": validate.parse_npi, "procedure": validate.parse_procedure,
        "modifier": validate.parse_modifier, "modifiers": validate.parse_modifiers,
    }.get(kind)


def _parse_slot(rows: pl.DataFrame, table: Table, spec: TableSpec, slot: int | None,
                present: set[str], exclusive: set[str], profile: Profile,
                spreadsheet: bool) -> tuple[pl.DataFrame, list[pl.DataFrame]]:
    fields = table.field_map
    sources = {name: ", ".join(c.headers(slot)) or "(constant)"
               for name, c in spec.columns.items()}
    texts = {name: _raw_text(c, spec, slot, present).alias(name)
             for name, c in spec.columns.items() if c.template is None}
    filled = [_blank_to_null(pl.col(h)).is_not_null()
              for h in sorted(exclusive) if _slotted_in(h, spec, slot) and h in present]
    frame = rows.select(pl.col(ROW_NUMBER), *texts.values(),
                        _present=pl.any_horizontal(filled) if filled else pl.lit(True))
    frame = frame.filter(pl.col("_present")).drop("_present")

    errors: list[pl.DataFrame] = []
    for name in texts:
        field, column = fields[name], spec.columns[name]
        parser = _parser(field, column, profile, spreadsheet)
        if parser is None:
            continue
        distinct = frame[name].drop_nulls().unique().to_list()
        results = [parser(text) for text in distinct]
        lookup = pl.DataFrame({
            name: pl.Series(distinct, dtype=pl.String),
            f"_{name}": pl.Series([r[0] for r in results], dtype=field.dtype),
            f"_{name}_why": pl.Series([r[1] for r in results], dtype=pl.String),
        })
        frame = frame.join(lookup, on=name, how="left", maintain_order="left")
        bad = frame.filter(pl.col(f"_{name}_why").is_not_null())
        errors.append(_errors(bad, name, pl.col(f"_{name}_why"), sources[name], table, field))
        frame = frame.drop(name, f"_{name}_why").rename({f"_{name}": name})
    frame = frame.with_columns(_template(c.template).alias(n)
                               for n, c in spec.columns.items() if c.template is not None)
    for field in table.fields:
        if field.name not in frame.columns:
            frame = frame.with_columns(pl.lit(None, field.dtype).alias(field.name))
    for field in table.fields:
        if field.required and spec.columns.get(field.name, ColumnSpec(value="")).template is None:
            missing = frame.filter(pl.col(field.name).is_null())
            errors.append(_errors(missing, field.name, pl.lit("required value missing"),
                                  sources.get(field.name, field.name), table, field))
    for name, other, value in table.required_when:
        missing = frame.filter(pl.col(name).is_null() & (pl.col(other) == value))
        errors.append(_errors(missing, name, pl.lit(f"required when {other} is {value}"),
                              sources.get(name, name), table, fields[name]))
    frame = frame.select(ROW_NUMBER, *(f.name for f in table.fields))
    return frame, [e for e in errors if e.height]


def _slotted_in(header: str, spec: TableSpec, slot: int | None) -> bool:
    return any(header in c.headers(slot) for c in spec.columns.values())


def _template(template: str) -> pl.Expr:
    names = TEMPLATE_FIELD.findall(template)
    return pl.format(TEMPLATE_FIELD.sub("{}", template), *(pl.col(n) for n in names))


def _errors(bad: pl.DataFrame, name: str, reason: pl.Expr, source: str, table: Table,
            field: Field) -> pl.DataFrame:
    if bad.height == 0:
        return pl.DataFrame(schema=REJECT_SCHEMA)
    value = pl.lit(None, pl.String) if name not in bad.columns else (
        pl.when(pl.col(name).is_null()).then(None).otherwise(pl.lit(MASK)) if field.phi
        else pl.col(name).cast(pl.String).str.slice(0, 80))
    return bad.select(
        pl.col(ROW_NUMBER).alias("row_number"), pl.lit(source).alias("column_name"),
        value.alias("value"), reason.alias("reason"), pl.lit(table.name).alias("table_name"),
        pl.lit(field.name).alias("field_name"),
    ).cast(REJECT_SCHEMA)


def _rows_in(errors: list[pl.DataFrame]) -> list[int]:
    return pl.concat(errors)["row_number"].unique().to_list() if errors else []


def _conflicts(frame: pl.DataFrame, table: Table, spec: TableSpec,
               present: set[str]) -> list[pl.DataFrame]:
    """Rows repeating a key with other values than the key's first row."""
    key = list(table.key)
    first = frame.sort(ROW_NUMBER).unique(subset=key, keep="first", maintain_order=True)
    if first.height == frame.height:
        return []
    joined = frame.join(first, on=key, how="left", suffix="__first", nulls_equal=True) \
        .filter(pl.col(ROW_NUMBER) != pl.col(f"{ROW_NUMBER}__first"))
    errors = []
    for field in table.fields:
        if field.name in key:
            continue
        differs = joined.filter(~pl.col(field.name).eq_missing(pl.col(f"{field.name}__first")))
        if differs.height:
            column = spec.columns.get(field.name)
            source = ", ".join(column.headers()) if column else field.name
            reason = pl.format(f"same {'/'.join(key)} as row {{}} but a different {field.name}",
                               pl.col(f"{ROW_NUMBER}__first"))
            errors.append(_errors(differs, field.name, reason, re.sub(r"\{n\}", "n", source),
                                  table, field))
    return errors


def _empty(table: Table) -> pl.DataFrame:
    return pl.DataFrame(schema={ROW_NUMBER: pl.Int64, **{f.name: f.dtype for f in table.fields}})
