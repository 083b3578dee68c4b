"""How long `dbt build` (every seed, model, data test and unit test) takes on a warehouse
holding a million claims, on this machine. Writes benchmarks/results/dbt.md.

The warehouse is built the way production builds it, then widened: the synthetic generator
writes a few practices (837, 835, PM exports), the real X12 and PM loaders ingest them, and
the raw rows are then copied under new client ids until the
warehouse holds the target number of claims (each copy a practice of its own, every id made
distinct through client_id and file_id). The copies keep the generator's realism (denials,
reversals, replacements, secondary payers, patient payments) at any size.

    uv run python benchmarks/dbt_bench.py [--claims 1000000] [--threads 1]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import resource
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipelines import settings  # noqa: E402
from pipelines.ingest import warehouse  # noqa: E402
from pipelines.ingest.inbox_run import ingest_inbox  # noqa: E402
from pipelines.synth import generate  # noqa: E402

WORK = ROOT / "benchmarks" / "work" / "dbt"
RESULTS = ROOT / "benchmarks" / "results" / "dbt.md"
SEED = 20261127


def build_base(work: Path, clients: int, months: int, claims_per_month: int) -> Path:
    """Generator output for a few practices, ingested with the real loader."""
    inbox, path = work / "inbox", work / "base.duckdb"
    generate(inbox, seed=SEED, clients=clients, months=months, claims_per_month=claims_per_month)
    with warehouse.connect(path) as conn:
        report = ingest_inbox(conn, inbox, key=b"benchmark", quarantine=work / "quarantine")
        if report.failures:
            raise SystemExit(f"ingest failed: {report.failures[0].message}")
    return path


def widen(base: Path, target: Path, copies: int) -> None:
    """Copy every raw row of the base under ``copies`` client ids (suffix -c<k>)."""
    shutil.copy(base, target)
    with duckdb.connect(str(target)) as conn:
        tables = [row[0] for row in conn.execute(
            "select table_name from information_schema.tables where table_schema = 'raw'"
        ).fetchall()]
        for table in tables:
            columns = {row[0] for row in conn.execute(
                "select column_name from information_schema.columns "
                "where table_schema = 'raw' and table_name = ?", [table]).fetchall()}
            if "client_id" not in columns:
                continue
            replaced = ["source.client_id || '-c' || copies.k as client_id"]
            if "file_id" in columns:
                replaced.append("source.file_id || '-c' || copies.k as file_id")
            conn.execute(f"""
                insert into raw.{table}
                select source.* replace ({', '.join(replaced)})
                from raw.{table} as source, range(1, {copies}) as copies(k)
            """)
        conn.execute("checkpoint")


def dbt_build(path: Path, threads: int) -> tuple[float, float, dict]:
    env = {**os.environ, "REVAUDIT_WAREHOUSE": str(path), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    dbt = Path(sys.executable).with_name("dbt")
    command = [str(dbt), "build", "--project-dir", str(settings.DBT_PROJECT_DIR),
               "--profiles-dir", str(settings.DBT_PROJECT_DIR),
               "--target-path", str(WORK / "target"), "--log-path", str(WORK / "logs"),
               "--threads", str(threads)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if result.returncode != 0:
        raise SystemExit("dbt build failed:\n" + result.stdout[-3000:])
    run = json.loads((WORK / "target" / "run_results.json").read_text())
    return elapsed, cpu, run


def counts(path: Path) -> dict[str, int]:
    with duckdb.connect(str(path), read_only=True) as conn:
        def n(sql: str) -> int:
            return conn.execute(sql).fetchone()[0]
        return {
            "clients": n("select count(*) from marts.dim_clients"),
            "claims": n("select count(*) from marts.fct_claims"),
            "claim lines": n("select count(*) from marts.fct_claim_lines"),
            "claim submissions (837 CLM)": n("select count(*) from raw.edi_837_claims"),
            "remittances (835 CLP)": n("select count(*) from raw.edi_835_claim_payments"),
            "service payments (835 SVC)": n("select count(*) from raw.edi_835_service_payments"),
            "adjustments (CAS triplets)": n("select count(*) from raw.edi_835_adjustments"),
            "patient payments (PM)": n("select count(*) from raw.pm_patient_payments"),
            "claim-month balance snapshots": n(
                "select count(*) from intermediate.int_claim_balances__snapshotted_month_end"),
        }


def slowest(run: dict, top: int = 8) -> list[tuple[str, float]]:
    timed = [(".".join(r["unique_id"].split(".")[2:])[:90], r["execution_time"])
             for r in run["results"]]
    return sorted(timed, key=lambda item: -item[1])[:top]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--claims", type=int, default=1_000_000)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--base-clients", type=int, default=3)
    parser.add_argument("--base-months", type=int, default=12)
    parser.add_argument("--base-claims-per-month", type=int, default=1400)
    parser.add_argument("--keep", action="store_true", help="reuse the base warehouse if present")
    args = parser.parse_args()

    WORK.mkdir(parents=True, exist_ok=True)
    base = WORK / "base.duckdb"
    started = time.perf_counter()
    reused = args.keep and base.exists()
    if not reused:
        shutil.rmtree(WORK, ignore_errors=True)
        WORK.mkdir(parents=True)
        base = build_base(WORK, args.base_clients, args.base_months, args.base_claims_per_month)
    prepared = time.perf_counter() - started
    with duckdb.connect(str(base), read_only=True) as conn:
        base_claims = conn.execute(
            "select count(distinct client_id || patient_control_number) from raw.edi_837_claims"
        ).fetchone()[0]
    copies = max(1, math.ceil(args.claims / base_claims))
    target = WORK / "warehouse.duckdb"
    widen(base, target, copies)

    load_before = os.getloadavg()[0]
    elapsed, cpu, run = dbt_build(target, args.threads)
    load_after = os.getloadavg()[0]
    found = counts(target)
    statuses: dict[str, int] = {}
    for result in run["results"]:
        statuses[result["status"]] = statuses.get(result["status"], 0) + 1
    kinds: dict[str, int] = {}
    for result in run["results"]:
        kind = result["unique_id"].split(".")[0]
        kinds[kind] = kinds.get(kind, 0) + 1

    lines = [
        "# dbt build at a million claims",
        "",
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC by `benchmarks/dbt_bench.py` on "
        f"{platform.machine()} with {os.cpu_count()} CPU cores, Python "
        f"{platform.python_version()}, DuckDB {duckdb.__version__}, dbt threads "
        f"{args.threads}.",
        "",
        f"**`dbt build` (all seeds, models, data tests and unit tests): {elapsed:.1f} s** "
        f"wall clock (target: under 120 s), {cpu:.1f} s of CPU (user + system, both cores). "
        f"Load average before/after the run: {load_before:.1f} / {load_after:.1f} (the machine "
        "is shared: a load well above 2 means other work competed for the cores).",
        "",
        "Warehouse: generator output (seed "
        f"{SEED}, {args.base_clients} practices x {args.base_months} months x "
        f"{args.base_claims_per_month} claims a month = {base_claims:,} claims) ingested with "
        f"the X12 and PM loaders, then copied {copies} times under new client ids"
        + (" (base reused from an earlier run; " if reused else f" (preparation {prepared:.0f} s, ")
        + "not part of the figure).",
        "",
        "| rows | count |",
        "|---|---:|",
        *[f"| {name} | {value:,} |" for name, value in found.items()],
        "",
        "Nodes run: " + ", ".join(f"{n} {k}" for k, n in sorted(kinds.items()))
        + "; results: " + ", ".join(f"{n} {s}" for s, n in sorted(statuses.items())) + ".",
        "",
        "Slowest nodes:",
        "",
        "| node | seconds |",
        "|---|---:|",
        *[f"| {name} | {seconds:.1f} |" for name, seconds in slowest(run)],
        "",
    ]
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
