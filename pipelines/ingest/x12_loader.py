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
from pipelines.x12 import X12Document, diagnostics_frame, iter_x12, read_x12, read_x12_batch
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
                  quarantine: Path, force: bool,
                  known_files: dict | None = None) -> IngestOutcome | None:
    """The outcome for a file whose content the ledger already holds, else None (parse it).

    ``known_files`` is a ``ledger.snapshot`` to consult instead of querying per file.
    """
    known = (known_files.get((item.client_id, file_id)) if known_files is not None
             else ledger.lookup(conn, item.client_id, file_id))
    if not known or force or known["status"] == "error":
        return None
    ledger.mark_seen_again(conn, item.client_id, file_id)
    if known["status"] == "failed":
        quarantine_file(item, quarantine, {"message": "already quarantined under this content"})
    return IngestOutcome(item.client_id, item.name, file_id, "skipped",
                         message=f"already {known['status']} (same content)")


# Files above this size are read in chunks of whole transactions, in bounded memory: two
# 4 MiB chunks in flight peak under 3x a 100 MB file and read it as fast as one 16 MiB
# chunk at a time, which peaks at 4.3-4.6x (benchmarks/results/x12-memory.md).
CHUNKED_ABOVE_BYTES = 64 * 1024 * 1024
CHUNK_BYTES = 4 * 1024 * 1024


def parse_batch(items: list[InboxFile]) -> list[X12Document | None]:
    """Read small files in one vectorized pass (safe in worker processes: no database).

    None for a large file: it is read chunk by chunk while it loads.
    """
    small = [item for item in items if item.path.stat().st_size <= CHUNKED_ABOVE_BYTES]
    documents = iter(read_x12_batch([i.path for i in small], [i.name for i in small]))
    return [next(documents) if item.path.stat().st_size <= CHUNKED_ABOVE_BYTES else None
            for item in items]


def _documents(item: InboxFile, document: X12Document | None) -> Iterator[X12Document]:
    if document is not None:
        yield document
    elif item.path.stat().st_size > CHUNKED_ABOVE_BYTES:
        yield from iter_x12(item.path, chunk_bytes=CHUNK_BYTES, file_name=item.name,
                            workers=None)  # two chunks in flight where there are two CPUs
    else:
        yield read_x12(item.path, file_name=item.name)


def ingest_x12_batch(conn: duckdb.DuckDBPyConnection,
                     parsed: list[tuple[InboxFile, str, X12Document | None]], *, key: bytes,
                     quarantine: Path, force: bool = False) -> list[IngestOutcome]:
    """Load many parsed files (``(item, file_id, document)``) in one transaction.

    Unreadable files are quarantined, known content is skipped, large files (document None)
    load on their own, chunk by chunk. If the shared transaction fails, it is rolled back and
    each file is loaded on its own, so one bad file cannot keep the others out.
    """
    outcomes: dict[int, IngestOutcome] = {}
    pending: list[tuple[int, ledger.LedgerEntry, X12Document, bool]] = []
    known_files = ledger.snapshot(conn)
    seen: dict[tuple[str, str], str] = {}
    for index, (item, file_id, document) in enumerate(parsed):
        first_name = seen.get((item.client_id, file_id))
        if first_name is not None:
            outcomes[index] = IngestOutcome(item.client_id, item.name, file_id, "skipped",
                                            message=f"same content as {first_name}")
            continue
        skipped = skip_if_known(conn, item, file_id, quarantine=quarantine, force=force,
                                known_files=known_files)
        if skipped is not None:
            outcomes[index] = skipped
            continue
        seen[(item.client_id, file_id)] = item.name
        if document is None:
            outcomes[index] = ingest_x12_file(conn, item, key=key, quarantine=quarantine,
                                              force=force, file_id=file_id)
            continue
        entry, known = _new_entry(conn, item, file_id, known_files)
        if document.error is not None:
            outcomes[index] = _fail(conn, item, entry, document.error.message,
                                    _location(document.error), quarantine)
            continue
        _add_counts(entry, document)
        pending.append((index, entry, document, known))
    if pending:
        outcomes.update(_load_together(conn, parsed, pending, key, quarantine, force))
    return [outcomes[index] for index in range(len(parsed))]


def _load_together(conn, parsed, pending, key, quarantine, force) -> dict[int, IngestOutcome]:
    entries = [entry for _, entry, _, _ in pending]
    conn.begin()
    try:
        _delete_rows(conn, [e for _, e, _, known in pending if known])
        for _, entry, document, _ in pending:
            entry.row_count = sum(frame.height for name, frame in document.tables.items()
                                  if name in X12_TABLES)
            entry.loaded_at = ledger.now()
        _insert_rows(conn, [(entry, document) for _, entry, document, _ in pending], key)
        ledger.write_many(conn, entries)
        conn.commit()
    except Exception:
        conn.rollback()
        if len(pending) == 1:
            raise
        log.warning("batch load of %d files failed; loading them one by one", len(pending))
        return {index: ingest_x12_file(conn, parsed[index][0], key=key, quarantine=quarantine,
                                       force=force, document=document, file_id=entry.file_id)
                for index, entry, document, _ in pending}
    return {index: IngestOutcome(entry.client_id, entry.file_name, entry.file_id,
                                 "reloaded" if known else "loaded", entry.kind,
                                 entry.row_count, entry.diagnostic_count)
            for index, entry, _, known in pending}


def _new_entry(conn: duckdb.DuckDBPyConnection, item: InboxFile, file_id: str,
               known_files: dict | None = None) -> tuple[ledger.LedgerEntry, bool]:
    """A fresh ledger entry, carrying first-seen and times-seen of an earlier sighting; and
    whether that sighting had loaded rows that must be replaced."""
    known = (known_files.get((item.client_id, file_id)) if known_files is not None
             else ledger.lookup(conn, item.client_id, file_id))
    entry = ledger.LedgerEntry(
        client_id=item.client_id, file_id=file_id, file_name=item.name,
        source_path=str(item.path), kind="unknown", status="loaded",
        size_bytes=item.path.stat().st_size, total_charge_amount=Decimal("0.00"),
        parser_version=PARSER_VERSION,
    )
    if known:
        entry.first_seen_at, entry.times_seen = known["first_seen_at"], known["times_seen"] + 1
    return entry, bool(known and known["status"] == "loaded")


def ingest_x12_file(conn: duckdb.DuckDBPyConnection, item: InboxFile, *, key: bytes,
                    quarantine: Path, force: bool = False,
                    document: X12Document | None = None,
                    file_id: str | None = None) -> IngestOutcome:
    """Load one file, in its own transaction, unless its content is already in the ledger.

    ``document`` may be passed when the file was already parsed. A large file is read and
    inserted chunk by chunk inside the one transaction.
    """
    file_id = file_id or ledger.file_id_of(item.path)
    skipped = skip_if_known(conn, item, file_id, quarantine=quarantine, force=force)
    if skipped is not None:
        return skipped
    entry, known = _new_entry(conn, item, file_id)
    conn.begin()
    try:
        _delete_rows(conn, [entry] if known else [])
        for part in _documents(item, document):
            if part.error is not None:
                conn.rollback()
                return _fail(conn, item, entry, part.error.message, _location(part.error),
                             quarantine)
            _add_counts(entry, part)
            entry.row_count += _insert_rows(conn, [(entry, part)], key)
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
    status = "reloaded" if known else "loaded"
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


def _delete_rows(conn: duckdb.DuckDBPyConnection, entries: list[ledger.LedgerEntry]) -> None:
    """Remove the rows earlier loads of these files left (re-ingest replaces, never adds)."""
    if not entries:
        return
    keys = pl.DataFrame({"client_id": [e.client_id for e in entries],
                         "file_id": [e.file_id for e in entries]})
    conn.register("_reloading", keys.to_arrow())
    try:
        for table in (*X12_TABLES, ledger.DIAGNOSTICS_TABLE):
            conn.execute(f"delete from raw.{table} as t using _reloading as r "
                         "where t.client_id = r.client_id and t.file_id = r.file_id")
    finally:
        conn.unregister("_reloading")


def _insert_rows(conn: duckdb.DuckDBPyConnection,
                 loads: list[tuple[ledger.LedgerEntry, X12Document]], key: bytes) -> int:
    """Insert every table of every document, one insert per table, with lineage and
    pseudonyms; and their diagnostics. Returns the table rows written."""
    rows = 0
    for table in X12_TABLES:
        frames = [document.tables[table].with_columns(client_id=pl.lit(entry.client_id),
                                                      file_id=pl.lit(entry.file_id))
                  for entry, document in loads
                  if table in document.tables and document.tables[table].height]
        if not frames:
            continue
        frame = pl.concat(frames, how="vertical")
        pseudonymize = pseudonyms.PSEUDONYMIZERS.get(table)
        if pseudonymize is not None:
            frame = pseudonymize(frame, key)
        rows += warehouse.insert_frame(conn, table, frame)
    diagnostics = [
        diagnostics_frame(document).with_columns(client_id=pl.lit(entry.client_id),
                                                 file_id=pl.lit(entry.file_id),
                                                 file_name=pl.lit(entry.file_name))
        for entry, document in loads if document.diagnostics_table.height
    ]
    if diagnostics:
        frame = pl.concat(diagnostics, how="vertical").select(list(ledger.DIAGNOSTICS_COLUMNS))
        warehouse.insert_frame(conn, ledger.DIAGNOSTICS_TABLE, frame)
    return rows


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
