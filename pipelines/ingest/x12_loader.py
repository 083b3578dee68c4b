"""Load one X12 file into the raw tables, once, in one transaction, or quarantine it."""

from __future__ import annotations

import json
import logging
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import duckdb
import polars as pl

from pipelines.ingest import ledger, pseudonyms, warehouse
from pipelines.ingest.inbox import InboxFile
from pipelines.x12 import X12Document, iter_x12, read_x12
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
        quarantine_file(item, quarantine, {"message": "already quarantined under this content"})
    return IngestOutcome(item.client_id, item.name, file_id, "skipped",
                         message=f"already {known['status']} (same content)")


# Files above this size are read in chunks of whole transactions, in bounded memory.
CHUNKED_ABOVE_BYTES = 64 * 1024 * 1024
CHUNK_BYTES = 16 * 1024 * 1024


def parse(item: InboxFile) -> X12Document | None:
    """Read one small file (run in worker processes: it touches no database).

    None for a large file: it is read chunk by chunk while it loads.
    """
    if item.path.stat().st_size > CHUNKED_ABOVE_BYTES:
        return None
    return read_x12(item.path, file_name=item.name)


def _documents(item: InboxFile, document: X12Document | None) -> Iterator[X12Document]:
    if document is not None:
        yield document
    elif item.path.stat().st_size > CHUNKED_ABOVE_BYTES:
        yield from iter_x12(item.path, chunk_bytes=CHUNK_BYTES, file_name=item.name)
    else:
        yield read_x12(item.path, file_name=item.name)


def ingest_x12_file(conn: duckdb.DuckDBPyConnection, item: InboxFile, *, key: bytes,
                    quarantine: Path, force: bool = False,
                    document: X12Document | None = None,
                    file_id: str | None = None) -> IngestOutcome:
    """Load one file, in one transaction, unless its content is already in the ledger.

    ``document`` may be passed when the file was already parsed (in a worker process).
    A large file is read and inserted chunk by chunk inside the same transaction.
    """
    file_id = file_id or ledger.file_id_of(item.path)
    skipped = skip_if_known(conn, item, file_id, quarantine=quarantine, force=force)
    if skipped is not None:
        return skipped
    known = ledger.lookup(conn, item.client_id, file_id)
    entry = ledger.LedgerEntry(
        client_id=item.client_id, file_id=file_id, file_name=item.name,
        source_path=str(item.path), kind="unknown", status="loaded",
        size_bytes=item.path.stat().st_size, total_charge_amount=Decimal("0.00"),
        parser_version=PARSER_VERSION,
    )
    if known:
        entry.first_seen_at, entry.times_seen = known["first_seen_at"], known["times_seen"] + 1

    conn.begin()
    try:
        _delete_rows(conn, item.client_id, file_id)
        for part in _documents(item, document):
            if part.error is not None:
                conn.rollback()
                return _fail(conn, item, entry, part.error.message, _location(part.error),
                             quarantine)
            _add_counts(entry, part)
            entry.row_count += _insert_rows(conn, item.client_id, file_id, part, key)
            _write_diagnostics(conn, item, file_id, part)
        entry.loaded_at = ledger.now()
        ledger.write(conn, entry)
        conn.commit()
    except Exception as exc:  # a load error must never leave partial rows
        conn.rollback()
        log.exception("load of %s/%s failed", item.client_id, item.name)
        # Not the file's fault: keep it in the inbox and try again on the next run.
        entry.status, entry.error_message, entry.row_count = "error", f"load failed: {exc}", 0
        entry.loaded_at = None
        ledger.write(conn, entry)
        return IngestOutcome(item.client_id, item.name, file_id, "error", entry.kind,
                             message=entry.error_message)
    status = "reloaded" if known and known["status"] == "loaded" else "loaded"
    return IngestOutcome(item.client_id, item.name, file_id, status, entry.kind,
                         entry.row_count, entry.diagnostic_count)


def _add_counts(entry: ledger.LedgerEntry, part: X12Document) -> None:
    entry.kind = part.kind if entry.kind == "unknown" else entry.kind
    entry.version = entry.version or part.version
    entry.interchange_count += part.interchanges
    entry.transaction_count += part.transactions
    entry.claim_count += part.claims
    entry.service_line_count += part.service_lines
    entry.total_charge_amount += part.total_charge
    if part.total_paid is not None:
        entry.total_paid_amount = (entry.total_paid_amount or Decimal("0.00")) + part.total_paid
    entry.diagnostic_count += len(part.diagnostics)
    entry.error_count += sum(d.severity == "error" for d in part.diagnostics)


def _delete_rows(conn: duckdb.DuckDBPyConnection, client_id: str, file_id: str) -> None:
    for table in (*X12_TABLES, ledger.DIAGNOSTICS_TABLE):
        conn.execute(f"delete from raw.{table} where client_id = ? and file_id = ?",
                     [client_id, file_id])


def _insert_rows(conn: duckdb.DuckDBPyConnection, client_id: str, file_id: str,
                 document: X12Document, key: bytes) -> int:
    rows = 0
    for table in X12_TABLES:
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
    moved_to = quarantine_file(item, quarantine, {"message": message, "location": location})
    entry.quarantine_path = str(moved_to)
    ledger.write(conn, entry)
    where = f" at {location}" if location else ""
    log.warning("quarantined %s/%s: %s%s", item.client_id, item.name, message, where)
    return IngestOutcome(item.client_id, item.name, entry.file_id, "failed", entry.kind,
                         message=f"{message}{where}")


def quarantine_file(item: InboxFile, quarantine: Path, error: dict) -> Path:
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
