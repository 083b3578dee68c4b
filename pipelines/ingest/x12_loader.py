"""Load one X12 file into the raw tables, once, in one transaction, or quarantine it."""

from __future__ import annotations

import json
import logging
import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl

from pipelines.ingest import ledger, pseudonyms, warehouse
from pipelines.ingest.inbox import InboxFile
from pipelines.x12 import X12Document, read_x12
from pipelines.x12.tables import LINEAGE, X12_TABLES

log = logging.getLogger(__name__)
PARSER_VERSION = "revaudit-x12/1"


@dataclass(frozen=True)
class IngestOutcome:
    client_id: str
    file_name: str
    file_id: str
    status: str  # loaded | reloaded | skipped | failed (quarantined) | error (retried next run)
    kind: str = "unknown"
    row_count: int = 0
    diagnostic_count: int = 0
    message: str = ""


def raw_table_columns() -> dict[str, dict[str, pl.DataType]]:
    """Every raw X12 table as stored: lineage columns, then the contract with PHI swapped out."""
    return {
        table: {**LINEAGE, **pseudonyms.stored_columns(table, columns)}
        for table, columns in X12_TABLES.items()
    }


def ensure_x12_tables(conn: duckdb.DuckDBPyConnection) -> None:
    warehouse.ensure_tables(conn, {
        **raw_table_columns(),
        ledger.LEDGER_TABLE: ledger.LEDGER_COLUMNS,
        ledger.DIAGNOSTICS_TABLE: ledger.DIAGNOSTICS_COLUMNS,
    })


def skip_if_known(conn: duckdb.DuckDBPyConnection, item: InboxFile, file_id: str, *,
                  quarantine: Path, force: bool) -> IngestOutcome | None:
    """The outcome for a file whose content the ledger already holds, else None (parse it)."""
    known = ledger.lookup(conn, item.client_id, file_id)
    if not known or force or known["status"] == "error":
        return None
    ledger.mark_seen_again(conn, item.client_id, file_id)
    if known["status"] == "failed":
        _quarantine(item, quarantine, {"message": "already quarantined under this content"})
    return IngestOutcome(item.client_id, item.name, file_id, "skipped",
                         message=f"already {known['status']} (same content)")


def parse(item: InboxFile) -> X12Document:
    """Read one file (run in worker processes: it touches no database)."""
    return read_x12(item.path, file_name=item.name)


def ingest_x12_file(conn: duckdb.DuckDBPyConnection, item: InboxFile, *, key: bytes,
                    quarantine: Path, force: bool = False,
                    document: X12Document | None = None,
                    file_id: str | None = None) -> IngestOutcome:
    """Load one file unless its content is already in the ledger.

    ``document`` may be passed when the file was already parsed (in a worker process).
    """
    file_id = file_id or ledger.file_id_of(item.path)
    skipped = skip_if_known(conn, item, file_id, quarantine=quarantine, force=force)
    if skipped is not None:
        return skipped
    known = ledger.lookup(conn, item.client_id, file_id)
    document = document if document is not None else parse(item)
    entry = ledger.LedgerEntry(
        client_id=item.client_id, file_id=file_id, file_name=item.name,
        source_path=str(item.path), kind=document.kind, version=document.version,
        status="loaded", size_bytes=item.path.stat().st_size,
        interchange_count=document.interchanges, transaction_count=document.transactions,
        claim_count=document.claims, service_line_count=document.service_lines,
        total_charge_amount=document.total_charge, total_paid_amount=document.total_paid,
        diagnostic_count=len(document.diagnostics),
        error_count=sum(d.severity == "error" for d in document.diagnostics),
        parser_version=PARSER_VERSION,
    )
    if known:
        entry.first_seen_at, entry.times_seen = known["first_seen_at"], known["times_seen"] + 1

    if document.error is not None:
        return _fail(conn, item, entry, document.error.message, _location(document.error),
                     quarantine)
    try:
        conn.begin()
        rows = _replace_rows(conn, item.client_id, file_id, document, key)
        entry.row_count, entry.loaded_at = rows, ledger.now()
        _write_diagnostics(conn, item, file_id, document)
        ledger.write(conn, entry)
        conn.commit()
    except Exception as exc:  # a load error must never leave partial rows
        conn.rollback()
        log.exception("load of %s/%s failed", item.client_id, item.name)
        # Not the file's fault: keep it in the inbox and try again on the next run.
        entry.status, entry.error_message, entry.row_count = "error", f"load failed: {exc}", 0
        entry.loaded_at = None
        ledger.write(conn, entry)
        return IngestOutcome(item.client_id, item.name, file_id, "error", document.kind,
                             message=entry.error_message)
    status = "reloaded" if known and known["status"] == "loaded" else "loaded"
    return IngestOutcome(item.client_id, item.name, file_id, status, document.kind, rows,
                         len(document.diagnostics))


def _replace_rows(conn: duckdb.DuckDBPyConnection, client_id: str, file_id: str,
                  document: X12Document, key: bytes) -> int:
    rows = 0
    for table in X12_TABLES:
        conn.execute(f"delete from raw.{table} where client_id = ? and file_id = ?",
                     [client_id, file_id])
        frame = document.tables.get(table)
        if frame is None or frame.height == 0:
            continue
        pseudonymize = pseudonyms.PSEUDONYMIZERS.get(table)
        if pseudonymize is not None:
            frame = pseudonymize(frame, key)
        frame = frame.with_columns(client_id=pl.lit(client_id), file_id=pl.lit(file_id))
        rows += warehouse.insert_frame(conn, table, frame)
    return rows


def _write_diagnostics(conn: duckdb.DuckDBPyConnection, item: InboxFile, file_id: str,
                       document: X12Document) -> None:
    conn.execute(f"delete from raw.{ledger.DIAGNOSTICS_TABLE} where client_id = ? and file_id = ?",
                 [item.client_id, file_id])
    if not document.diagnostics:
        return
    frame = pl.DataFrame(
        [{"client_id": item.client_id, "file_id": file_id, "file_name": item.name,
          "severity": d.severity, "code": d.code, "message": d.message,
          "segment_index": d.segment_index, "line_number": d.line_number,
          "segment_id": d.segment_id} for d in document.diagnostics],
        schema=ledger.DIAGNOSTICS_COLUMNS,
    )
    warehouse.insert_frame(conn, ledger.DIAGNOSTICS_TABLE, frame)


def _location(error) -> str:
    parts = []
    if error.segment_index is not None:
        parts.append(f"segment {error.segment_index}")
    if error.segment_id:
        parts.append(f"({error.segment_id})")
    if error.line_number is not None:
        parts.append(f"line {error.line_number}")
    return " ".join(parts) or "file"


def _fail(conn: duckdb.DuckDBPyConnection, item: InboxFile, entry: ledger.LedgerEntry,
          message: str, location: str | None, quarantine: Path) -> IngestOutcome:
    entry.status, entry.error_message, entry.error_location = "failed", message, location
    entry.row_count, entry.loaded_at = 0, None
    moved_to = _quarantine(item, quarantine, {"message": message, "location": location})
    entry.quarantine_path = str(moved_to)
    ledger.write(conn, entry)
    where = f" at {location}" if location else ""
    log.warning("quarantined %s/%s: %s%s", item.client_id, item.name, message, where)
    return IngestOutcome(item.client_id, item.name, entry.file_id, "failed", entry.kind,
                         message=f"{message}{where}")


def _quarantine(item: InboxFile, quarantine: Path, error: dict) -> Path:
    """Move the file out of the inbox into ``<quarantine>/<client>/`` with its error beside it."""
    target_dir = quarantine / item.client_id
    target_dir.mkdir(parents=True, exist_ok=True)
    target = target_dir / item.name
    if item.path.exists():
        shutil.move(str(item.path), target)
    error_file = target.with_name(target.name + ".error.json")
    error_file.write_text(json.dumps({"file": item.name, "client_id": item.client_id, **error},
                                     indent=2))
    return target
