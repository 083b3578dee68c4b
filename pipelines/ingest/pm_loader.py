"""Load one practice-management export into the raw PM tables, once, or quarantine it.

The file's profile is the client's ``pm_profile`` (client.yml) or, without one, detected from
its header and reported (ledger kind ``pm:<profile>``, a log line). Rows with bad cells go to
``raw.pm_rejects`` (file, row, column, masked value, reason); the other rows load in the same
transaction as the ledger entry. A file that cannot be read as that export at all (not a
table, a required column missing) is quarantined like an unreadable X12 file.
"""

from __future__ import annotations

import logging
from pathlib import Path

import duckdb
import polars as pl

from pipelines.ingest import ledger, warehouse
from pipelines.ingest.inbox import InboxFile
from pipelines.ingest.x12_loader import IngestOutcome, quarantine_file, skip_if_known
from pipelines.pm import identity
from pipelines.pm.detect import Match, candidates, header_row_index, match_header
from pipelines.pm.normalize import REJECT_SCHEMA, SOURCE_ROW, Normalized, normalize
from pipelines.pm.profiles import ProfileError, profiles
from pipelines.pm.reader import UnreadableFile, read_sheet
from pipelines.pm.tables import TABLES

log = logging.getLogger(__name__)
LOADER_VERSION = "revaudit-pm/1"
LINEAGE = {"client_id": pl.String, "file_id": pl.String, SOURCE_ROW: pl.Int64}
REJECTS_TABLE = "pm_rejects"
REJECT_COLUMNS: dict[str, pl.DataType] = {
    "client_id": pl.String, "file_id": pl.String, "file_name": pl.String,
    "profile": pl.String, "file_role": pl.String, **REJECT_SCHEMA,
}
REJECT_SUMMARY_LIMIT = 5


def pm_table_columns() -> dict[str, dict[str, pl.DataType]]:
    """Every raw PM table as stored: lineage, then the canonical fields with PHI swapped out."""
    tables = {t.raw_table: {**LINEAGE, **identity.stored_schema(name)}
              for name, t in TABLES.items()}
    return {**tables, REJECTS_TABLE: REJECT_COLUMNS}


def ensure_pm_tables(conn: duckdb.DuckDBPyConnection) -> None:
    warehouse.ensure_tables(conn, pm_table_columns())


class ConfigProblem(ValueError):
    """The client's configuration names no usable profile (not the file's fault)."""


def read_export(path: Path, configured: str | None) -> tuple[Match, Normalized | None]:
    """Detect the file's profile and role and normalize it; no database involved."""
    known = profiles()
    if configured and configured not in known:
        raise ConfigProblem(f"client.yml pm_profile {configured!r} is not a known PM profile "
                            f"({', '.join(sorted(known))})")
    options = candidates(known, configured)
    sheet = read_sheet(path, lambda rows: header_row_index(rows, options))
    match = match_header(sheet.header, options, configured)
    if match.missing:
        return match, None
    return match, normalize(sheet, match.profile, match.file)


def ingest_pm_file(conn: duckdb.DuckDBPyConnection, item: InboxFile, *, key: bytes,
                   quarantine: Path, configured_profile: str | None,
                   force: bool = False) -> IngestOutcome:
    file_id = ledger.file_id_of(item.path)
    skipped = skip_if_known(conn, item, file_id, quarantine=quarantine, force=force)
    if skipped is not None:
        return skipped
    known = ledger.lookup(conn, item.client_id, file_id)
    entry = ledger.LedgerEntry(
        client_id=item.client_id, file_id=file_id, file_name=item.name,
        source_path=str(item.path), kind="pm", status="loaded",
        size_bytes=item.path.stat().st_size, parser_version=LOADER_VERSION,
    )
    if known:
        entry.first_seen_at, entry.times_seen = known["first_seen_at"], known["times_seen"] + 1
    try:
        match, result = read_export(item.path, configured_profile)
    except (ConfigProblem, ProfileError) as exc:
        return _retry_later(conn, item, entry, str(exc))
    except UnreadableFile as exc:
        return _fail(conn, item, entry, str(exc), "file", quarantine)
    entry.kind, entry.version = match.kind, match.file.role
    how = "detected from its header" if match.detected else "from client.yml"
    log.info("%s/%s: PM profile %s (%s), file role %s", item.client_id, item.name,
             match.profile.name, how, match.file.role)
    if result is None:
        columns = ", ".join(repr(c) for c in match.missing)
        return _fail(conn, item, entry, f"missing required column(s) {columns} for "
                     f"{match.profile.name} file {match.file.role!r}", "header row", quarantine)
    try:
        conn.begin()
        rows = _replace_rows(conn, item, file_id, match, result, key)
        entry.row_count, entry.loaded_at = rows, ledger.now()
        entry.rejected_row_count = result.rejected_row_count
        entry.error_count = result.rejects.height
        entry.error_message = _reject_summary(result) or None
        ledger.write(conn, entry)
        conn.commit()
    except Exception as exc:  # a load error must never leave partial rows
        conn.rollback()
        log.exception("load of %s/%s failed", item.client_id, item.name)
        return _retry_later(conn, item, entry, f"load failed: {exc}")
    if result.rejected_row_count:
        log.warning("%s/%s: %d of %d rows rejected (raw.pm_rejects): %s", item.client_id,
                    item.name, result.rejected_row_count, result.row_count, entry.error_message)
    status = "reloaded" if known and known["status"] == "loaded" else "loaded"
    return IngestOutcome(item.client_id, item.name, file_id, status, match.kind, rows,
                         result.rejects.height,
                         message=f"{how}; {result.rejected_row_count} rows rejected")


def _replace_rows(conn: duckdb.DuckDBPyConnection, item: InboxFile, file_id: str,
                  match: Match, result: Normalized, key: bytes) -> int:
    for table in pm_table_columns():
        conn.execute(f"delete from raw.{table} where client_id = ? and file_id = ?",
                     [item.client_id, file_id])
    rows = 0
    for name, frame in result.tables.items():
        stored = identity.pseudonymize(name, frame, key).with_columns(
            client_id=pl.lit(item.client_id), file_id=pl.lit(file_id))
        rows += warehouse.insert_frame(conn, TABLES[name].raw_table, stored)
    rejects = result.rejects.with_columns(
        client_id=pl.lit(item.client_id), file_id=pl.lit(file_id), file_name=pl.lit(item.name),
        profile=pl.lit(match.profile.name), file_role=pl.lit(match.file.role))
    warehouse.insert_frame(conn, REJECTS_TABLE, rejects)
    return rows


def _reject_summary(result: Normalized) -> str:
    """Row, column and reason of the first rejects: never a value (it may be PHI)."""
    shown = [f"row {r['row_number']}, column {r['column_name']!r}: {r['reason']}"
             for r in result.rejects.head(REJECT_SUMMARY_LIMIT).iter_rows(named=True)]
    more = result.rejects.height - len(shown)
    return "; ".join(shown) + (f"; and {more} more" if more > 0 else "")


def _fail(conn: duckdb.DuckDBPyConnection, item: InboxFile, entry: ledger.LedgerEntry,
          message: str, location: str, quarantine: Path) -> IngestOutcome:
    entry.status, entry.error_message, entry.error_location = "failed", message, location
    entry.row_count, entry.loaded_at = 0, None
    entry.quarantine_path = str(quarantine_file(item, quarantine,
                                                {"message": message, "location": location}))
    ledger.write(conn, entry)
    log.warning("quarantined %s/%s: %s", item.client_id, item.name, message)
    return IngestOutcome(item.client_id, item.name, entry.file_id, "failed", entry.kind,
                         message=message)


def _retry_later(conn: duckdb.DuckDBPyConnection, item: InboxFile, entry: ledger.LedgerEntry,
                 message: str) -> IngestOutcome:
    entry.status, entry.error_message, entry.row_count, entry.loaded_at = \
        "error", message, 0, None
    ledger.write(conn, entry)
    log.error("%s/%s: %s", item.client_id, item.name, message)
    return IngestOutcome(item.client_id, item.name, entry.file_id, "error", entry.kind,
                         message=message)
