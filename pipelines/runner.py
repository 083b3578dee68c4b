"""``revaudit run``: materialize the whole asset graph in this process, as Dagster would."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import dagster as dg

from pipelines import settings


@dataclass
class RunSummary:
    success: bool
    materialized: int = 0
    checks_passed: int = 0
    checks_failed: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    ingest: dict = field(default_factory=dict)

    def describe(self) -> str:
        files = ", ".join(f"{n} {status}" for status, n in sorted(self.ingest.items())) or "none"
        lines = [
            f"warehouse: {settings.warehouse_path()}",
            f"inbox: {settings.inbox_dir()}",
            f"files: {files}",
            f"assets materialized: {self.materialized}",
            f"checks: {self.checks_passed} passed, {len(self.checks_failed)} failed",
        ]
        lines += [f"  failed check: {name}" for name in self.checks_failed]
        return "\n".join(lines)


def _instance() -> dg.DagsterInstance:
    return dg.DagsterInstance.get() if os.environ.get("DAGSTER_HOME") else \
        dg.DagsterInstance.ephemeral()


def run_pipeline(force: bool | None = None) -> RunSummary:
    """Ingest the inbox, build every dbt model and test, run every check."""
    from pipelines.definitions import defs

    if force is None:
        force = os.environ.get("REVAUDIT_FORCE_REINGEST") == "1"
    os.environ["REVAUDIT_WAREHOUSE"] = str(settings.warehouse_path())
    job = defs().resolve_implicit_global_asset_job_def()
    with _instance() as instance:
        result = job.execute_in_process(
            instance=instance, raise_on_error=False,
            run_config={
                "ops": {"ingest_inbox": {"config": {"force": force}}},
                # Dagster's per-event DEBUG lines drown the summary; REVAUDIT_LOG_LEVEL=DEBUG
                # brings them back.
                "loggers": {"console": {"config": {
                    "log_level": os.environ.get("REVAUDIT_LOG_LEVEL", "INFO").upper()}}},
            },
        )
    evaluations = result.get_asset_check_evaluations()
    failed_checks = [e.asset_check_key.to_user_string() for e in evaluations if not e.passed]
    ingest_meta = {}
    for event in result.get_asset_materialization_events():
        materialization = event.event_specific_data.materialization
        if materialization.asset_key == dg.AssetKey(["raw", "ingest_files"]):
            meta = materialization.metadata
            ingest_meta = {status: meta[f"files_{status}"].value
                           for status in ("loaded", "skipped", "failed", "error")}
    failures = [f"step {event.step_key}: {event.event_specific_data.error.message.strip()}"
                for event in result.all_events if event.is_step_failure]
    return RunSummary(
        success=result.success and not failed_checks,
        materialized=len(result.get_asset_materialization_events()),
        checks_passed=sum(e.passed for e in evaluations),
        checks_failed=failed_checks,
        failures=failures + [f"check {name} failed" for name in failed_checks],
        ingest=ingest_meta,
    )
