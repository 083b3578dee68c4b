"""The whole asset graph on data/sample, into a temporary warehouse, checked against the
generator's ground truth (truth.json: KPIs computed from its events, not from the files)."""

import json
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from pipelines.runner import run_pipeline

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "sample"
COUNT_KPIS = ["claims_submitted_count", "claims_adjudicated_count"]
MONEY_KPIS = ["billed_amount", "payer_paid_amount"]
RATE_KPIS = ["initial_denial_rate", "initial_denial_rate_amount"]

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory):
    """Run the pipeline twice on the sample (the second run must change nothing)."""
    base = tmp_path_factory.mktemp("e2e")
    mp = pytest.MonkeyPatch()
    mp.setenv("REVAUDIT_INBOX", str(SAMPLE))
    mp.setenv("REVAUDIT_WAREHOUSE", str(base / "warehouse.duckdb"))
    mp.setenv("REVAUDIT_QUARANTINE", str(base / "quarantine"))
    mp.setenv("REVAUDIT_PSEUDONYM_KEY", "e2e-key")
    try:
        first = run_pipeline()
        with duckdb.connect(str(base / "warehouse.duckdb"), read_only=True) as conn:
            kpis_after_first = conn.sql("select * from marts.kpi_client_monthly order by all") \
                .fetchall()
        second = run_pipeline()
    finally:
        mp.undo()
    return first, second, kpis_after_first, base / "warehouse.duckdb"


def kpi_rows(path: Path) -> dict[tuple[str, str], dict]:
    with duckdb.connect(str(path), read_only=True) as conn:
        frame = conn.sql("select * from marts.kpi_client_monthly").pl()
    return {(r["client_id"], r["month"]): r for r in frame.iter_rows(named=True)}


def test_graph_succeeds_and_every_check_passes(built):
    first, second, _, _ = built
    assert first.success, first.failures
    assert first.checks_failed == [] and first.checks_passed >= 30
    sample_files = [p for p in SAMPLE.rglob("*") if p.suffix in (".x12", ".csv", ".xlsx")]
    assert first.ingest == {"loaded": len(sample_files), "skipped": 0, "failed": 0, "error": 0}


def test_running_again_skips_every_file_and_changes_no_number(built):
    _, second, kpis_after_first, path = built
    assert second.success
    assert second.ingest["loaded"] == 0 and second.ingest["skipped"] > 0
    with duckdb.connect(str(path), read_only=True) as conn:
        assert conn.sql("select * from marts.kpi_client_monthly order by all").fetchall() \
            == kpis_after_first
        assert conn.sql("select max(times_seen) from raw.ingest_files").fetchall()[0][0] == 2


@pytest.mark.parametrize("client_dir", sorted(p for p in SAMPLE.iterdir() if p.is_dir()),
                         ids=lambda p: p.name)
def test_monthly_kpis_equal_the_generators_truth(built, client_dir: Path):
    truth = json.loads((client_dir / "truth.json").read_text())
    rows = kpi_rows(built[3])
    assert len(truth["months"]) >= 12
    for month, expected in truth["months"].items():
        got = rows[(client_dir.name, month)]
        for kpi in COUNT_KPIS:
            assert got[kpi] == expected[kpi], (month, kpi)
        for kpi in MONEY_KPIS:
            assert got[kpi] == Decimal(expected[kpi]), (month, kpi)
        for kpi in RATE_KPIS:
            if expected[kpi] is None:
                assert got[kpi] is None, (month, kpi)
            else:
                assert got[kpi] == pytest.approx(expected[kpi], abs=0.001), (month, kpi)


def test_pm_visits_match_the_claims_that_billed_them(built):
    """Every visit the generator says was never billed stays unmatched; every match agrees
    with the claim number the PM's own charges carry; the sample has no rejected PM rows."""
    with duckdb.connect(str(built[3]), read_only=True) as conn:
        matches = conn.sql("select client_id, visit_id, match_quality, agrees_with_pm_charges "
                           "from intermediate.int_visits__matched_to_claims").pl()
        rejects = conn.sql("select count(*) from raw.pm_rejects").fetchall()[0][0]
    assert rejects == 0
    quality = {(r["client_id"], r["visit_id"]): r["match_quality"]
               for r in matches.iter_rows(named=True)}
    never_billed = [(c.name, leak["visit_id"]) for c in SAMPLE.iterdir() if c.is_dir()
                    for leak in json.loads((c / "truth.json").read_text())["leaks"]
                    if leak["kind"] == "visit_never_billed"]
    assert never_billed and all(quality[v] == "unmatched" for v in never_billed)
    assert matches["agrees_with_pm_charges"].drop_nulls().all()
    assert (matches["match_quality"] == "exact").sum() > 1000
