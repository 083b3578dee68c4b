"""Measure the synthetic generator: X12 throughput (MB/s), peak memory, time per stage.

    uv run python benchmarks/synth_bench.py                 # throughput scenario
    uv run python benchmarks/synth_bench.py --million       # + the ≥1,000,000-claim scenario

Each scenario runs ``revaudit synth`` in a child process (so peak RSS is the generator's own,
workers included) into benchmarks/work/ (git-ignored) and is timed on the wall clock.
Results go to benchmarks/results/synth.md. Not a test: numbers depend on the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "benchmarks" / "work" / "synth"
RESULTS = ROOT / "benchmarks" / "results" / "synth.md"

SCENARIOS = {
    "throughput": {"clients": 2, "months": 12, "claims_per_month": 2000},
    "million": {"clients": 10, "months": 12, "claims_per_month": 8400},
}


def _measure_parallelism() -> float:
    """How many CPU-bound processes really run at once here (1.0 = one effective core)."""
    code = "s=0\nfor i in range(15_000_000): s+=i"
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True)
    one = time.perf_counter() - start
    start = time.perf_counter()
    procs = [subprocess.Popen([sys.executable, "-c", code]) for _ in range(2)]
    for p in procs:
        p.wait()
    two = time.perf_counter() - start
    return round(2 * one / two, 2)


def run_scenario(name: str, params: dict) -> dict:
    out = WORK / name
    shutil.rmtree(out, ignore_errors=True)
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    before, cpu_before = usage.ru_maxrss, usage.ru_utime + usage.ru_stime
    command = [sys.executable, "-m", "pipelines.cli", "synth", "--out", str(out), "--seed", "1",
               "--clients", str(params["clients"]), "--months", str(params["months"]),
               "--claims-per-month", str(params["claims_per_month"])]
    start = time.perf_counter()
    subprocess.run(command, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    seconds = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    peak_kb = usage.ru_maxrss
    cpu_seconds = usage.ru_utime + usage.ru_stime - cpu_before
    x12 = sum(p.stat().st_size for p in out.glob("*/83[57]/*.x12"))
    total = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    claims = sum(json.loads(t.read_text())["summary"]["claims_submitted_count"]
                 for t in out.glob("*/truth.json"))
    shutil.rmtree(out, ignore_errors=True)
    return {"scenario": name, **params, "claims": claims, "seconds": round(seconds, 1),
            "x12_mb": round(x12 / 1e6, 1), "all_mb": round(total / 1e6, 1),
            "x12_mb_s": round(x12 / 1e6 / seconds, 2),
            "x12_mb_per_cpu_s": round(x12 / 1e6 / cpu_seconds, 2),
            "claims_per_s": round(claims / seconds),
            "peak_rss_mb": round(max(peak_kb, before) / 1024)}


def stage_breakdown(claims_per_month: int = 3000, months: int = 3) -> dict[str, float]:
    """Seconds per stage for one client, in this process (simulation, truth, PM, X12)."""
    from pipelines.synth import write_835, write_837
    from pipelines.synth.events import ClaimBatch, PaymentRun
    from pipelines.synth.generator import simulate_events
    from pipelines.synth.pm_canonical import CanonicalPmWriter
    from pipelines.synth.truth import ClientTruth

    start = time.perf_counter()
    practice, stream = simulate_events(1, 0, months, claims_per_month)
    events = list(stream)
    simulate = time.perf_counter() - start
    start = time.perf_counter()
    truth = ClientTruth(practice)
    for event in events:
        truth.feed(event)
    truth.finish()
    truth_s = time.perf_counter() - start
    folder = WORK / "stages"
    start = time.perf_counter()
    pm = CanonicalPmWriter(practice, folder)
    for event in events:
        pm.feed(event)
    pm.close()
    pm_s = time.perf_counter() - start
    start = time.perf_counter()
    size = 0
    for event in events:
        if isinstance(event, ClaimBatch):
            size += len(write_837.render(practice, event))
        elif isinstance(event, PaymentRun):
            size += len(write_835.render(practice, event))
    x12_s = time.perf_counter() - start
    shutil.rmtree(folder, ignore_errors=True)
    return {"simulate": simulate, "truth": truth_s, "pm": pm_s, "x12": x12_s,
            "x12_mb": size / 1e6}


def write_report(rows: list[dict], stages: dict, parallelism: float) -> None:
    lines = [
        "# Synthetic generator benchmark",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} CPUs reported; two CPU-bound "
        f"processes at once give {parallelism}× the throughput of one (clients are generated "
        f"in parallel processes, so that factor bounds the speed-up); "
        f"Python {platform.python_version()}.",
        "Generated by `uv run python benchmarks/synth_bench.py"
        f"{' --million' if any(r['scenario'] == 'million' for r in rows) else ''}`; "
        "wall-clock time of `revaudit synth` in a child process; peak RSS of the largest "
        "process (the generator or one of its client workers). MB per CPU-second (user + "
        "system time of all generator processes) is the contention-independent figure: "
        "wall MB/s on an idle machine ≈ that × the cores the clients spread over.",
        "",
        "| scenario | clients × months × claims/month | claims | X12 MB | all files MB | "
        "seconds | X12 MB/s | X12 MB per CPU-second | claims/s | peak RSS MB |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(f"| {r['scenario']} | {r['clients']} × {r['months']} × "
                     f"{r['claims_per_month']} | {r['claims']:,} | {r['x12_mb']} | {r['all_mb']} | "
                     f"{r['seconds']} | {r['x12_mb_s']} | {r['x12_mb_per_cpu_s']} | "
                     f"{r['claims_per_s']:,} | "
                     f"{r['peak_rss_mb']} |")
    total = sum(v for k, v in stages.items() if k != "x12_mb")
    lines += [
        "",
        "Time per stage, one client (3,000 claims/month × 3 months), single process:",
        "",
        "| stage | seconds | share |",
        "|---|---|---|",
    ]
    for stage in ("simulate", "truth", "pm", "x12"):
        lines.append(f"| {stage} | {stages[stage]:.2f} | {stages[stage] / total:.0%} |")
    lines += ["", f"X12 rendering alone: {stages['x12_mb'] / stages['x12']:.1f} MB/s.", ""]
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text("\n".join(lines))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--million", action="store_true", help="also run ≥1,000,000 claims")
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    parallelism = _measure_parallelism()
    rows = [run_scenario("throughput", SCENARIOS["throughput"])]
    if args.million:
        rows.append(run_scenario("million", SCENARIOS["million"]))
    stages = stage_breakdown()
    write_report(rows, stages, parallelism)
    print(RESULTS.read_text())


if __name__ == "__main__":
    main()
