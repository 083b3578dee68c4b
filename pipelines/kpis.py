"""The monthly KPI rows of one client, read from the warehouse's marts (read-only).

``client_kpis`` returns rows of ``marts.kpi_client_monthly`` as JSON-ready dicts: rates are
fractions (floats), money is a string with two decimals, counts are integers, dates ISO
strings, and a KPI whose denominator was empty is ``None``. Definitions: docs/metrics.md.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb

MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
TABLE = "marts.kpi_client_monthly"
# columns that identify the row rather than measure anything
KEYS = ("client_id", "month", "month_start_date", "month_end_date")


class KpiError(Exception):
    """An expected failure (no warehouse, unknown client or month): one line for the user."""


def client_kpis(warehouse: Path, client_id: str, month: str | None = None) -> list[dict]:
    """The client's monthly KPI rows, oldest first; only ``month`` (YYYY-MM) when given."""
    if month is not None and not MONTH.match(month):
        raise KpiError(f"month must be YYYY-MM, got {month!r}")
    if not warehouse.exists():
        raise KpiError(f"no warehouse at {warehouse}: run `revaudit run` first")
    try:
        conn = duckdb.connect(str(warehouse), read_only=True)
    except duckdb.Error as exc:
        raise KpiError(f"cannot open the warehouse {warehouse}: {exc}") from exc
    with conn:
        if not _has_table(conn, "marts", "kpi_client_monthly"):
            raise KpiError(f"the warehouse {warehouse} has no KPI tables yet: run `revaudit run`")
        result = conn.execute(f"select * from {TABLE} where client_id = ? order by month",
                              [client_id])
        names = [column[0] for column in result.description]
        rows = [dict(zip(names, values, strict=True)) for values in result.fetchall()]
        if not rows:
            known = [r[0] for r in conn.execute(
                f"select distinct client_id from {TABLE} order by 1").fetchall()]
            raise KpiError(f"unknown client {client_id!r} (known: {', '.join(known) or 'none'})")
    if month is not None:
        chosen = [row for row in rows if row["month"] == month]
        if not chosen:
            raise KpiError(f"no KPIs for client {client_id!r} in {month} "
                           f"(months {rows[0]['month']} to {rows[-1]['month']})")
        rows = chosen
    return [{name: _json_value(value) for name, value in row.items()} for row in rows]


def _has_table(conn: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    return bool(conn.execute(
        "select count(*) from information_schema.tables where table_schema = ? "
        "and table_name = ?", [schema, table]).fetchone()[0])


def _json_value(value: object) -> object:
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, date):
        return value.isoformat()
    return value


def describe(rows: list[dict]) -> str:
    """A short text table of the headline KPIs, one line per month."""
    header = (f"{'month':<8} {'claims':>6} {'billed':>12} {'denial':>7} {'1st pass':>8} "
              f"{'payer paid':>12} {'AR':>12} {'days AR':>7} {'NCR':>6}")
    lines = [header]
    for row in rows:
        lines.append(
            f"{row['month']:<8} {row['claims_submitted_count']:>6} {row['billed_amount']:>12} "
            f"{_percent(row['initial_denial_rate']):>7} {_percent(row['first_pass_rate']):>8} "
            f"{row['payer_paid_amount']:>12} {row['ar_amount']:>12} "
            f"{_number(row['days_in_ar']):>7} {_percent(row['net_collection_rate']):>6}")
    return "\n".join(lines)


def _percent(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}%"


def _number(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"
