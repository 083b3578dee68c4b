"""The dashboard against a warehouse whose marts have the real schemas (built by the pipeline
on an empty inbox) and a few hand-made rows: what a user sees on each page."""

import shutil
import sys
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "dashboards" / "streamlit_app.py")


@pytest.fixture(autouse=True)
def fresh_cache():
    import streamlit as st

    st.cache_data.clear()
    yield
    st.cache_data.clear()


@pytest.fixture(autouse=True)
def restore_main_module():
    """Streamlit runs the script as ``__main__`` and leaves it in sys.modules; restore the real
    one, or worker processes spawned by later tests would re-run the app script."""
    main = sys.modules["__main__"]
    yield
    sys.modules["__main__"] = main


@pytest.fixture(scope="session")
def empty_marts(tmp_path_factory) -> Path:
    """A warehouse with every mart built, empty: the pipeline run on an inbox of no files."""
    from pipelines.runner import run_pipeline

    base = tmp_path_factory.mktemp("empty_marts")
    (base / "inbox" / "acme-ot").mkdir(parents=True)
    mp = pytest.MonkeyPatch()
    mp.setenv("REVAUDIT_INBOX", str(base / "inbox"))
    mp.setenv("REVAUDIT_WAREHOUSE", str(base / "warehouse.duckdb"))
    mp.setenv("REVAUDIT_QUARANTINE", str(base / "quarantine"))
    mp.setenv("REVAUDIT_PSEUDONYM_KEY", "app-test")
    try:
        assert run_pipeline().success
    finally:
        mp.undo()
    return base / "warehouse.duckdb"


ROWS = """
    delete from marts.dim_clients;
    insert into marts.dim_clients by name
    select * from (values ('acme-ot', 'Acme Hand Therapy'), ('zen-pt', 'Zen Rehab'))
        as t(client_id, client_name);

    insert into marts.kpi_client_monthly by name
    select * from (values
        ('acme-ot', date '2026-01-01', '2026-01', 40, 12345.60, 30, 3, 0.1, 0.08, 9000.10,
         500.00, 0.85, 0.70, true, 41.5, 20000.00, 0.12, 5.0, 10.00),
        ('acme-ot', date '2026-02-01', '2026-02', 42, 13000.00, 40, 2, 0.05, 0.04, 10500.55,
         650.25, 0.90, 0.15, false, 38.0, 21000.00, 0.10, 4.0, 25.50),
        ('zen-pt', date '2026-02-01', '2026-02', 7, 700.00, 0, 0, null, null, 0.00,
         0.00, null, null, false, null, 0.00, null, 3.0, 0.00)
    ) as t(client_id, month_start_date, month, claims_submitted_count, billed_amount,
           claims_adjudicated_count, claims_initially_denied_count, initial_denial_rate,
           initial_denial_rate_amount, payer_paid_amount, patient_paid_amount,
           first_pass_rate, net_collection_rate, is_collection_cohort_mature, days_in_ar,
           ar_amount, ar_over_90_share, charge_lag_days, underpaid_amount);

    insert into marts.fct_denials by name
    select * from (values
        (1, 'acme-ot', 'authorization', 'yes', true, false, 300.00, null, date '2026-02-10'),
        (2, 'acme-ot', 'authorization', 'yes', true, true, 100.00, 100.00, date '2026-01-15'),
        (3, 'acme-ot', 'medical_necessity', 'partly', true, false, 50.00, null,
         date '2026-02-20'),
        (4, 'acme-ot', 'eligibility', 'yes', true, false, 999.00, null, date '2024-01-01')
    ) as t(denial_id, client_id, root_cause, is_preventable, is_initial_denial, is_recovered,
           denied_amount, recovered_amount, denial_date);

    insert into marts.kpi_ar_aging_month_end by name
    select * from (values
        ('acme-ot', date '2026-02-01', '2026-02', 'insurance', 'medicare', 10, 1000.00,
         200.00, 100.00, 50.00, 150.00, 1500.00, 0.00),
        ('acme-ot', date '2026-02-01', '2026-02', 'patient', 'patient', 5, 100.00, 0.00, 0.00,
         0.00, 400.00, 500.00, 12.34)
    ) as t(client_id, month_start_date, month, ar_responsibility, payer_class, open_claim_count,
           ar_0_30_amount, ar_31_60_amount, ar_61_90_amount, ar_91_120_amount,
           ar_over_120_amount, ar_amount, credit_balance_amount);

    insert into marts.kpi_payer_mix_monthly by name
    select * from (values
        ('acme-ot', date '2026-02-01', '2026-02', 'medicare', 30, 9000.00, 7000.00, 0.7143,
         0.6667),
        ('acme-ot', date '2026-02-01', '2026-02', 'commercial', 12, 4000.00, 3500.55, 0.2857,
         0.3333)
    ) as t(client_id, month_start_date, month, payer_class, claims_submitted_count, billed_amount,
           payer_paid_amount, claims_submitted_share, payer_paid_share);
"""


@pytest.fixture
def warehouse(empty_marts: Path, isolated_paths: Path) -> Path:
    path = isolated_paths / "warehouse.duckdb"
    shutil.copy(empty_marts, path)
    with duckdb.connect(str(path)) as conn:
        conn.execute(ROWS)
    return path


def metrics(app: AppTest) -> dict[str, tuple[str, str | None]]:
    return {m.label: (m.value, m.delta) for m in app.metric}


def open_page(name: str) -> AppTest:
    app = AppTest.from_file(APP, default_timeout=60).run()
    assert not app.exception
    if name != "overview":
        app.switch_page(f"app_pages/{name}.py").run()
        assert not app.exception
    return app


def test_kpi_rows_show_the_latest_month_of_the_first_client_against_the_month_before(
        warehouse):
    app = open_page("overview")
    shown = metrics(app)
    assert shown["Claims submitted"] == ("42", "+2")
    assert shown["Billed charges"] == ("$13,000.00", "+$654.40")
    assert shown["Payer paid"][0] == "$10,500.55"
    assert shown["Patient paid"] == ("$650.25", "+$150.25")
    assert shown["Initial denial rate"] == ("5.0%", "-5.0 pp")
    assert shown["First-pass rate"] == ("90.0%", "+5.0 pp")
    assert shown["Days in AR"] == ("38.0 d", "-3.5 d")
    assert shown["AR over 90 days"] == ("10.0%", "-2.0 pp")
    assert shown["Underpaid"][0] == "$25.50"
    help_texts = {m.label: m.help for m in app.metric}
    assert "first remittance carries a denial" in help_texts["Initial denial rate"]
    assert help_texts["Net collection rate"].startswith("Immature cohort")
    assert any("still being paid" in c.value for c in app.caption)


def test_choosing_client_and_month_in_the_sidebar_changes_the_numbers(warehouse):
    app = open_page("overview")
    app.sidebar.selectbox(key="month").select("2026-01").run()
    assert metrics(app)["Billed charges"] == ("$12,345.60", "")  # no month before
    app.sidebar.selectbox(key="client_id").select("zen-pt").run()
    assert not app.exception
    shown = metrics(app)
    assert shown["Claims submitted"][0] == "7"
    assert shown["Initial denial rate"][0] == "—"


def test_denials_page_totals_the_twelve_months_ending_with_the_chosen_month(warehouse):
    app = open_page("denials")
    shown = metrics(app)
    # denial 4 (2024) is outside the window; 1, 2 and 3 are in it
    assert shown["Denied"][0] == "$450.00"
    assert shown["Recovered since"][0] == "$100.00"
    assert shown["Denials"][0] == "3"
    assert shown["Preventable"][0] == "66.7%"


def test_ar_aging_page_splits_insurance_and_patient(warehouse):
    app = open_page("ar_aging")
    shown = metrics(app)
    assert shown["AR"][0] == "$2,000.00"
    assert shown["Insurance"][0] == "$1,500.00"
    assert shown["Patient"][0] == "$500.00"
    assert shown["Over 90 days"][0] == "30.0%"  # (50 + 150 + 400) / 2000
    assert shown["Credit balances"][0] == "$12.34"


def test_payer_mix_page_lists_each_payer_class(warehouse):
    app = open_page("payers")
    table = app.dataframe[0].value
    assert list(table["payer_class"]) == ["medicare", "commercial"]


def test_missing_warehouse_is_explained_not_a_traceback(isolated_paths):
    app = AppTest.from_file(APP, default_timeout=30).run()
    assert not app.exception
    assert "revaudit run" in app.error[0].value
