"""The dashboard against a small hand-made warehouse: what a user sees for a client and month."""

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


@pytest.fixture
def warehouse(isolated_paths: Path) -> Path:
    path = isolated_paths / "warehouse.duckdb"
    with duckdb.connect(str(path)) as conn:
        conn.execute("create schema marts")
        conn.execute("""
            create table marts.dim_clients as
            select * from (values ('acme-ot', 'Acme Hand Therapy'), ('zen-pt', 'Zen Rehab'))
                as t(client_id, client_name)
        """)
        conn.execute("""
            create table marts.kpi_client_monthly (
                client_id varchar, month_start_date date, month varchar,
                claims_submitted_count bigint, billed_amount decimal(18,2),
                claims_adjudicated_count bigint, claims_initially_denied_count bigint,
                initial_denial_rate double, initial_denial_rate_amount double,
                payer_paid_amount decimal(18,2))
        """)
        conn.execute("""
            insert into marts.kpi_client_monthly values
            ('acme-ot', '2026-01-01', '2026-01', 40, 12345.60, 30, 3, 0.1, 0.08, 9000.10),
            ('acme-ot', '2026-02-01', '2026-02', 42, 13000.00, 40, 2, 0.05, 0.04, 10500.55),
            ('zen-pt', '2026-02-01', '2026-02', 7, 700.00, 0, 0, null, null, 0.00)
        """)
    return path


def metrics(app: AppTest) -> dict[str, tuple[str, str | None]]:
    return {m.label: (m.value, m.delta) for m in app.metric}


def test_kpi_row_shows_latest_month_of_first_client(warehouse):
    app = AppTest.from_file(APP, default_timeout=30).run()
    assert not app.exception
    shown = metrics(app)
    assert shown["Claims submitted"][0] == "42"
    assert shown["Billed charges"][0] == "$13,000.00"
    assert shown["Payer paid"][0] == "$10,500.55"
    assert shown["Initial denial rate"] == ("5.0%", "-5.0 pp")
    help_texts = {m.label: m.help for m in app.metric}
    assert "first remittance carries a denial" in help_texts["Initial denial rate"]


def test_choosing_client_and_month_in_sidebar_changes_the_numbers(warehouse):
    app = AppTest.from_file(APP, default_timeout=30).run()
    app.sidebar.selectbox(key="month").select("2026-01").run()
    assert metrics(app)["Billed charges"][0] == "$12,345.60"
    app.sidebar.selectbox(key="client_id").select("zen-pt").run()
    assert not app.exception
    shown = metrics(app)
    assert shown["Claims submitted"][0] == "7"
    assert shown["Initial denial rate"][0] == "—"


def test_missing_warehouse_is_explained_not_a_traceback(isolated_paths):
    app = AppTest.from_file(APP, default_timeout=30).run()
    assert not app.exception
    assert "revaudit run" in app.error[0].value
