"""Measure the synthetic generator: X12 throughput (MB/s), CPU, peak memory, time per stage.

    uv run python benchmarks/synth_bench.py                 # throughput scenario
    uv run python benchmarks/synth_bench.py --million       # + the ≥1,000,000-claim scenario

Each scenario runs ``revaudit synth`` in a child process (so peak RSS is the generator's own,
workers included) into benchmarks/work/ (git-ignored), timed on the wall clock and in CPU
seconds (user + system of every generator process). The host is shared: before each run the
bench waits (up to ``--max-wait`` seconds in all) for the 1-minute load average to fall below
``--quiet-load``, and records the load it ran under. The throughput scenario runs ``--repeat``
times and the million scenario ``--million-repeat`` times; the table shows each run. Results
go to benchmarks/results/synth.md. Not a test: numbers depend on the machine.
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
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "benchmarks" / "work" / "synth"
RESULTS = ROOT / "benchmarks" / "results" / "synth.md"

SCENARIOS = {
    "throughput": {"clients": 2, "months": 12, "claims_per_month": 2000},
    "million": {"clients": 10, "months": 12, "claims_per_month": 8400},
}
TARGET_MB_S = 20.0


class LoadGate:
    """Waits for a quiet host, within one overall time budget."""

    def __init__(self, quiet_load: float, max_wait: float):
        self.quiet_load = quiet_load
        self.budget = max_wait

    def wait(self) -> float:
        """Sleep until the 1-minute load is below the threshold or the budget is spent."""
        while os.getloadavg()[0] >= self.quiet_load and self.budget > 0:
            time.sleep(min(15.0, self.budget))
            self.budget -= 15.0
        return round(os.getloadavg()[0], 2)


def run_scenario(name: str, params: dict, gate: LoadGate) -> dict:
    out = WORK / name
    shutil.rmtree(out, ignore_errors=True)
    load_before = gate.wait()
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    before, cpu_before = usage.ru_maxrss, usage.ru_utime + usage.ru_stime
    command = [sys.executable, "-m", "pipelines.cli", "synth", "--out", str(out), "--seed", "1",
               "--clients", str(params["clients"]), "--months", str(params["months"]),
               "--claims-per-month", str(params["claims_per_month"])]
    start = time.perf_counter()
    subprocess.run(command, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    seconds = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu_seconds = usage.ru_utime + usage.ru_stime - cpu_before
    x12 = sum(p.stat().st_size for p in out.glob("*/83[57]/*.x12"))
    total = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    claims = sum(json.loads(t.read_text())["summary"]["claims_submitted_count"]
                 for t in out.glob("*/truth.json"))
    shutil.rmtree(out, ignore_errors=True)
    return {"scenario": name, **params, "claims": claims, "seconds": round(seconds, 2),
            "cpu_seconds": round(cpu_seconds, 2), "x12_mb": round(x12 / 1e6, 1),
            "all_mb": round(total / 1e6, 1), "x12_mb_s": round(x12 / 1e6 / seconds, 2),
            "x12_mb_per_cpu_s": round(x12 / 1e6 / cpu_seconds, 2),
            "claims_per_s": round(claims / seconds),
            # ru_maxrss of children: the largest single generator process (KB on Linux)
            "peak_rss_mb": round(max(usage.ru_maxrss, before) / 1024),
            "load_before": load_before, "load_after": round(os.getloadavg()[0], 2)}


def stage_breakdown(claims_per_month: int = 3000, months: int = 3) -> dict[str, float]:
    """CPU seconds per stage for one client (client 0: its PM export is converted), in this
    process: simulation, truth, canonical PM, X12 rendering, X12 files, PM conversion."""
    from pipelines.synth import write_835, write_837
    from pipelines.synth.events import ClaimBatch, PaymentRun
    from pipelines.synth.generator import (
        _convert_pm_export,
        _pm_writer,
        simulate_events,
        without_cycle_collection,
    )
    from pipelines.synth.pm_canonical import CanonicalPmWriter
    from pipelines.synth.truth import ClientTruth

    with without_cycle_collection():  # as the generator runs a client
        clock = time.process_time
        start = clock()
        practice, stream = simulate_events(1, 0, months, claims_per_month)
        events = list(stream)
        simulate = clock() - start
        start = clock()
        truth = ClientTruth(practice)
        for event in events:
            truth.feed(event)
        truth.finish()
        truth_s = clock() - start
        folder = WORK / "stages"
        shutil.rmtree(folder, ignore_errors=True)
        start = clock()
        pm = CanonicalPmWriter(practice, folder / "pm")
        for event in events:
            pm.feed(event)
        pm.close()
        pm_s = clock() - start
        start = clock()
        texts = []
        for event in events:
            if isinstance(event, ClaimBatch):
                texts.append((write_837.file_name(event), write_837.render(practice, event)))
            elif isinstance(event, PaymentRun):
                texts.append((write_835.file_name(event), write_835.render(practice, event)))
        x12_s = clock() - start
        start = clock()
        (folder / "x12").mkdir(parents=True)
        for name, text in texts:
            (folder / "x12" / name).write_bytes(text)
        files_s = clock() - start
        _pm_writer()  # loading polars and the profiles is not part of the conversion
        start = clock()
        _convert_pm_export(folder / "pm", "visit_billing")
        convert_s = clock() - start
        shutil.rmtree(folder, ignore_errors=True)
        return {"simulate": simulate, "truth": truth_s, "pm": pm_s, "x12": x12_s,
                "x12 files": files_s, "pm conversion": convert_s,
                "x12_mb": sum(len(text) for _, text in texts) / 1e6}


def write_report(rows: list[dict], stages: dict, args) -> None:
    measured = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "# Synthetic generator benchmark",
        "",
        f"Measured {measured} by `uv run python benchmarks/synth_bench.py"
        f"{' --million' if args.million else ''}` on {platform.machine()} with "
        f"{os.cpu_count()} CPU cores, Python {platform.python_version()}. Target: more than "
        f"{TARGET_MB_S:.0f} MB/s of X12, wall clock, for the whole `revaudit synth` (PM exports "
        "and truth included).",
        "",
        "Wall clock of `revaudit synth` in a child process; CPU seconds = user + system time of "
        "all generator processes; peak RSS = the largest single process (the parent or a "
        "client worker). The host is shared with other work: the 1-minute load average is "
        "recorded before and after each run (2 cores: a load well above 2 means other "
        "processes competed for them), and MB per CPU-second is the figure that does not "
        "depend on that contention (wall MB/s on an idle machine ≈ that × the cores the "
        "clients spread over).",
        "",
        "| scenario | clients × months × claims/month | claims | X12 MB | all files MB | "
        "seconds | CPU seconds | X12 MB/s | X12 MB per CPU-second | claims/s | peak RSS MB | "
        "load before / after |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(f"| {r['scenario']} | {r['clients']} × {r['months']} × "
                     f"{r['claims_per_month']} | {r['claims']:,} | {r['x12_mb']} | "
                     f"{r['all_mb']} | {r['seconds']} | {r['cpu_seconds']} | {r['x12_mb_s']} | "
                     f"{r['x12_mb_per_cpu_s']} | {r['claims_per_s']:,} | {r['peak_rss_mb']} | "
                     f"{r['load_before']} / {r['load_after']} |")
    total = sum(v for k, v in stages.items() if k != "x12_mb")
    lines += [
        "",
        "CPU seconds per stage, one client (client 0, 3,000 claims/month × 3 months), single "
        "process:",
        "",
        "| stage | CPU seconds | share |",
        "|---|---|---|",
    ]
    for stage, seconds in stages.items():
        if stage != "x12_mb":
            lines.append(f"| {stage} | {seconds:.2f} | {seconds / total:.0%} |")
    lines += ["", f"X12 rendering alone: {stages['x12_mb'] / stages['x12']:.1f} MB per "
              "CPU-second.", ""]
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text("\n".join(lines))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--million", action="store_true", help="also run ≥1,000,000 claims")
    parser.add_argument("--repeat", type=int, default=3, help="throughput runs (default 3)")
    parser.add_argument("--million-repeat", type=int, default=3,
                        help="million-claim runs (default 3)")
    parser.add_argument("--quiet-load", type=float, default=2.5,
                        help="wait for the 1-minute load average to fall below this")
    parser.add_argument("--max-wait", type=float, default=1200,
                        help="seconds to wait for a quiet host, in all (default 1200)")
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    gate = LoadGate(args.quiet_load, args.max_wait)
    rows = [run_scenario("throughput", SCENARIOS["throughput"], gate)
            for _ in range(args.repeat)]
    if args.million:
        rows += [run_scenario("million", SCENARIOS["million"], gate)
                 for _ in range(args.million_repeat)]
    stages = stage_breakdown()
    write_report(rows, stages, args)
    print(RESULTS.read_text())


if __name__ == "__main__":
    main()
