"""The ``revaudit`` command line.

Each command is a thin shell over a library function; errors print one line and set the exit
code (0 success, 1 usage or operational error, 2 a file could not be read as X12).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from pipelines import settings

EXIT_OK, EXIT_USAGE, EXIT_UNREADABLE = 0, 1, 2


class CliError(click.ClickException):
    """An expected failure: printed as one line, exit code 1."""


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def cli() -> None:
    """revaudit: revenue-leak analytics for therapy billing from X12 837P/835 and PM exports."""


@cli.command()
@click.option("--inbox", type=click.Path(file_okay=False, path_type=Path),
              help="Folder with one sub-folder per client "
                   "(default: data/sample, or $REVAUDIT_INBOX).")
@click.option("--warehouse", type=click.Path(dir_okay=False, path_type=Path),
              help="DuckDB file (default: data/warehouse.duckdb, or $REVAUDIT_WAREHOUSE).")
@click.option("--force", is_flag=True, help="Re-parse files already in the ingest ledger.")
def run(inbox: Path | None, warehouse: Path | None, force: bool) -> None:
    """Ingest everything new in the inbox, then rebuild the models and checks.

    Runs the same asset graph that Dagster shows (ingestion, dbt build, quality checks),
    in this process. Files already loaded are recognised by content hash and skipped.
    """
    if inbox is not None:
        if not inbox.is_dir():
            raise CliError(f"inbox folder not found: {inbox}")
        os.environ["REVAUDIT_INBOX"] = str(inbox.resolve())
    if warehouse is not None:
        os.environ["REVAUDIT_WAREHOUSE"] = str(warehouse.resolve())
    if force:
        os.environ["REVAUDIT_FORCE_REINGEST"] = "1"
    from pipelines.runner import run_pipeline

    summary = run_pipeline()
    click.echo(summary.describe())
    if not summary.success:
        raise CliError("pipeline failed: " + "; ".join(summary.failures))


@cli.group()
def x12() -> None:
    """Read X12 837P/837I and 835 files."""


@x12.command("inspect")
@click.argument("files", nargs=-1, required=True,
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="One JSON object per file, one per line.")
def x12_inspect(files: tuple[Path, ...], as_json: bool) -> None:
    """Parse FILES without loading them and report counts, totals, diagnostics and errors.

    Exit code 0 when every file was read as X12, 2 when any file could not be.
    """
    from pipelines.x12.inspect import inspect_file

    reports = [inspect_file(path) for path in files]
    for report in reports:
        if as_json:
            click.echo(json.dumps(report, ensure_ascii=False))
        else:
            click.echo(_describe_inspection(report))
    if any(report["error"] for report in reports):
        sys.exit(EXIT_UNREADABLE)


def _describe_inspection(report: dict) -> str:
    if report["error"]:
        return f"{report['file']}: ERROR {report['error']['message']}"
    paid = f", paid {report['total_paid']}" if report["total_paid"] is not None else ""
    return (
        f"{report['file']}: {report['kind']} {report['version'] or ''} "
        f"{report['claims']} claims, {report['service_lines']} lines, "
        f"charges {report['total_charge']}{paid}, {len(report['diagnostics'])} diagnostics"
    )


@cli.command()
@click.option("--out", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder to write into (one sub-folder per client).")
@click.option("--seed", required=True, type=int, help="Same seed, same bytes.")
@click.option("--clients", default=2, show_default=True, type=click.IntRange(1, 1000))
@click.option("--months", default=12, show_default=True, type=click.IntRange(1, 120))
@click.option("--claims-per-month", default=None, type=click.IntRange(1),
              help="Claims per client per month (default: the practice's own volume).")
def synth(out: Path, seed: int, clients: int, months: int, claims_per_month: int | None) -> None:
    """Write a synthetic therapy practice's files: 837P, 835, PM exports and truth.json."""
    from pipelines.synth import generate

    written = generate(out, seed=seed, clients=clients, months=months,
                       claims_per_month=claims_per_month)
    click.echo(f"wrote {written.file_count} files for {written.client_count} clients to {out}")


@cli.command()
@click.option("--client", "client_id", required=True, help="Client id (its inbox folder name).")
@click.option("--month", default=None, metavar="YYYY-MM", help="One month only (default: all).")
@click.option("--warehouse", type=click.Path(dir_okay=False, path_type=Path),
              help="DuckDB file (default: data/warehouse.duckdb, or $REVAUDIT_WAREHOUSE).")
@click.option("--json", "as_json", is_flag=True,
              help="Every KPI column as JSON: rates as fractions, money as strings.")
def kpis(client_id: str, month: str | None, warehouse: Path | None, as_json: bool) -> None:
    """Print a client's monthly KPIs (marts.kpi_client_monthly; definitions: docs/metrics.md)."""
    from pipelines.kpis import KpiError, client_kpis, describe

    path = warehouse.resolve() if warehouse is not None else settings.warehouse_path()
    try:
        rows = client_kpis(path, client_id, month)
    except KpiError as exc:
        raise CliError(str(exc)) from exc
    click.echo(json.dumps(rows, indent=2, ensure_ascii=False) if as_json else describe(rows))


@cli.command()
@click.option("--port", default=8501, show_default=True, type=int)
@click.option("--warehouse", type=click.Path(dir_okay=False, path_type=Path),
              help="DuckDB file to show (default: data/warehouse.duckdb, or $REVAUDIT_WAREHOUSE).")
def app(port: int, warehouse: Path | None) -> None:
    """Serve the dashboard (Streamlit) on http://localhost:PORT."""
    import subprocess

    if warehouse is not None:
        os.environ["REVAUDIT_WAREHOUSE"] = str(warehouse.resolve())
    if not settings.warehouse_path().exists():
        raise CliError(f"no warehouse at {settings.warehouse_path()}: run `revaudit run` first")
    entry = settings.PROJECT_ROOT / "dashboards" / "streamlit_app.py"
    click.echo(f"revaudit dashboard: http://localhost:{port}")
    command = [sys.executable, "-m", "streamlit", "run", str(entry),
               "--server.port", str(port), "--server.headless", "true",
               "--browser.gatherUsageStats", "false", "--client.toolbarMode", "viewer"]
    sys.exit(subprocess.call(command))


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point: map click's exit codes onto revaudit's."""
    try:
        code = cli.main(args=argv, prog_name="revaudit", standalone_mode=False)
    except click.UsageError as exc:
        click.echo(f"revaudit: {exc.format_message()}", err=True)
        sys.exit(EXIT_USAGE)
    except click.ClickException as exc:
        click.echo(f"revaudit: {exc.format_message()}", err=True)
        sys.exit(EXIT_USAGE)
    except click.Abort:
        sys.exit(EXIT_USAGE)
    sys.exit(code if isinstance(code, int) else EXIT_OK)


if __name__ == "__main__":
    main()
