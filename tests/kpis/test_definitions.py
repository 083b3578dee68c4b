"""One published definition per KPI: every measure column of the KPI tables is defined in
docs/metrics.md, and the seeds the definitions rely on say where their facts come from."""

from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
METRICS = (ROOT / "docs" / "metrics.md").read_text()
MARTS = yaml.safe_load((ROOT / "dbt_project/models/marts/_marts__models.yml").read_text())
SEEDS = yaml.safe_load((ROOT / "dbt_project/seeds/terminology/_terminology__seeds.yml").read_text())
KEYS = {"client_id", "month_start_date", "month", "month_end_date"}
CATEGORIES = ["patient_responsibility", "duplicate", "prior_payer", "sequestration",
              "contractual", "denial", "other"]
BUCKETS = ["0_30", "31_60", "61_90", "91_120", "over_120"]


def defined(column: str) -> bool:
    if f"`{column}`" in METRICS:
        return True
    if column in {f"{c}_adjustment_amount" for c in CATEGORIES}:
        return "`<category>_adjustment_amount`" in METRICS
    if column in {f"ar_{b}_amount" for b in BUCKETS}:
        return "`ar_0_30_amount` … `ar_over_120_amount`" in METRICS
    return False


def test_every_monthly_kpi_column_has_a_published_definition():
    [model] = [m for m in MARTS["models"] if m["name"] == "kpi_client_monthly"]
    columns = [c["name"] for c in model["columns"] if c["name"] not in KEYS]
    assert len(columns) > 40
    assert [c for c in columns if not defined(c)] == []


@pytest.mark.parametrize("table", ["kpi_denials_by_dimension_monthly", "kpi_ar_aging_month_end",
                                   "kpi_payer_mix_monthly", "kpi_provider_adjustments_monthly",
                                   "fct_claim_lines"])
def test_every_other_kpi_table_is_described_in_metrics(table):
    assert f"`marts.{table}`" in METRICS


def test_every_seed_names_its_source_and_version():
    for seed in SEEDS["seeds"]:
        meta = seed["config"]["meta"]
        assert meta["source"] and meta["version"], seed["name"]
        assert all(v in ("varchar", "boolean", "integer", "double", "date")
                   or v.startswith("decimal") for v in seed["config"]["column_types"].values())


SHARED_CMS = ROOT.parent / "shared" / "domain" / "cms"


@pytest.mark.skipif(not SHARED_CMS.exists(), reason="shared domain reference not present")
def test_fee_schedule_seed_copies_the_cms_reference_and_its_mppr_formula():
    import csv
    from decimal import ROUND_HALF_UP, Decimal

    seed = {(r["hcpcs_code"], r["fee_schedule_year"]): r for r in csv.DictReader(
        (ROOT / "dbt_project/seeds/terminology/medicare_fee_schedule_ot.csv").open())}
    for year in ("2025", "2026"):
        for ref in csv.DictReader((SHARED_CMS / f"pfs_{year}_ot.csv").open()):
            row = seed[(ref["code"], year)]
            assert row["non_facility_national_amount"] == ref["nf_national_amount"]
            assert row["multiple_procedure_indicator"] == ref["mult_proc_ind"]
            work, pe, mp, cf = (Decimal(ref[k]) for k in ("work_rvu", "nf_pe_rvu", "mp_rvu",
                                                           "conv_factor"))
            if ref["mult_proc_ind"] == "5":
                reduced = ((work + pe / 2 + mp) * cf).quantize(Decimal("0.01"), ROUND_HALF_UP)
                assert Decimal(row["mppr_subsequent_unit_amount"]) == reduced
            else:
                assert row["mppr_subsequent_unit_amount"] == ""
    # the domain reference's worked MPPR figure for 97110 in 2025
    assert seed[("97110", "2025")]["mppr_subsequent_unit_amount"] == "21.83"
