"""Great Expectations suites on the landed raw tables, as blocking asset checks: dbt does not
build on raw data that fails them."""


import dagster as dg

from pipelines.defs.resources import WarehouseResource
from pipelines.quality.runner import validate_frame
from pipelines.quality.suites import SUITES


def _check_table(table: str, warehouse: WarehouseResource) -> dg.AssetCheckResult:
    with warehouse.connect(read_only=True) as conn:
        frame = conn.sql(f"select * from raw.{table}").pl()
    outcome = validate_frame(frame, SUITES[table]())
    return dg.AssetCheckResult(
        passed=outcome.success,
        severity=dg.AssetCheckSeverity.ERROR,
        metadata={
            "rows_validated": outcome.row_count,
            "expectations": len(outcome.outcomes),
            "failed": [f"{o.expectation}({o.column or ''})" for o in outcome.failed],
            "unexpected_counts": {f"{o.expectation}({o.column or ''})": o.unexpected_count or 0
                                  for o in outcome.failed},
        },
    )


@dg.asset_check(asset=["raw", "edi_837_claims"], blocking=True,
                description="GX suite raw_edi_837_claims: ids, amounts, dates, NPIs, uniqueness.")
def gx_edi_837_claims(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    return _check_table("edi_837_claims", warehouse)


@dg.asset_check(asset=["raw", "edi_835_claim_payments"], blocking=True,
                description="GX suite raw_edi_835_claim_payments: ids, CLP02 codes, amounts.")
def gx_edi_835_claim_payments(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    return _check_table("edi_835_claim_payments", warehouse)
