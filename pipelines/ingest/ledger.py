"""The ingest ledger: one row per distinct file content per client, whatever its fate.

A file is known by the SHA-256 of its bytes (``file_id``). Sending the same bytes again, under
any name, is recognised and skipped; ``--force`` re-parses it and replaces its rows.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import polars as pl

from pipelines.x12 import tables as x12_tables

LEDGER_TABLE = "ingest_files"
LEDGER_COLUMNS: dict[str, pl.DataType] = {
    "client_id": pl.String,
    "file_id": pl.String,  # SHA-256 of the content
    "file_name": pl.String,
    "source_path": pl.String,
    "kind": pl.String,  # 837P, 837I, 835, unknown; pm:<profile> for PM exports
    "version": pl.String,
    "status": pl.String,  # loaded | failed (unreadable, quarantined) | error (load error, retried)
    "size_bytes": pl.Int64,
    "interchange_count": pl.Int64,
    "transaction_count": pl.Int64,
    "claim_count": pl.Int64,
    "service_line_count": pl.Int64,
    "row_count": pl.Int64,
    "rejected_row_count": pl.Int64,
    "total_charge_amount": pl.Decimal(18, 2),
    "total_paid_amount": pl.Decimal(18, 2),
    "diagnostic_count": pl.Int64,
    "error_count": pl.Int64,
    "error_message": pl.String,
    "error_location": pl.String,
    "quarantine_path": pl.String,
    "parser_version": pl.String,
    "first_seen_at": pl.Datetime("us"),
    "last_seen_at": pl.Datetime("us"),
    "times_seen": pl.Int64,
    "loaded_at": pl.Datetime("us"),
}

DIAGNOSTICS_TABLE = "x12_diagnostics"
DIAGNOSTICS_COLUMNS: dict[str, pl.DataType] = {
    "client_id": pl.String, "file_id": pl.String, "file_name": pl.String,
    **x12_tables.DIAGNOSTICS,
}


def file_id_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


@dataclass
class LedgerEntry:
    client_id: str
    file_id: str
    file_name: str
    source_path: str
    kind: str
    status: str
    size_bytes: int
    version: str | None = None
    interchange_count: int = 0
    transaction_count: int = 0
    claim_count: int = 0
    service_line_count: int = 0
    row_count: int = 0
    rejected_row_count: int = 0
    total_charge_amount: Decimal | None = None
    total_paid_amount: Decimal | None = None
    diagnostic_count: int = 0
    error_count: int = 0
    error_message: str | None = None
    error_location: str | None = None
    quarantine_path: str | None = None
    parser_version: str | None = None
    first_seen_at: datetime = field(default_factory=now)
    last_seen_at: datetime = field(default_factory=now)
    times_seen: int = 1
    loaded_at: datetime | None = None


def lookup(conn: duckdb.DuckDBPyConnection, client_id: str, file_id: str) -> dict | None:
    rows = conn.sql(
        f"select status, times_seen, first_seen_at from raw.{LEDGER_TABLE} "
        "where client_id = ? and file_id = ?", params=[client_id, file_id],
    ).fetchall()
    if not rows:
        return None
    status, times_seen, first_seen_at = rows[0]
    return {"status": status, "times_seen": times_seen, "first_seen_at": first_seen_at}


def snapshot(conn: duckdb.DuckDBPyConnection) -> dict[tuple[str, str], dict]:
    """Every ledger entry by (client_id, file_id), as ``lookup`` returns them: one query
    instead of one per file when a whole inbox is checked."""
    rows = conn.sql(f"select client_id, file_id, status, times_seen, first_seen_at "
                    f"from raw.{LEDGER_TABLE}").fetchall()
    return {(client, file): {"status": status, "times_seen": times, "first_seen_at": first}
            for client, file, status, times, first in rows}


def mark_seen_again(conn: duckdb.DuckDBPyConnection, client_id: str, file_id: str) -> None:
    conn.execute(
        f"update raw.{LEDGER_TABLE} set times_seen = times_seen + 1, last_seen_at = ? "
        "where client_id = ? and file_id = ?", [now(), client_id, file_id],
    )


def write(conn: duckdb.DuckDBPyConnection, entry: LedgerEntry) -> None:
    """Insert or replace the entry for (client_id, file_id)."""
    write_many(conn, [entry])


def write_many(conn: duckdb.DuckDBPyConnection, entries: list[LedgerEntry]) -> None:
    """Insert or replace the entries, keyed by (client_id, file_id)."""
    if not entries:
        return
    frame = pl.DataFrame([asdict(entry) for entry in entries], schema=LEDGER_COLUMNS)
    conn.register("_ledger_rows", frame.to_arrow())
    try:
        conn.execute(f"delete from raw.{LEDGER_TABLE} as l using _ledger_rows as n "
                     "where l.client_id = n.client_id and l.file_id = n.file_id")
        conn.execute(f"insert into raw.{LEDGER_TABLE} by name select * from _ledger_rows")
    finally:
        conn.unregister("_ledger_rows")
