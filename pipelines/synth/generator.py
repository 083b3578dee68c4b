"""Drive the simulation of each client and route its events to the writers and the truth."""

from __future__ import annotations

import gc
import multiprocessing
import os
import shutil
import sys
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import simplejson

from pipelines.synth import write_835, write_837
from pipelines.synth.catalog import PRACTICES, PracticeTemplate
from pipelines.synth.events import ClaimBatch, PaymentRun, Practice
from pipelines.synth.pm_canonical import CanonicalPmWriter, read_tables
from pipelines.synth.rng import SimRandom
from pipelines.synth.simulate import ClientSimulation, window
from pipelines.synth.truth import ClientTruth
from pipelines.synth.world import build_practice

# Each kind of practice exports from a differently shaped PM system, as real clients do:
# specialty -> (PM export profile in pipelines/pm/profiles, system description).
PM_EXPORTS = {
    "hand": ("visit_billing", "web-based outpatient therapy EMR (synthetic)"),
    "pediatric": ("canonical", "generic practice-management system (synthetic)"),
    "neuro": ("charge_detail", "enterprise rehab EMR/PM (synthetic)"),
}
DEFAULT_PM_EXPORT = ("canonical", "generic practice-management system (synthetic)")


def pm_export_of(template: PracticeTemplate) -> tuple[str, str]:
    """(profile, system) of the PM exports of a practice made from ``template``."""
    return PM_EXPORTS.get(template.specialty, DEFAULT_PM_EXPORT)


def template_of(index: int) -> PracticeTemplate:
    """The practice template of client ``index`` (the templates in turn)."""
    return PRACTICES[index % len(PRACTICES)]


PARALLEL_MIN_CLAIMS = 30_000  # below this, one process is faster than a pool


@dataclass
class ClientResult:
    client_id: str
    file_count: int
    x12_bytes: int
    claims: int
    pm_profile: str


@dataclass
class GenerationResult:
    file_count: int
    client_count: int
    x12_bytes: int = 0
    clients: list[ClientResult] = field(default_factory=list)


def client_practice(seed: int, index: int, months: int) -> tuple[Practice, SimRandom]:
    """The practice of client ``index`` and the random stream that drives it."""
    rng = SimRandom(f"revaudit-synth:{seed}:{index}")
    start, end = window(months)
    return build_practice(template_of(index), index // len(PRACTICES), rng, start, end), rng


def simulate_events(seed: int, index: int, months: int, claims_per_month: int | None):
    """The event stream of one client (what the writers and the truth consume)."""
    practice, rng = client_practice(seed, index, months)
    return practice, ClientSimulation(practice, rng, claims_per_month).run()


def generate(out: Path, *, seed: int, clients: int = 2, months: int = 12,
             claims_per_month: int | None = None, workers: int | None = None
             ) -> GenerationResult:
    """Write ``clients`` synthetic practices under ``out``; same arguments → same bytes."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    jobs = [(out, seed, i, months, claims_per_month) for i in range(clients)]
    volume = clients * months * (claims_per_month or 80)
    if workers is None:
        workers = min(clients, os.cpu_count() or 1) if volume >= PARALLEL_MIN_CLAIMS else 1
    if workers > 1:
        results = _in_parallel(jobs, workers)
    else:
        results = [_finish_pm(out, _generate_client(job)) for job in jobs]
    return GenerationResult(file_count=sum(r.file_count for r in results),
                            client_count=len(results),
                            x12_bytes=sum(r.x12_bytes for r in results), clients=results)


def _in_parallel(jobs: list[tuple], workers: int) -> list[ClientResult]:
    """Clients in a pool of worker processes, then their PM exports converted, by the pool too.

    A client's simulation cannot be split, so the pool gets one task per worker at a time:
    the next client while any is left, longest first (those whose export takes longest to
    convert), then the waiting conversions, longest first. The conversions, kept for the end,
    fill the cores that the last clients leave idle, and the shortest of them end the run.
    """
    out = jobs[0][0]
    clients = sorted(jobs, key=_work_ahead, reverse=True)
    conversions: list[tuple[int, ClientResult]] = []
    done: dict[int, ClientResult] = {}
    with ProcessPoolExecutor(max_workers=workers, mp_context=_worker_context()) as pool:
        running: dict = {}
        while clients or conversions or running:
            while len(running) < workers and (clients or conversions):
                if clients:
                    job = clients.pop(0)
                    running[pool.submit(_generate_client, job)] = (job[2], True)
                else:
                    index, result = conversions.pop(0)
                    running[pool.submit(_finish_pm, out, result)] = (index, False)
            finished, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in finished:
                index, generated = running.pop(future)
                result = future.result()
                if generated and _conversion_cost(result.pm_profile):
                    conversions.append((index, result))
                    conversions.sort(key=lambda c: -_conversion_cost(c[1].pm_profile))
                elif generated:  # nothing to convert (canonical): count its files
                    done[index] = _finish_pm(out, result)
                else:
                    done[index] = result
    return [done[job[2]] for job in jobs]


def _worker_context():
    """Fork (each worker starts with this process's modules) unless polars is loaded here:
    the workers run polars, whose thread pool does not survive a fork of a process that has
    used it (a test run, a notebook). Then a fork server that has imported the generator, not
    polars, starts them. (The generator itself never loads polars in this process.)"""
    if "polars" not in sys.modules:
        return multiprocessing.get_context("fork")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__])
    return context


# Relative cost of converting a practice's canonical PM CSVs to its export profile: a
# workbook costs most (about 3 CPU-s at 100,000 claims, a CSV profile about 1); canonical none.
CONVERSION_COST = {"canonical": 0, "visit_billing": 1, "charge_detail": 2}


def _conversion_cost(profile: str) -> int:
    return CONVERSION_COST.get(profile, 1)


def _work_ahead(job) -> tuple[int, int]:
    """Sort key: clients whose PM export takes longest to convert first, then by index."""
    index = job[2]
    return _conversion_cost(pm_export_of(template_of(index))[0]), -index


def _pm_writer():
    """The PM export writer, loaded on first use (polars, the profiles)."""
    from pipelines.pm.profiles import profiles
    from pipelines.pm.writer import write_export

    profiles()
    return write_export


@contextmanager
def without_cycle_collection():
    """The cyclic garbage collector off while a client is generated.

    The simulation keeps many live objects (open claims, episodes, patients) and creates few
    reference cycles: a collection after a 100,000-claim client finds about 24,000 objects,
    a few MB, against millions freed by reference counting meanwhile. The collector would
    mostly re-scan the live heap: with default thresholds that doubled the time per claim at
    8,000 claims/month, and even the three collections left at a threshold of 200,000
    allocations cost 0.5-1 CPU-second (5%) of such a client. The cycles are collected once
    the collector is back on.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _generate_client(job) -> ClientResult:
    with without_cycle_collection():
        return _write_client(*job)


def _write_client(out: Path, seed: int, index: int, months: int,
                  claims_per_month: int | None) -> ClientResult:
    practice, events = simulate_events(seed, index, months, claims_per_month)
    folder = out / practice.client_id
    for sub in ("837", "835", "pm"):
        shutil.rmtree(folder / sub, ignore_errors=True)
        (folder / sub).mkdir(parents=True)
    truth = ClientTruth(practice)
    pm = CanonicalPmWriter(practice, folder / "pm")
    written = [0, 0]  # X12 files, bytes

    def x12_writer(writer, directory: Path):
        folder = f"{directory}{os.sep}"  # a plain open: pathlib's join and open cost more

        def write(event) -> None:
            data = writer.render(practice, event)
            with open(folder + writer.file_name(event), "wb") as file:
                file.write(data)
            written[0] += 1
            written[1] += len(data)
        return write

    x12 = {ClaimBatch: x12_writer(write_837, folder / "837"),
           PaymentRun: x12_writer(write_835, folder / "835")}
    # event type -> the handlers of all consumers, in this order: truth, PM, X12
    consumers: dict[type, list] = {}
    for handlers in (truth.handlers, pm.handlers, x12):
        for kind, handle in handlers.items():
            consumers.setdefault(kind, []).append(handle)
    dispatch = {kind: tuple(handles) for kind, handles in consumers.items()}.get
    for event in events:
        for handle in dispatch(type(event), ()):
            handle(event)
    files, x12_bytes = written
    pm.close()
    document = truth.finish()
    # what json.dumps(document, indent=1) writes, by simplejson's C encoder (json's indents in
    # pure Python, ~2.5x the time)
    text = simplejson.dumps(document, indent=1, use_decimal=False, namedtuple_as_object=False)
    (folder / "truth.json").write_text(text + "\n", encoding="utf-8")
    (folder / "client.yml").write_text(_client_yaml(practice), encoding="utf-8")
    files += 2
    return ClientResult(practice.client_id, files, x12_bytes,
                        document["summary"]["claims_submitted_count"],
                        pm_export_of(practice.template)[0])


def _finish_pm(out: Path, result: ClientResult) -> ClientResult:
    """Convert a client's canonical PM CSVs to its export profile; count its PM files."""
    pm_dir = out / result.client_id / "pm"
    _convert_pm_export(pm_dir, result.pm_profile)
    result.file_count += sum(1 for _ in pm_dir.iterdir())
    return result


def _convert_pm_export(pm_dir: Path, profile: str) -> None:
    """Rewrite the canonical PM CSVs in the practice's own export profile."""
    if profile == "canonical":
        return
    write_export = _pm_writer()
    tables = read_tables(pm_dir)
    for path in pm_dir.glob("*.csv"):
        path.unlink()
    write_export(tables, profile, pm_dir)


def _client_yaml(practice: Practice) -> str:
    def q(value: str) -> str:
        return '"' + value.replace('"', "'") + '"'

    lines = [
        f"client_id: {practice.client_id}",
        f"practice_name: {q(practice.name)}",
        f"billing_npi: {q(practice.npi)}",
        f"billing_tin: {q(practice.tin)}",
        f"state: {practice.state}",
        f"specialty: {practice.template.specialty}",
        f"pm_system: {q(pm_export_of(practice.template)[1])}",
        f"pm_profile: {pm_export_of(practice.template)[0]}",
        "window:",
        f"  start: {practice.window_start.isoformat()}",
        f"  end: {practice.window_end.isoformat()}",
        "synthetic: true",
    ]
    return "\n".join(lines) + "\n"
