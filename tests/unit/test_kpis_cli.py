"""`revaudit kpis`: a client's KPI rows as JSON (rates fractions, money strings), one-line
errors for a missing warehouse, an unknown client or month."""

import json
from pathlib import Path

import duckdb
import pytest

from pipelines.cli import main


def run(argv, capsys) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    out, err = capsys.readouterr()
    return exit_info.value.code, out, err


@pytest.fixture
def warehouse(isolated_paths: Path) -> Path:
    path = isolated_paths / "warehouse.duckdb"
    with duckdb.connect(str(path)) as conn:
        conn.execute("create schema marts")
        conn.execute("""
            create table marts.kpi_client_monthly (
                client_id varchar, month_start_date date, month varchar, month_end_date date,
                claims_submitted_count bigint, billed_amount decimal(18,2),
                initial_denial_rate double, first_pass_rate double,
                payer_paid_amount decimal(18,2), ar_amount decimal(18,2), days_in_ar double,
                net_collection_rate double)
        """)
        conn.execute("""
            insert into marts.kpi_client_monthly values
            ('acme-ot', '2026-01-01', '2026-01', '2026-01-31', 12, 1010.00, null, null, 0.00,
             722.26, 64.5, 0.6355),
            ('acme-ot', '2026-02-01', '2026-02', '2026-02-28', 0, 0, 0.1428571, 0.8571429,
             246.90, 104.31, 9.3, null),
            ('zen-pt', '2026-02-01', '2026-02', '2026-02-28', 7, 700.00, 0.0, 1.0, 80.00,
             10.00, 1.0, 1.0)
        """)
    return path


def test_json_rows_have_rates_as_fractions_and_money_as_strings(warehouse, capsys):
    code, out, err = run(["kpis", "--client", "acme-ot", "--json"], capsys)
    assert (code, err) == (0, "")
    rows = json.loads(out)
    assert [row["month"] for row in rows] == ["2026-01", "2026-02"]
    january, february = rows
    assert january["billed_amount"] == "1010.00" and february["payer_paid_amount"] == "246.90"
    assert february["initial_denial_rate"] == pytest.approx(0.1428571)
    assert january["initial_denial_rate"] is None  # nothing adjudicated: null, never 0
    assert january["month_end_date"] == "2026-01-31"
    assert january["claims_submitted_count"] == 12


def test_one_month(warehouse, capsys):
    code, out, _ = run(["kpis", "--client", "zen-pt", "--month", "2026-02", "--json"], capsys)
    assert code == 0
    assert [(r["month"], r["ar_amount"]) for r in json.loads(out)] == [("2026-02", "10.00")]


def test_text_table_shows_headline_kpis(warehouse, capsys):
    code, out, _ = run(["kpis", "--client", "acme-ot", "--month", "2026-02"], capsys)
    assert code == 0
    line = out.strip().splitlines()[1]
    assert line.split() == ["2026-02", "0", "0.00", "14.3%", "85.7%", "246.90", "104.31", "9.3",
                            "—"]


@pytest.mark.parametrize(("argv", "message"), [
    (["--client", "nobody"], "revaudit: unknown client 'nobody' (known: acme-ot, zen-pt)"),
    (["--client", "acme-ot", "--month", "2025-12"],
     "revaudit: no KPIs for client 'acme-ot' in 2025-12 (months 2026-01 to 2026-02)"),
    (["--client", "acme-ot", "--month", "2026-13"],
     "revaudit: month must be YYYY-MM, got '2026-13'"),
])
def test_unknown_client_or_month_is_one_line_exit_1(warehouse, capsys, argv, message):
    code, out, err = run(["kpis", *argv], capsys)
    assert (code, out, err.strip()) == (1, "", message)


def test_missing_warehouse_says_what_to_do(isolated_paths, capsys):
    code, _, err = run(["kpis", "--client", "acme-ot"], capsys)
    assert code == 1 and len(err.strip().splitlines()) == 1
    assert "no warehouse at" in err and "revaudit run" in err


def test_warehouse_without_marts_says_what_to_do(isolated_paths, capsys):
    duckdb.connect(str(isolated_paths / "warehouse.duckdb")).close()
    code, _, err = run(["kpis", "--client", "acme-ot"], capsys)
    assert code == 1 and "has no KPI tables yet" in err
