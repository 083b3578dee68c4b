"""X12 reader benchmark: revaudit against oxedi (835), openx12 (835, 837P) and pyx12.

    uv run --group bench python benchmarks/x12_bench.py [--size-mb 100] [--small-mb 5]

Generates seeded synthetic files (benchmarks/x12_generate.py) into benchmarks/work/, then times
each reader in a fresh subprocess (so peak memory is its own: ru_maxrss, and the resident size
after imports as baseline), checks the claim count against the generator's truth, and writes
benchmarks/results/x12.md and x12.json. Peers come from the ``bench`` dependency group only.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

CHUNK_BYTES = 4 * 1024 * 1024


# ------------------------------------------------------------------ workers (subprocess)
def _status_mb(field: str) -> float:
    """VmRSS (resident now) or VmHWM (resident peak) of this process, in MiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _worker(tool: str, path: str) -> dict:
    if tool in ("revaudit", "revaudit-chunked"):
        from pipelines.x12 import iter_x12, read_x12
    elif tool == "oxedi":
        import oxedi
    elif tool.startswith("openx12"):
        from openx12 import x835, x837p
    elif tool.startswith("pyx12"):
        import pyx12.error_handler
        import pyx12.params
        import pyx12.x12context
    baseline = _status_mb("VmRSS")
    start = time.perf_counter()
    if tool == "revaudit":
        document = read_x12(path)
        claims, error = document.claims, document.error
    elif tool == "revaudit-chunked":
        claims, error = 0, None
        for document in iter_x12(path, chunk_bytes=CHUNK_BYTES):
            claims += document.claims
            error = error or document.error
    elif tool == "oxedi":
        result = oxedi.parse_file(path)
        claims, error = result.count_claims(), None
    elif tool == "openx12-835":
        claims, error = len(x835.parse(Path(path).read_text()).claims), None
    elif tool == "openx12-837p":
        claims, error = len(x837p.parse(Path(path).read_text()).claims), None
    elif tool.startswith("pyx12"):
        claim_id = "CLP" if tool == "pyx12-835" else "CLM"
        params = pyx12.params.params()
        errors = pyx12.error_handler.errh_null()
        claims = 0
        with open(path) as handle:
            reader = pyx12.x12context.X12ContextReader(params, errors, handle)
            for node in reader.iter_segments():
                claims += node.seg_data.get_seg_id() == claim_id
        error = None
    else:
        raise SystemExit(f"unknown tool {tool}")
    seconds = time.perf_counter() - start
    peak = _status_mb("VmHWM")
    return {"seconds": seconds, "claims": claims, "error": str(error) if error else None,
            "baseline_mb": baseline, "peak_mb": peak}


# ------------------------------------------------------------------------- driver
def _run(tool: str, path: Path, timeout: int) -> dict:
    completed = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--worker", tool, str(path)],
        capture_output=True, text=True, timeout=timeout)
    if completed.returncode != 0:
        return {"failed": completed.stderr.strip().splitlines()[-1:]}
    return json.loads(completed.stdout.strip().splitlines()[-1])


def _summary(tool: str, runs: list[dict]) -> dict:
    failed = [run for run in runs if "failed" in run]
    if failed:
        return {"tool": tool, "failed": failed[0]["failed"]}
    best = min(runs, key=lambda run: run["seconds"])
    return {"tool": tool, "runs": len(runs),
            "seconds": statistics.median(run["seconds"] for run in runs),
            "best_seconds": best["seconds"], "claims": best["claims"], "error": best["error"],
            "baseline_mb": best["baseline_mb"],
            "peak_mb": max(run["peak_mb"] for run in runs)}


def _files(work: Path, size_mb: float, small_mb: float, seed: int) -> dict:
    from x12_generate import generate_835, generate_837p

    work.mkdir(parents=True, exist_ok=True)
    files = {}
    for label, megabytes in (("large", size_mb), ("small", small_mb)):
        for kind, generate, offset in (("835", generate_835, 0), ("837P", generate_837p, 1)):
            path = work / f"x12_{kind}_{label}_seed{seed + offset}_{megabytes:g}mb.x12"
            truth = generate(path, int(megabytes * 1_000_000), seed + offset)
            files[(kind, label)] = truth
    return files


def _row(result: dict, truth, kind: str, label: str) -> dict:
    size_mb = truth.bytes / 1_000_000
    row = {"tool": result["tool"], "transaction": kind, "file": label,
           "file_mb": round(size_mb, 1), "expected_claims": truth.claims}
    if "failed" in result:
        return {**row, "failed": result["failed"]}
    seconds = result["seconds"]
    above = max(result["peak_mb"] - result["baseline_mb"], 0.0)
    return {**row, "runs": result["runs"], "seconds": round(seconds, 3),
            "mb_per_s": round(size_mb / seconds, 1),
            "claims_per_s": round(result["claims"] / seconds),
            "claims": result["claims"], "claims_match": result["claims"] == truth.claims,
            "peak_rss_mb": round(result["peak_mb"], 1),
            "peak_above_baseline_mb": round(above, 1),
            "peak_over_input": round(above * 1.048576 / size_mb, 2),
            "error": result["error"]}


def _ratio(rows: list[dict], tool: str, peer: str, kind: str, label: str) -> float | None:
    def speed(name):
        return next((r.get("mb_per_s") for r in rows if r["tool"] == name
                     and r["transaction"] == kind and r["file"] == label), None)
    ours, theirs = speed(tool), speed(peer)
    return round(ours / theirs, 1) if ours and theirs else None


def _markdown(report: dict) -> str:
    lines = [
        "# X12 reader benchmark",
        "",
        f"Measured {report['date']} on {report['machine']} "
        f"(Python {report['python']}, polars {report['polars']}; 1-minute load average "
        f"{report['load_average']['min']} to {report['load_average']['max']} during the runs: "
        "the machine is shared). Each figure is the median of the runs, each run in a fresh "
        "process; the readers take turns round by round. "
        "Peak memory is the process's maximum resident size above its size after imports, "
        "divided by the input size. Files: `benchmarks/x12_generate.py`, seeded synthetic "
        "therapy claims and remittances.",
        "",
        "| reader | transaction | file | MB | runs | seconds | MB/s | claims/s | claims ok "
        "| peak RSS MB | peak / input |",
        "|---|---|---|---:|---:|---:|---:|---:|---|---:|---:|",
    ]
    for row in report["results"]:
        if "failed" in row:
            lines.append(f"| {row['tool']} | {row['transaction']} | {row['file']} | "
                         f"{row['file_mb']} | failed: {' '.join(row['failed'])} ||||||")
            continue
        lines.append(
            f"| {row['tool']} | {row['transaction']} | {row['file']} | {row['file_mb']} | "
            f"{row['runs']} | {row['seconds']} | {row['mb_per_s']} | {row['claims_per_s']:,} | "
            f"{'yes' if row['claims_match'] else 'NO ' + str(row['claims'])} | "
            f"{row['peak_rss_mb']} | {row['peak_over_input']} |")
    lines += ["", "## Ratios (revaudit MB/s over the peer's)", ""]
    for name, value in report["ratios"].items():
        lines.append(f"- {name}: {value if value is not None else 'n/a'}x")
    lines += ["", "## Targets", ""]
    for name, value in report["targets"].items():
        lines.append(f"- {name}: {'met' if value else 'NOT met'}")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worker", nargs=2, metavar=("TOOL", "PATH"), help=argparse.SUPPRESS)
    parser.add_argument("--size-mb", type=float, default=100.0)
    parser.add_argument("--small-mb", type=float, default=5.0)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-peers", action="store_true")
    parser.add_argument("--timeout", type=int, default=1800)
    parser.add_argument("--out", type=Path, default=HERE / "results")
    parser.add_argument("--work", type=Path, default=HERE / "work")
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(_worker(*args.worker)))
        return

    import polars as pl

    files = _files(args.work, args.size_mb, args.small_mb, args.seed)
    plan = [
        ("revaudit", "835", "large", args.repeat), ("revaudit-chunked", "835", "large", 1),
        ("revaudit", "837P", "large", args.repeat), ("revaudit-chunked", "837P", "large", 1),
        ("revaudit", "835", "small", args.repeat), ("revaudit", "837P", "small", args.repeat),
    ]
    if not args.skip_peers:
        plan += [
            ("oxedi", "835", "large", args.repeat), ("openx12-835", "835", "large", 1),
            ("openx12-837p", "837P", "large", 1), ("oxedi", "835", "small", args.repeat),
            ("openx12-835", "835", "small", 1), ("openx12-837p", "837P", "small", 1),
            ("pyx12-835", "835", "small", 1), ("pyx12-837p", "837P", "small", 1),
        ]
    # Rounds, not one tool after the other: a busy machine then slows every reader alike.
    runs: dict[int, list[dict]] = {n: [] for n in range(len(plan))}
    loads = []
    for round_number in range(max(repeat for *_, repeat in plan)):
        for n, (tool, kind, label, repeat) in enumerate(plan):
            if round_number >= repeat:
                continue
            truth = files[(kind, label)]
            loads.append(os.getloadavg()[0])
            print(f"round {round_number + 1}: {tool} on {truth.path.name}", file=sys.stderr,
                  flush=True)
            runs[n].append(_run(tool, truth.path, args.timeout))
    rows = [_row(_summary(tool, runs[n]), files[(kind, label)], kind, label)
            for n, (tool, kind, label, _) in enumerate(plan)]
    ratios = {
        "835 large vs oxedi": _ratio(rows, "revaudit", "oxedi", "835", "large"),
        "835 large vs openx12": _ratio(rows, "revaudit", "openx12-835", "835", "large"),
        "837P large vs openx12": _ratio(rows, "revaudit", "openx12-837p", "837P", "large"),
        "835 small vs pyx12": _ratio(rows, "revaudit", "pyx12-835", "835", "small"),
        "837P small vs pyx12": _ratio(rows, "revaudit", "pyx12-837p", "837P", "small"),
    }
    chunked = [r for r in rows if r["tool"] == "revaudit-chunked" and "peak_over_input" in r]
    targets = {
        "835 throughput >= oxedi": (ratios["835 large vs oxedi"] or 0) >= 1.0,
        "837P throughput >= 20x openx12": (ratios["837P large vs openx12"] or 0) >= 20.0,
        "peak memory < 3x input (chunked reading)": bool(chunked) and all(
            r["peak_over_input"] < 3 for r in chunked),
        "every revaudit read matches the generator's claim count": all(
            r.get("claims_match") for r in rows if r["tool"].startswith("revaudit")),
    }
    report = {
        "date": time.strftime("%Y-%m-%d"),
        "machine": f"{platform.machine()}, {_cpus()} CPUs, {platform.system()}",
        "python": platform.python_version(), "polars": pl.__version__,
        "chunk_bytes": CHUNK_BYTES, "seed": args.seed,
        "load_average": {"min": round(min(loads), 2), "max": round(max(loads), 2)},
        "files": {f"{kind} {label}": {"path": t.path.name, "bytes": t.bytes,
                                      "claims": t.claims, "service_lines": t.service_lines,
                                      "total_charge": str(t.total_charge),
                                      "total_paid": str(t.total_paid)}
                  for (kind, label), t in files.items()},
        "results": rows, "ratios": ratios, "targets": targets,
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "x12.json").write_text(json.dumps(report, indent=2) + "\n")
    (args.out / "x12.md").write_text(_markdown(report))
    print(_markdown(report))


def _cpus() -> int:
    return len(os.sched_getaffinity(0))


if __name__ == "__main__":
    main()
