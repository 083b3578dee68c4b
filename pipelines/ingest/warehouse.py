"""The DuckDB warehouse: schemas, raw-table DDL from the polars contracts, and writes."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import duckdb
import polars as pl

SCHEMAS = ("raw", "staging", "intermediate", "marts", "terminology")


def duckdb_type(dtype: pl.DataType) -> str:
    """The DuckDB column type for a polars dtype used in the raw contracts."""
    if isinstance(dtype, pl.Decimal):
        return f"DECIMAL({dtype.precision}, {dtype.scale})"
    simple = {
        pl.String: "VARCHAR", pl.Date: "DATE", pl.Int64: "BIGINT", pl.Int32: "INTEGER",
        pl.Boolean: "BOOLEAN", pl.Datetime: "TIMESTAMP", pl.Float64: "DOUBLE",
    }
    for polars_type, sql_type in simple.items():
        if dtype == polars_type or isinstance(dtype, polars_type):
            return sql_type
    raise TypeError(f"no DuckDB type for polars dtype {dtype}")


def create_table_sql(table: str, columns: Mapping[str, pl.DataType], schema: str = "raw") -> str:
    body = ",\n    ".join(f"{name} {duckdb_type(dtype)}" for name, dtype in columns.items())
    return f"create table if not exists {schema}.{table} (\n    {body}\n)"


@contextmanager
def connect(path: Path, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open the warehouse (creating its folder and schemas when writable) and close it after."""
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    conn = duckdb.connect(str(path), read_only=read_only)
    try:
        if not read_only:
            for schema in SCHEMAS:
                conn.execute(f"create schema if not exists {schema}")
        yield conn
    finally:
        conn.close()


def ensure_tables(conn: duckdb.DuckDBPyConnection,
                  tables: Mapping[str, Mapping[str, pl.DataType]]) -> None:
    for table, columns in tables.items():
        conn.execute(create_table_sql(table, columns))


def insert_frame(conn: duckdb.DuckDBPyConnection, table: str, frame: pl.DataFrame) -> int:
    """Append a frame to ``raw.<table>`` matching columns by name; returns rows written."""
    if frame.height == 0:
        return 0
    conn.register("_incoming", frame.to_arrow())
    try:
        conn.execute(f"insert into raw.{table} by name select * from _incoming")
    finally:
        conn.unregister("_incoming")
    return frame.height
