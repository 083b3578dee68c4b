"""Mapping profiles: one YAML file per PM export format (``pipelines/pm/profiles/*.yml``).

A profile names the files of an export (their roles), and for each file the canonical tables it
feeds and, per canonical field, where the value comes from: a header, several headers, a part
of a header's text, a constant, or a template over other fields. It also says how dates, money
and codes are written. docs/pm-profiles.md describes the format; adding a format is adding a
file here (and a test), never code.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from pipelines.pm.tables import TABLES

PROFILES_DIR = Path(__file__).resolve().parent / "profiles"
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when installed
SLOT = "{n}"
TEMPLATE_FIELD = re.compile(r"\{(\w+)\}")


class ProfileError(ValueError):
    """A profile file that cannot be used; the message names the file and the problem."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class MoneyFormat(_Strict):
    symbol: str = ""  # written before the digits, e.g. "$"
    thousands: bool = False  # written with "," every three digits
    negative: Literal["minus", "parentheses"] = "minus"


class ColumnSpec(_Strict):
    """Where one canonical field comes from (exactly one of column, columns, value, template)."""

    column: str | None = None  # a header of the export
    columns: list[str] | None = None  # several headers whose non-empty values form a list
    value: str | None = None  # the same value on every row
    template: str | None = None  # from other fields of the table: "{visit_id}-{procedure_code}"
    map: dict[str, str] | None = None  # export value -> canonical code (case-insensitive)
    format: str | None = None  # date format(s) of this column, strptime style
    separator: str | None = None  # list written in one cell ("GO, 59" -> separator ",")
    split: str | None = None  # the header holds several fields separated by this ...
    part: int = 0  # ... and this field is part number `part` (0-based)
    percent: bool = False  # a share written as a percentage ("98.00%")

    @model_validator(mode="after")
    def _one_source(self) -> ColumnSpec:
        sources = [self.column, self.columns, self.value, self.template]
        if sum(s is not None for s in sources) != 1:
            raise ValueError("give exactly one of column, columns, value, template")
        if self.split is not None and self.column is None:
            raise ValueError("split needs column")
        return self

    def headers(self, slot: int | None = None) -> list[str]:
        names = ([self.column] if self.column is not None else self.columns or [])
        return [slotted(name, slot) for name in names]

    def lookup(self) -> dict[str, str]:
        return {k.strip().upper(): v for k, v in (self.map or {}).items()}


def slotted(header: str, slot: int | None) -> str:
    return header.replace(SLOT, str(slot)) if slot is not None else header


class TableSpec(_Strict):
    repeat: int | None = Field(default=None, ge=1)  # slots: headers containing {n}, n = 1..repeat
    columns: dict[str, ColumnSpec]

    @field_validator("columns", mode="before")
    @classmethod
    def _shorthand(cls, value):
        if isinstance(value, dict):
            return {k: {"column": v} if isinstance(v, str) else v for k, v in value.items()}
        return value

    def slots(self) -> list[int | None]:
        return list(range(1, self.repeat + 1)) if self.repeat else [None]


class FileSpec(_Strict):
    role: str
    file_name: str  # the name the writer gives this file (the reader goes by the header)
    title: list[str] = []  # report title lines written above the header row
    footer: str | None = None  # a row whose first cell starts with this is a total, not data
    tables: dict[str, TableSpec]

    def headers(self) -> list[str]:
        """Every header of the file, in writing order (each once)."""
        seen: dict[str, None] = {}
        for spec in self.tables.values():
            for slot in spec.slots():
                for column in spec.columns.values():
                    for header in column.headers(slot):
                        seen.setdefault(header)
        return list(seen)

    def required_headers(self) -> list[str]:
        """Headers that must be present: those of required fields (first slot of a repeat)."""
        seen: dict[str, None] = {}
        for table_name, spec in self.tables.items():
            table = TABLES[table_name]
            slot = spec.slots()[0]
            for field_name, column in spec.columns.items():
                if table.field_map[field_name].required:
                    for header in column.headers(slot):
                        seen.setdefault(header)
        return list(seen)

    @property
    def is_spreadsheet(self) -> bool:
        return self.file_name.lower().endswith(".xlsx")


class Profile(_Strict):
    name: str
    label: str
    description: str = ""
    date_formats: list[str] = ["%Y-%m-%d"]
    money: MoneyFormat = MoneyFormat()
    files: list[FileSpec]

    @model_validator(mode="after")
    def _consistent(self) -> Profile:
        roles = [f.role for f in self.files]
        if len(set(roles)) != len(roles):
            raise ValueError("file roles must be unique")
        fed: dict[str, str] = {}
        for file in self.files:
            for table_name, spec in file.tables.items():
                if table_name not in TABLES:
                    raise ValueError(f"{file.role}: unknown canonical table {table_name!r}")
                if table_name in fed:
                    raise ValueError(f"table {table_name} fed by both {fed[table_name]} and "
                                     f"{file.role}")
                fed[table_name] = file.role
                _check_table(file.role, TABLES[table_name], spec)
        return self

    def file(self, role: str) -> FileSpec:
        return next(f for f in self.files if f.role == role)

    def file_for_table(self, table: str) -> FileSpec | None:
        return next((f for f in self.files if table in f.tables), None)


def _check_table(role: str, table, spec: TableSpec) -> None:
    where = f"{role}.{table.name}"
    fields = table.field_map
    for name, column in spec.columns.items():
        if name not in fields:
            raise ValueError(f"{where}: {name!r} is not a field of {table.name}")
        if column.template:
            unknown = set(TEMPLATE_FIELD.findall(column.template)) - set(spec.columns)
            if unknown:
                raise ValueError(f"{where}.{name}: template uses unmapped {sorted(unknown)}")
        domain = fields[name].domain
        if column.map and domain:
            bad = sorted(set(column.map.values()) - set(domain))
            if bad:
                raise ValueError(f"{where}.{name}: map gives {bad}, not in {list(domain)}")
    missing = [f.name for f in table.fields if f.required and f.name not in spec.columns]
    if missing:
        raise ValueError(f"{where}: required fields not mapped: {missing}")


def load_profile(path: Path) -> Profile:
    try:
        data = yaml.load(path.read_text(), Loader=YAML_LOADER)  # a safe loader, in C
    except (OSError, yaml.YAMLError) as exc:
        raise ProfileError(f"{path}: cannot be read as YAML ({exc})") from exc
    try:
        profile = Profile.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}"
                             for e in exc.errors())
        raise ProfileError(f"{path}: {problems}") from exc
    if profile.name != path.stem:
        raise ProfileError(f"{path}: name {profile.name!r} must equal the file name")
    return profile


@cache
def _profiles_in(directory: Path) -> dict[str, Profile]:
    return {p.stem: load_profile(p) for p in sorted(directory.glob("*.yml"))}


def profiles(directory: Path | None = None) -> dict[str, Profile]:
    """Every profile, by name."""
    return _profiles_in(directory or PROFILES_DIR)


def get_profile(name: str, directory: Path | None = None) -> Profile:
    found = profiles(directory)
    if name not in found:
        raise ProfileError(f"unknown PM profile {name!r} (known: {', '.join(sorted(found))})")
    return found[name]
