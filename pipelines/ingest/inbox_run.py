"""One pass over the inbox: load every new file of every client, report what happened."""

from __future__ import annotations

import logging
import multiprocessing
import os
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from pipelines.ingest import clients, ledger, warehouse
from pipelines.ingest.inbox import InboxFile, discover
from pipelines.ingest.pm_loader import ensure_pm_tables, ingest_pm_file
from pipelines.ingest.x12_loader import (
    IngestOutcome,
    ensure_x12_tables,
    ingest_x12_batch,
    parse_batch,
    skip_if_known,
)
from pipelines.x12 import X12Document

log = logging.getLogger(__name__)


@dataclass
class InboxReport:
    outcomes: list[IngestOutcome] = field(default_factory=list)
    client_count: int = 0

    def count(self, status: str) -> int:
        return sum(outcome.status == status for outcome in self.outcomes)

    @property
    def failures(self) -> list[IngestOutcome]:
        return [outcome for outcome in self.outcomes if outcome.status == "failed"]

    def summary(self) -> dict[str, int]:
        return dict(Counter(outcome.status for outcome in self.outcomes))


def ingest_inbox(conn: duckdb.DuckDBPyConnection, inbox: Path, *, key: bytes, quarantine: Path,
                 force: bool = False) -> InboxReport:
    """Load clients and every X12 and PM file not yet in the ledger (all with ``force``)."""
    ensure_x12_tables(conn)
    ensure_pm_tables(conn)
    warehouse.ensure_tables(conn, {clients.CLIENTS_TABLE: clients.CLIENT_COLUMNS})
    client_rows = clients.client_frame(inbox)
    conn.begin()
    conn.execute(f"delete from raw.{clients.CLIENTS_TABLE} where client_id in "
                 "(select unnest(?::varchar[]))", [client_rows["client_id"].to_list()])
    warehouse.insert_frame(conn, clients.CLIENTS_TABLE, client_rows)
    conn.commit()

    report = InboxReport(client_count=client_rows.height)
    to_parse: list[tuple[InboxFile, str]] = []
    pm_files: list[InboxFile] = []
    known_files = ledger.snapshot(conn)
    for item in discover(inbox):
        if item.kind == "pm":
            pm_files.append(item)
            continue
        file_id = ledger.file_id_of(item.path)
        skipped = skip_if_known(conn, item, file_id, quarantine=quarantine, force=force,
                                known_files=known_files)
        if skipped is not None:
            report.outcomes.append(skipped)
        else:
            to_parse.append((item, file_id))
    documents = _parsed([item for item, _ in to_parse])
    for batch in _batches(to_parse, key=lambda pair: pair[0]):
        parsed = [(item, file_id, next(documents)) for item, file_id in batch]
        for outcome in ingest_x12_batch(conn, parsed, key=key, quarantine=quarantine,
                                        force=force):
            log.info("%s/%s: %s %s", outcome.client_id, outcome.file_name, outcome.status,
                     outcome.message)
            report.outcomes.append(outcome)
    profiles_by_client = dict(zip(client_rows["client_id"], client_rows["pm_profile"],
                                  strict=True))
    for item in pm_files:
        outcome = ingest_pm_file(conn, item, key=key, quarantine=quarantine, force=force,
                                 configured_profile=profiles_by_client.get(item.client_id))
        log.info("%s/%s: %s %s %s", outcome.client_id, outcome.file_name, outcome.status,
                 outcome.kind, outcome.message)
        report.outcomes.append(outcome)
    return report


# Files are read in batches (one vectorized pass each); large inboxes use every core.
BATCH_FILES, BATCH_BYTES = 256, 32 * 1024 * 1024
PARALLEL_ABOVE_BYTES = 64 * 1024 * 1024


def _batches(items: list, key=lambda item: item) -> list[list]:
    """Consecutive groups of at most BATCH_FILES files and BATCH_BYTES bytes."""
    batches: list[list] = [[]]
    size = 0
    for item in items:
        item_size = key(item).path.stat().st_size
        if batches[-1] and (len(batches[-1]) >= BATCH_FILES or size + item_size > BATCH_BYTES):
            batches.append([])
            size = 0
        batches[-1].append(item)
        size += item_size
    return [batch for batch in batches if batch]


def _parsed(items: list[InboxFile]) -> Iterator[X12Document | None]:
    """Documents in the order of ``items`` (None for files read later in chunks)."""
    batches = _batches(items)
    total = sum(item.path.stat().st_size for item in items)
    workers = min(os.cpu_count() or 1, len(batches))
    if workers < 2 or total <= PARALLEL_ABOVE_BYTES:
        for batch in batches:
            yield from parse_batch(batch)
        return
    # spawn, not fork: the parent holds a DuckDB connection and polars' thread pool
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        for documents in pool.map(parse_batch, batches):
            yield from documents
