"""Nothing lost, nothing twice: the ledger, quarantine and one-transaction loads."""

import json
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from pipelines.ingest import warehouse
from pipelines.ingest.inbox_run import ingest_inbox

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ingest"
KEY = b"test-key"


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    root = tmp_path / "inbox"
    (root / "acme-ot" / "837").mkdir(parents=True)
    (root / "acme-ot" / "835").mkdir()
    shutil.copy(FIXTURES / "claims.x12", root / "acme-ot" / "837" / "claims.x12")
    shutil.copy(FIXTURES / "remit.x12", root / "acme-ot" / "835" / "remit.x12")
    return root


@pytest.fixture
def conn(tmp_path: Path):
    with warehouse.connect(tmp_path / "w.duckdb") as connection:
        yield connection


def ingest(conn, inbox: Path, tmp_path: Path, force: bool = False):
    return ingest_inbox(conn, inbox, key=KEY, quarantine=tmp_path / "quarantine", force=force)


def scalar(conn, sql: str, params=()):
    return conn.sql(sql, params=list(params)).fetchall()[0][0]


def counts(conn) -> dict[str, int]:
    tables = ["edi_837_claims", "edi_837_service_lines", "edi_835_claim_payments",
              "edi_835_adjustments", "ingest_files"]
    return {t: scalar(conn, f"select count(*) from raw.{t}") for t in tables}


def test_first_run_loads_both_files_with_exact_money_and_no_identifiers(conn, inbox, tmp_path):
    report = ingest(conn, inbox, tmp_path)
    assert report.summary() == {"loaded": 2}
    assert counts(conn) == {"edi_837_claims": 2, "edi_837_service_lines": 3,
                            "edi_835_claim_payments": 1, "edi_835_adjustments": 4,
                            "ingest_files": 2}
    assert scalar(conn, "select sum(claim_charge_amount) from raw.edi_837_claims") \
        == Decimal("230.00")
    assert scalar(conn, "select sum(adjustment_amount) from raw.edi_835_adjustments") \
        == Decimal("70.00")
    assert scalar(conn, "select count(distinct client_id) from raw.edi_837_claims") == 1
    dump = str(conn.sql("select * from raw.edi_837_claims").fetchall()) + \
        str(conn.sql("select * from raw.edi_835_claim_payments").fetchall())
    for identifier in ("DOE", "JANE", "MBR001", "ROE", "1950-02-03"):
        assert identifier not in dump
    # the 835's patient joins the 837's subscriber through the member pseudonym
    assert scalar(conn, """
        select count(*) from raw.edi_835_claim_payments p
        join raw.edi_837_claims c on c.member_pseudonym = p.patient_member_pseudonym
    """) == 1


def test_second_run_skips_everything_and_counts_nothing_twice(conn, inbox, tmp_path):
    ingest(conn, inbox, tmp_path)
    before = counts(conn)
    report = ingest(conn, inbox, tmp_path)
    assert report.summary() == {"skipped": 2}
    assert counts(conn) == before
    assert scalar(conn, "select min(times_seen) from raw.ingest_files") == 2


def test_same_bytes_under_another_name_are_recognised(conn, inbox, tmp_path):
    ingest(conn, inbox, tmp_path)
    shutil.copy(inbox / "acme-ot" / "837" / "claims.x12", inbox / "acme-ot" / "resent.txt")
    report = ingest(conn, inbox, tmp_path)
    assert report.count("skipped") == 3
    assert counts(conn)["edi_837_claims"] == 2


def test_force_reparses_and_replaces_rows_instead_of_adding(conn, inbox, tmp_path):
    ingest(conn, inbox, tmp_path)
    before = counts(conn)
    report = ingest(conn, inbox, tmp_path, force=True)
    assert report.summary() == {"reloaded": 2}
    assert counts(conn) == before


def test_unreadable_file_is_quarantined_with_its_error_and_the_rest_still_load(
        conn, inbox, tmp_path):
    bad = inbox / "acme-ot" / "835" / "aaa_not_x12.x12"
    shutil.copy(FIXTURES / "not_x12.x12", bad)
    report = ingest(conn, inbox, tmp_path)
    assert report.summary() == {"loaded": 2, "failed": 1}
    assert not bad.exists()
    moved = tmp_path / "quarantine" / "acme-ot" / "aaa_not_x12.x12"
    assert moved.exists()
    error = json.loads(moved.with_name(moved.name + ".error.json").read_text())
    assert error["file"] == "aaa_not_x12.x12" and error["message"]
    status, message, path = conn.sql(
        "select status, error_message, quarantine_path from raw.ingest_files "
        "where file_name = 'aaa_not_x12.x12'").fetchall()[0]
    assert (status, path) == ("failed", str(moved)) and message == error["message"]
    assert counts(conn)["edi_837_claims"] == 2


def test_a_crash_mid_file_leaves_no_partial_rows_and_is_retried(conn, inbox, tmp_path,
                                                                  monkeypatch):
    from pipelines.ingest import x12_loader

    real_insert = warehouse.insert_frame
    calls = {"n": 0}

    def flaky_insert(connection, table, frame):
        calls["n"] += 1
        if table == "edi_837_service_lines":
            raise OSError("disk full")
        return real_insert(connection, table, frame)

    monkeypatch.setattr(x12_loader.warehouse, "insert_frame", flaky_insert)
    report = ingest(conn, inbox, tmp_path)
    assert report.count("error") == 1 and report.count("loaded") == 1
    assert counts(conn)["edi_837_claims"] == 0  # claims were inserted, then rolled back
    assert scalar(conn, "select status from raw.ingest_files where file_name = 'claims.x12'") \
        == "error"
    assert (inbox / "acme-ot" / "837" / "claims.x12").exists()  # not quarantined

    monkeypatch.setattr(x12_loader.warehouse, "insert_frame", real_insert)
    report = ingest(conn, inbox, tmp_path)
    assert report.summary() == {"loaded": 1, "skipped": 1}
    assert counts(conn)["edi_837_claims"] == 2


def test_a_large_file_loads_in_chunks_exactly_as_it_would_whole(tmp_path, monkeypatch):
    from pipelines.ingest import x12_loader

    text = (FIXTURES / "claims.x12").read_text()
    second = text.replace("000000101", "000000102").replace("*101*", "*102*") \
        .replace("GE*1*101", "GE*1*102")
    tables = ["edi_837_claims", "edi_837_service_lines", "edi_837_diagnoses", "x12_diagnostics"]
    loaded = {}
    for mode in ("whole", "chunked"):
        root = tmp_path / mode / "inbox" / "acme-ot"
        root.mkdir(parents=True)
        (root / "two_interchanges.x12").write_text(text + second)
        if mode == "chunked":
            from pipelines.x12 import iter_x12

            assert len(list(iter_x12(root / "two_interchanges.x12", chunk_bytes=600))) == 2
            monkeypatch.setattr(x12_loader, "CHUNKED_ABOVE_BYTES", 100)
            monkeypatch.setattr(x12_loader, "CHUNK_BYTES", 600)
        with warehouse.connect(tmp_path / mode / "w.duckdb") as connection:
            report = ingest(connection, root.parent, tmp_path / mode)
            assert report.summary() == {"loaded": 1}
            loaded[mode] = {t: connection.sql(f"select * exclude (file_id) from raw.{t} "
                                              "order by all").fetchall() for t in tables}
            loaded[mode]["ledger"] = connection.sql(
                "select claim_count, service_line_count, total_charge_amount, "
                "interchange_count, transaction_count from raw.ingest_files").fetchall()
    assert loaded["whole"]["edi_837_claims"] and len(loaded["whole"]["edi_837_claims"]) == 4
    assert loaded["chunked"] == loaded["whole"]
    assert loaded["whole"]["ledger"] == [(4, 6, Decimal("460.00"), 2, 2)]
