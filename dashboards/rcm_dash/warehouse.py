"""Read-only, per-query access to the warehouse, cached by (path, modification time).

A connection is opened for each query and closed at once, so the dashboard never holds the
DuckDB file and a pipeline run can always write it. The cache key includes the file's mtime,
so results refresh after every run.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import polars as pl
import streamlit as st

DEFAULT_WAREHOUSE = Path(__file__).resolve().parents[2] / "data" / "warehouse.duckdb"


def warehouse_path() -> Path:
    value = os.environ.get("REVAUDIT_WAREHOUSE")
    return Path(value).expanduser().resolve() if value else DEFAULT_WAREHOUSE


class WarehouseMissing(RuntimeError):
    pass


@st.cache_data(ttl=600, max_entries=256, show_spinner=False)
def _cached_query(path: str, mtime: float, sql: str, params: tuple) -> pl.DataFrame:
    with duckdb.connect(path, read_only=True) as conn:
        return conn.sql(sql, params=list(params)).pl()


def query(sql: str, params: tuple | list = ()) -> pl.DataFrame:
    path = warehouse_path()
    if not path.exists():
        raise WarehouseMissing(f"No warehouse at {path}. Run `revaudit run` first.")
    return _cached_query(str(path), path.stat().st_mtime, sql, tuple(params))
