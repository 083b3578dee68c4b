"""Ingestion: every new file in the inbox lands in the raw schema, once."""

import dagster as dg

from pipelines import settings
from pipelines.defs.resources import WarehouseResource
from pipelines.ingest.inbox_run import ingest_inbox
from pipelines.ingest.pm_loader import pm_table_columns

EDI_837_TABLES = [
    "edi_837_claims",
    "edi_837_diagnoses",
    "edi_837_service_lines",
    "edi_837_other_payers",
    "edi_837_other_payer_lines",
    "edi_837_other_payer_adjustments",
]
EDI_835_TABLES = [
    "edi_835_payments",
    "edi_835_claim_payments",
    "edi_835_service_payments",
    "edi_835_adjustments",
    "edi_835_remarks",
    "edi_835_provider_adjustments",
]
BOOKKEEPING_TABLES = ["clients", "ingest_files", "x12_diagnostics", "edi_supplemental_values"]
PM_TABLES = list(pm_table_columns())  # raw.pm_<canonical table> and raw.pm_rejects
ALL_TABLES = [*EDI_837_TABLES, *EDI_835_TABLES, *PM_TABLES, *BOOKKEEPING_TABLES]


def raw_specs() -> list[dg.AssetSpec]:
    """One spec per raw table (a function: module-level specs would be loaded as assets)."""
    return [
        *(
            dg.AssetSpec(["raw", t], group_name="ingest_837", kinds={"polars", "duckdb"})
            for t in EDI_837_TABLES
        ),
        *(
            dg.AssetSpec(["raw", t], group_name="ingest_835", kinds={"polars", "duckdb"})
            for t in EDI_835_TABLES
        ),
        *(
            dg.AssetSpec(["raw", t], group_name="ingest_pm", kinds={"polars", "duckdb"})
            for t in PM_TABLES
        ),
        *(
            dg.AssetSpec(["raw", t], group_name="ingest", kinds={"python", "duckdb"})
            for t in BOOKKEEPING_TABLES
        ),
    ]


class IngestConfig(dg.Config):
    force: bool = False  # re-parse files already in the ledger


@dg.multi_asset(name="ingest_inbox", specs=raw_specs(), pool="duckdb")
def ingest_inbox_asset(
    context: dg.AssetExecutionContext, config: IngestConfig, warehouse: WarehouseResource
):
    """One row per claim, line, remittance and adjustment in every X12 file of the inbox, and
    per visit, service, charge, payment, adjustment and rate in every PM export.

    Reads ``<inbox>/<client_id>/**``; a file whose content is already in the ledger is
    skipped, a file that cannot be read is quarantined, and each file loads in one transaction.
    """
    inbox = settings.inbox_dir()
    with warehouse.connect() as conn:
        report = ingest_inbox(
            conn,
            inbox,
            key=settings.pseudonym_key(),
            quarantine=settings.quarantine_dir(),
            force=config.force,
        )
        row_counts = {
            table: conn.sql(f"select count(*) from raw.{table}").fetchall()[0][0]
            for table in ALL_TABLES
        }
        diagnostics = dict(
            conn.sql("select severity, count(*) from raw.x12_diagnostics group by 1").fetchall()
        )
        pm_files_by_kind = dict(conn.sql(
            "select kind, count(*) from raw.ingest_files where kind like 'pm%' group by 1"
        ).fetchall())
    for failure in report.failures:
        context.log.warning(
            f"quarantined {failure.client_id}/{failure.file_name}: {failure.message}"
        )
    errors = [o for o in report.outcomes if o.status == "error"]
    for table in ALL_TABLES:
        yield dg.MaterializeResult(
            asset_key=["raw", table],
            metadata={
                "dagster/row_count": row_counts[table],
                "files_loaded": report.count("loaded") + report.count("reloaded"),
                "files_skipped": report.count("skipped"),
                "files_failed": report.count("failed"),
                "files_error": len(errors),
                "diagnostics_by_severity": diagnostics,
                "pm_files_by_profile": pm_files_by_kind,
                "inbox": str(inbox),
            },
        )
    if errors:
        raise dg.Failure(
            description="; ".join(f"{o.client_id}/{o.file_name}: {o.message}" for o in errors),
        )
