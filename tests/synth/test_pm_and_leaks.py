"""PM exports agree with the claims, the 8-minute rule holds except where a leak says it
does not, and every injected leak can be seen in the files where it claims to be."""

from __future__ import annotations

import csv
import json
import tempfile
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from x12_check import split

from pipelines.pm.writer import read_export_folder, write_export

TIMED = {"97110", "97112", "97116", "97140", "97530", "97533", "97535", "97537", "97542",
         "97750", "97760", "97761", "97763", "97129", "97130"}


def cms_units(minutes: int) -> int:
    """Pub 100-04 Ch. 5 §20.2 table: 8-22 min → 1 unit, 23-37 → 2, ... (+15 per unit)."""
    units = 0
    while minutes >= 8 + 15 * units:
        units += 1
    return units


def _csv(path: Path) -> list[dict]:
    """Rows of one canonical PM table. Clients export in their own PM profile (client.yml):
    those are read through pipelines.pm and re-rendered as canonical CSV first."""
    client = path.parent.parent
    canonical = _canonical_pm_dir(client)
    with (canonical / path.name).open(newline="") as f:
        return list(csv.DictReader(f))


_CANONICAL_CACHE: dict[Path, Path] = {}


def _canonical_pm_dir(client: Path) -> Path:
    if client in _CANONICAL_CACHE:
        return _CANONICAL_CACHE[client]
    profile = yaml.safe_load((client / "client.yml").read_text())["pm_profile"]
    if profile == "canonical":
        folder = client / "pm"
    else:
        folder = Path(tempfile.mkdtemp()) / client.name
        write_export(read_export_folder(client / "pm", profile), "canonical", folder)
    _CANONICAL_CACHE[client] = folder
    return folder


def _clients(root: Path) -> list[Path]:
    return sorted(p for p in root.iterdir() if (p / "truth.json").exists())


def _billed_lines(client: Path) -> dict[str, tuple[str, list[str], int]]:
    """REF*6R → (procedure, modifiers, units) of the original 837 lines."""
    lines = {}
    for path in sorted((client / "837").glob("*.x12")):
        ix = split(path.read_bytes())
        svc = None
        freq = None
        for seg in ix.segments:
            if seg[0] == "CLM":
                freq = seg[5].split(ix.component)[2]
            elif seg[0] == "SV1":
                parts = seg[1].split(ix.component)
                svc = (parts[1], parts[2:], int(seg[4]))
            elif seg[0] == "REF" and seg[1] == "6R" and freq == "1":
                lines.setdefault(seg[2], svc)
    return lines


def _denials_835(client: Path) -> dict[str, set[str]]:
    """REF*6R → CARCs in line CAS of the client's 835s."""
    found = defaultdict(set)
    for path in sorted((client / "835").glob("*.x12")):
        ix = split(path.read_bytes())
        carcs: list[str] = []
        for seg in ix.segments:
            if seg[0] == "SVC":
                carcs = []
            elif seg[0] == "CAS":
                carcs += [seg[i] for i in range(2, len(seg), 3)]
            elif seg[0] == "REF" and seg[1] == "6R":
                found[seg[2]] |= set(carcs)
    return found


@pytest.fixture(scope="module")
def clients(small_run):
    return _clients(small_run)


def test_documented_units_follow_the_8_minute_rule(clients):
    checked = 0
    for client in clients:
        visits = {v["visit_id"]: v for v in _csv(client / "pm" / "visits.csv")}
        by_visit = defaultdict(list)
        for s in _csv(client / "pm" / "services.csv"):
            by_visit[s["visit_id"]].append(s)
        for visit_id, services in by_visit.items():
            assert visits[visit_id]["status"] == "attended"
            timed = [s for s in services if s["procedure_code"] in TIMED]
            if not timed:
                continue
            assert all(s["minutes"] for s in timed), "timed service without minutes"
            minutes = sum(int(s["minutes"]) for s in timed)
            assert sum(int(s["units_entered"]) for s in timed) == cms_units(minutes), visit_id
            checked += 1
    assert checked > 300


def test_billed_lines_are_the_pm_services_except_short_unit_leaks(clients):
    short_seen = 0
    for client in clients:
        leaks = json.loads((client / "truth.json").read_text())["leaks"]
        short_lines = {line for x in leaks if x["kind"] == "units_below_minutes"
                       for line in x["line_ids"]}
        services = {s["service_id"]: s for s in _csv(client / "pm" / "services.csv")}
        billed = _billed_lines(client)
        charges = [c for c in _csv(client / "pm" / "charges.csv") if c["status"] == "billed"]
        assert charges
        for charge in charges:
            service = services[charge["service_id"]]
            code, modifiers, units = billed[charge["line_id"]]
            assert code == service["procedure_code"]
            assert units == int(charge["units"])
            documented = int(service["units_entered"])
            if charge["line_id"] in short_lines:
                short_seen += 1
                assert units == documented - 1
            else:
                assert units == documented, charge["line_id"]
            assert ";".join(modifiers) == charge["modifiers"]
            assert Decimal(charge["amount"]) > 0
    assert short_seen > 0


def test_each_leak_is_visible_where_it_says(clients):
    kinds = set()
    for client in clients:
        truth = json.loads((client / "truth.json").read_text())
        billed = _billed_lines(client)
        denials = _denials_835(client)
        charges = _csv(client / "pm" / "charges.csv")
        visits = {v["visit_id"]: v for v in _csv(client / "pm" / "visits.csv")}
        for leak in truth["leaks"]:
            kinds.add(leak["kind"])
            assert Decimal(leak["amount"]) > 0, leak
            assert leak["client_id"] == client.name
            if leak["kind"] == "visit_never_billed":
                assert visits[leak["visit_id"]]["status"] == "attended"
                assert visits[leak["visit_id"]]["note_signed"] == "Y"
                assert not any(c["claim_id"] for c in charges if c["visit_id"] ==
                               leak["visit_id"])
                continue
            for line_id in leak["line_ids"]:
                assert line_id in billed, leak
                code, modifiers, _ = billed[line_id]
                if leak["kind"] == "missing_kx":
                    assert "KX" not in modifiers
                elif leak["kind"] == "missing_go":
                    assert "GO" not in modifiers
                elif leak["kind"] == "ncci_without_modifier":
                    assert not {"59", "XU", "XE", "XS", "XP"} & set(modifiers)
                    if line_id in denials:
                        assert "236" in denials[line_id]
                elif leak["kind"] == "past_filing_limit" and line_id in denials:
                    assert "29" in denials[line_id]
    assert {"visit_never_billed", "units_below_minutes", "ncci_without_modifier",
            "denial_never_reworked", "underpaid_line"} <= kinds


def test_payer_contracts_and_fee_schedule_are_exported(clients):
    for client in clients:
        fees = _csv(client / "pm" / "fee_schedule.csv")
        contracts = _csv(client / "pm" / "payer_contracts.csv")
        assert {"97110", "97530", "97165"} <= {f["procedure_code"] for f in fees}
        assert {c["basis"] for c in contracts} <= {"fixed", "share_of_medicare"}
        for c in contracts:
            assert (c["allowed_amount"] != "") == (c["basis"] == "fixed")
            assert c["effective_from"] <= c["effective_to"]
