"""The PM loader end to end, per format: raw tables, ledger, rejects, quarantine, no PHI."""

from __future__ import annotations

import csv
import json
import logging
from pathlib import Path

import duckdb
import polars as pl
import pytest
from pm_helpers import make_inbox

from pipelines.ingest import warehouse
from pipelines.ingest.inbox_run import ingest_inbox
from pipelines.pm.profiles import get_profile
from pipelines.pm.tables import TABLES

KEY = b"pm-test-key"
FORMATS = ["canonical", "visit_billing", "charge_detail"]


def run(root: Path, inbox: Path) -> tuple[duckdb.DuckDBPyConnection, object]:
    conn = duckdb.connect(str(root / "w.duckdb"))
    for schema in warehouse.SCHEMAS:
        conn.execute(f"create schema if not exists {schema}")
    report = ingest_inbox(conn, inbox, key=KEY, quarantine=root / "quarantine")
    return conn, report


def count(conn, table: str) -> int:
    return conn.sql(f"select count(*) from raw.{table}").fetchall()[0][0]


def ledger(conn) -> dict[str, dict]:
    frame = conn.sql("select * from raw.ingest_files").pl()
    return {row["file_name"]: row for row in frame.iter_rows(named=True)}


@pytest.mark.parametrize("profile", FORMATS)
@pytest.mark.parametrize("configured", [True, False], ids=["configured", "detected"])
def test_each_format_loads_every_row_once(tmp_path, canonical_tables, profile, configured):
    inbox = make_inbox(tmp_path, canonical_tables, profile, configured=configured)
    conn, report = run(tmp_path, inbox)
    files = get_profile(profile).files
    assert report.summary() == {"loaded": len(files)}
    carried = {t for f in files for t in f.tables}
    for name in TABLES:
        expected = canonical_tables[name].height if name in carried else 0
        assert count(conn, TABLES[name].raw_table) == expected, name
    assert count(conn, "pm_rejects") == 0
    entries = ledger(conn)
    assert {e["kind"] for e in entries.values()} == {f"pm:{profile}"}
    assert all(e["status"] == "loaded" and e["rejected_row_count"] == 0
               for e in entries.values())
    assert sum(e["row_count"] for e in entries.values()) == sum(
        canonical_tables[t].height for t in carried)
    how = "from client.yml" if configured else "detected from its header"
    assert all(o.message.startswith(how) for o in report.outcomes)
    # nothing loads twice
    again = ingest_inbox(conn, inbox, key=KEY, quarantine=tmp_path / "quarantine")
    assert again.summary() == {"skipped": len(files)}
    assert count(conn, "pm_visits") == canonical_tables["visits"].height


def test_amounts_and_codes_arrive_exact_and_canonical(tmp_path, canonical_tables):
    inbox = make_inbox(tmp_path, canonical_tables, "charge_detail")
    conn, _ = run(tmp_path, inbox)
    got = conn.sql("select sum(amount), count(*) filter (where status = 'voided') "
                   "from raw.pm_charges").fetchall()[0]
    charges = canonical_tables["charges"]
    assert got == (charges["amount"].sum(), (charges["status"] == "voided").sum())
    assert conn.sql("select typeof(amount) from raw.pm_charges limit 1").fetchall()[0][0] \
        == "DECIMAL(18,2)"
    adjustments = conn.sql("select adjustment_id, amount, applies_to from raw.pm_adjustments "
                           "where adjustment_id like 'ADJ%' order by 1").fetchall()
    assert [(a, str(m), t) for a, m, t in adjustments] == [
        ("ADJ1", "4.99", "patient"), ("ADJ2", "-1250.00", "insurance")]


def _rewrite_csv(path: Path, edit) -> None:
    rows = list(csv.reader(path.open()))
    edit(rows)
    with path.open("w", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def _rewrite_xlsx(path: Path, edit) -> None:
    """Rewrite a workbook's cells as text (title rows kept) after ``edit(rows)``."""
    sheet = pl.read_excel(path, has_header=False, read_options={"dtypes": "string"})
    rows = [["" if c is None else c for c in r] for r in sheet.iter_rows()]
    edit(rows)
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet()
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value != "":
                ws.write_string(r, c, value)
    book.close()


def _header_index(rows: list[list[str]], column: str) -> tuple[int, int]:
    for r, row in enumerate(rows):
        if column in row:
            return r, row.index(column)
    raise AssertionError(column)


# (format, file, column, bad value, reason fragment, PHI column?)
BAD_CELLS = [
    ("canonical", "visits.csv", "visit_date", "2025-13-45", "not a date", False),
    ("canonical", "charges.csv", "amount", "12.3.4", "not an amount", False),
    ("canonical", "visits.csv", "status", "rescheduled", "unknown code", False),
    ("canonical", "patients.csv", "birth_date", "31/12/1980", "not a date", True),
    ("visit_billing", "Visit Report.csv", "Date of Service", "2025-11-03", "not a date", False),
    ("visit_billing", "Billing Report.csv", "Charge Amount", "$1,23.00",
     "misplaced thousands separator", False),
    ("visit_billing", "Visit Report.csv", "Appointment Status", "Rescheduled", "unknown code",
     False),
    ("visit_billing", "Visit Report.csv", "CPT 1", "9711", "not a CPT/HCPCS code", False),
    ("charge_detail", "Charge Detail.xlsx", "Appt Date", "13/45/2025", "not a date", False),
    ("charge_detail", "Receipts.xlsx", "Receipt Amt", "ten dollars", "not an amount", False),
    ("charge_detail", "Write-offs.xlsx", "Adj Code", "ZZZ", "unknown code", False),
    ("charge_detail", "Patient List.xlsx", "Prim Subscriber ID", "", None, False),
]


@pytest.mark.parametrize(("profile", "file_name", "column", "bad", "why", "phi"), BAD_CELLS,
                         ids=[f"{c[0]}-{c[2]}" for c in BAD_CELLS])
def test_a_bad_cell_rejects_its_row_and_the_rest_loads(tmp_path, canonical_tables, caplog,
                                                       profile, file_name, column, bad, why,
                                                       phi):
    inbox = make_inbox(tmp_path, canonical_tables, profile)
    path = next(inbox.rglob(file_name))
    edit_at = {}

    def edit(rows):
        r, c = _header_index(rows, column)
        edit_at["row"], edit_at["original"] = r + 2, rows[r + 1][c]  # 1-based, first data row
        rows[r + 1][c] = bad

    (_rewrite_xlsx if path.suffix == ".xlsx" else _rewrite_csv)(path, edit)
    with caplog.at_level(logging.INFO):
        conn, report = run(tmp_path, inbox)
    assert report.summary().get("failed", 0) == 0
    entry = ledger(conn)[file_name]
    rejects = conn.sql("select * from raw.pm_rejects").pl()
    if why is None:  # an optional cell left empty is no error
        assert rejects.height == 0 and entry["rejected_row_count"] == 0
        return
    assert entry["status"] == "loaded" and entry["rejected_row_count"] == 1
    assert rejects.height >= 1
    first = rejects.row(0, named=True)
    assert (first["file_name"], first["row_number"], first["column_name"]) == \
        (file_name, edit_at["row"], column)
    assert why in first["reason"]
    assert first["value"] == ("<masked PHI>" if phi else bad)
    assert f"row {edit_at['row']}, column '{column}'" in entry["error_message"]
    if phi:
        assert bad not in caplog.text and bad not in entry["error_message"]
    # good rows still load: every other row of the file is there
    role = get_profile(profile).files
    loaded = sum(count(conn, TABLES[t].raw_table) for f in role if f.file_name == file_name
                 for t in f.tables)
    expected = sum(canonical_tables[t].height for f in role if f.file_name == file_name
                   for t in f.tables)
    assert 0 < expected - loaded <= 7  # one source row: a visit and its services at most


@pytest.mark.parametrize(("profile", "file_name", "column"), [
    ("canonical", "charges.csv", "amount"),
    ("visit_billing", "Visit Report.csv", "Date of Service"),
    ("charge_detail", "Charge Detail.xlsx", "Appt ID"),
])
def test_a_missing_required_column_quarantines_the_file(tmp_path, canonical_tables, profile,
                                                        file_name, column):
    inbox = make_inbox(tmp_path, canonical_tables, profile)
    path = next(inbox.rglob(file_name))

    def drop(rows):
        r, c = _header_index(rows, column)
        for row in rows[r:]:
            if len(row) > c:
                del row[c]

    (_rewrite_xlsx if path.suffix == ".xlsx" else _rewrite_csv)(path, drop)
    conn, report = run(tmp_path, inbox)
    failed = [o for o in report.outcomes if o.status == "failed"]
    assert [o.file_name for o in failed] == [file_name]
    assert f"missing required column(s) '{column}'" in failed[0].message
    assert failed[0].kind == f"pm:{profile}"
    error = json.loads((tmp_path / "quarantine" / "acme-ot" / f"{file_name}.error.json")
                       .read_text())
    assert column in error["message"] and not path.exists()
    assert ledger(conn)[file_name]["status"] == "failed"
    assert report.count("loaded") == len(get_profile(profile).files) - 1


@pytest.mark.parametrize(("content", "why"), [
    (b"\x00\x01\x02binary", "binary content"),
    (b"", "empty file"),
    (b"Name,Phone\nx,y\n", "matches no file of the PM format"),
])
def test_a_file_that_is_no_pm_table_is_quarantined(tmp_path, content, why):
    inbox = tmp_path / "inbox" / "acme-ot" / "pm"
    inbox.mkdir(parents=True)
    (inbox / "export.csv").write_bytes(content)
    (tmp_path / "inbox" / "broken-ot").mkdir()
    (tmp_path / "inbox" / "broken-ot" / "junk.xlsx").write_bytes(b"PK\x03\x04 not a zip")
    conn, report = run(tmp_path, tmp_path / "inbox")
    outcomes = {o.file_name: o for o in report.outcomes}
    assert outcomes["export.csv"].status == "failed" and why in outcomes["export.csv"].message
    assert outcomes["junk.xlsx"].status == "failed"
    assert "XLSX" in outcomes["junk.xlsx"].message


def test_a_csv_layout_saved_as_xlsx_still_loads(tmp_path, canonical_tables):
    inbox = make_inbox(tmp_path, canonical_tables, "canonical")
    visits_csv = next(inbox.rglob("visits.csv"))
    frame = pl.read_csv(visits_csv, infer_schema=False)
    frame.write_excel(visits_csv.with_suffix(".xlsx"))
    visits_csv.unlink()
    conn, report = run(tmp_path, inbox)
    assert ledger(conn)["visits.xlsx"]["status"] == "loaded"
    assert count(conn, "pm_visits") == canonical_tables["visits"].height
    assert count(conn, "pm_rejects") == 0


def test_an_unknown_configured_profile_is_retried_not_quarantined(tmp_path, canonical_tables):
    inbox = make_inbox(tmp_path, canonical_tables, "canonical")
    (inbox / "acme-ot" / "client.yml").write_text("client_id: acme-ot\npm_profile: nosuch\n")
    conn, report = run(tmp_path, inbox)
    assert report.summary() == {"error": len(get_profile("canonical").files)}
    assert all("nosuch" in o.message for o in report.outcomes)
    assert not (tmp_path / "quarantine").exists()
