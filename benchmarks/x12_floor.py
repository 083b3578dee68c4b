"""The floor under any polars or DuckDB X12 reader: what splitting alone costs.

    uv run --group bench python benchmarks/x12_floor.py [--repeat 3]

Run after ``x12_bench.py`` (it reads that run's large files and peer speeds from
benchmarks/results/x12.json). Each case runs in a fresh process, in rounds, on the same large
835 and 837P files:

- ``python-split``: ``bytes.split`` into segments, then each segment into elements (plain
  Python, one core): the "about as fast as str.split" reference of the issue.
- ``polars-wide``: ``pl.read_csv`` with the element separator as delimiter and one row per
  line, into 25 string columns: segments and elements split by polars' parallel CSV reader,
  nothing else (no separators from the ISA, no composites, no loops, no tables, no money).
- ``duckdb-wide``: the same with DuckDB's ``read_csv``, handed over as an Arrow table.
- ``revaudit``: ``read_x12``, the whole reader.

The wide splits only work because these files put one segment per line; they are a lower
bound for what a vectorized reader must spend before it builds a single table. Writes
benchmarks/results/x12-floor.md.
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
sys.path.insert(0, str(HERE.parent))

COLUMNS = 25  # more elements than any segment of the benchmark files has
CASES = ("python-split", "polars-wide", "duckdb-wide", "revaudit")
TARGET_OVER_OPENX12 = 20  # issue 3: at least 20x openx12 on 837P


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _worker(case: str, path: str) -> dict:
    names = [f"e{i:02d}" for i in range(COLUMNS)]
    if case == "polars-wide":
        import polars as pl
    elif case == "duckdb-wide":
        import duckdb
        import polars as pl
    elif case == "revaudit":
        from pipelines.x12 import read_x12
    cpu, start = _cpu_seconds(), time.perf_counter()
    if case == "python-split":
        data = Path(path).read_bytes()
        rows = [segment.strip().split(b"*") for segment in data.split(b"~")]
        count = len(rows)
    elif case == "polars-wide":
        frame = pl.read_csv(path, separator="*", has_header=False, quote_char=None,
                            schema={n: pl.String for n in names}, truncate_ragged_lines=True,
                            missing_columns="insert")
        count = frame.height
    elif case == "duckdb-wide":
        columns = {n: "VARCHAR" for n in names}
        relation = duckdb.connect().sql(
            f"select * from read_csv('{path}', delim='*', header=false, quote='', escape='', "
            f"columns={columns!r}, null_padding=true, auto_detect=false, strict_mode=false)")
        count = pl.from_arrow(relation.arrow()).height
    else:
        count = read_x12(path).claims
    return {"seconds": time.perf_counter() - start, "cpu_seconds": _cpu_seconds() - cpu,
            "count": count}


def _run(case: str, path: Path) -> dict:
    completed = subprocess.run([sys.executable, __file__, "--worker", case, str(path)],
                               capture_output=True, text=True, check=True)
    return json.loads(completed.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worker", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--results", type=Path, default=HERE / "results")
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(_worker(*args.worker)))
        return
    bench = json.loads((args.results / "x12.json").read_text())
    work = HERE / "work"
    files = {kind: work / bench["files"][f"{kind} large"]["path"] for kind in ("835", "837P")}
    openx12 = {r["transaction"]: r["mb_per_s"] for r in bench["results"]
               if r["tool"].startswith("openx12") and r["file"] == "large" and "mb_per_s" in r}
    runs: dict[tuple[str, str], list[dict]] = {}
    loads = []
    for round_number in range(args.repeat):  # rounds: a busy host slows every case alike
        for kind, path in files.items():
            for case in CASES:
                loads.append(os.getloadavg()[0])
                print(f"round {round_number + 1}: {case} on {path.name}", file=sys.stderr)
                runs.setdefault((kind, case), []).append(_run(case, path))
    lines = [
        "# X12 reader: the splitting floor",
        "",
        f"Measured {time.strftime('%Y-%m-%d')} by `benchmarks/x12_floor.py` on "
        f"{platform.machine()}, {len(os.sched_getaffinity(0))} CPUs, Python "
        f"{platform.python_version()}; median of {args.repeat} runs, each in a fresh process; "
        f"1-minute load average {min(loads):.2f} to {max(loads):.2f}. Cases: see the script's "
        "docstring. CPU seconds are user + system time of all threads.",
        "",
        "| file | MB | case | seconds | CPU seconds | MB/s | rows |",
        "|---|---:|---|---:|---:|---:|---:|",
    ]
    for kind, path in files.items():
        megabytes = path.stat().st_size / 1_000_000
        for case in CASES:
            done = runs[(kind, case)]
            seconds = statistics.median(r["seconds"] for r in done)
            cpu = statistics.median(r["cpu_seconds"] for r in done)
            lines.append(f"| {kind} | {megabytes:.1f} | {case} | {seconds:.3f} | {cpu:.2f} | "
                         f"{megabytes / seconds:.1f} | {done[0]['count']:,} |")
    lines += ["", "## What the 837P target needs", ""]
    if "837P" in openx12:
        megabytes = files["837P"].stat().st_size / 1_000_000
        budget = megabytes / (TARGET_OVER_OPENX12 * openx12["837P"])
        floor = statistics.median(r["seconds"] for r in runs[("837P", "polars-wide")])
        lines.append(
            f"{TARGET_OVER_OPENX12}x openx12 ({openx12['837P']} MB/s in x12.json) is "
            f"{TARGET_OVER_OPENX12 * openx12['837P']:.0f} MB/s: {budget:.2f} s for this file. "
            f"polars' CSV reader alone, splitting it into segments and elements, takes "
            f"{floor:.2f} s, which leaves {budget - floor:.2f} s for everything a reader does "
            "after the split.")
    (args.results / "x12-floor.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
