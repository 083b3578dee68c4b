"""Reference tables shipped with the generator (see ``reference/SOURCES.md``).

Read from the project only: the fee schedules, NCCI pairs and MUEs under
``pipelines/synth/reference/`` and the CARC category seed under ``dbt_project/seeds``.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

from pipelines import settings
from pipelines.synth.money import money

REFERENCE_DIR = Path(__file__).resolve().parent / "reference"
CARC_SEED = settings.DBT_PROJECT_DIR / "seeds" / "terminology" / "carc.csv"


@dataclass(frozen=True, slots=True)
class FeeScheduleRow:
    code: str
    work_rvu: Decimal
    pe_rvu: Decimal
    mp_rvu: Decimal
    conv_factor: Decimal
    amount: Decimal  # national non-facility amount, one unit
    mppr_amount: Decimal  # one unit with the practice-expense component halved
    mppr_applies: bool  # MULT PROC indicator 5


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


@cache
def medicare_fee_schedule(year: int) -> dict[str, FeeScheduleRow]:
    """National Medicare PFS amounts by code for 2025 or 2026 (other years use the nearest)."""
    year = min(max(year, 2025), 2026)
    rows = {}
    for row in _read(REFERENCE_DIR / f"pfs_{year}.csv"):
        work, pe, mp = (Decimal(row[k]) for k in ("work_rvu", "nf_pe_rvu", "mp_rvu"))
        cf = Decimal(row["conv_factor"])
        rows[row["code"]] = FeeScheduleRow(
            code=row["code"], work_rvu=work, pe_rvu=pe, mp_rvu=mp, conv_factor=cf,
            amount=Decimal(row["nf_national_amount"]),
            mppr_amount=money((work + pe / 2 + mp) * cf),
            mppr_applies=row["mult_proc_ind"] == "5",
        )
    return rows


@cache
def ncci_pairs() -> dict[tuple[str, str], int]:
    """(column-1 code, column-2 code) → modifier indicator (1 bypassable with 59/X, 0 never)."""
    return {(r["col1_code"], r["col2_code"]): int(r["modifier_indicator"])
            for r in _read(REFERENCE_DIR / "ncci_ptp.csv")}


@cache
def mue_limits() -> dict[str, int]:
    """Code → maximum units per day (practitioner MUE), for the codes whose value is known."""
    return {r["code"]: int(r["mue_value"]) for r in _read(REFERENCE_DIR / "mue.csv")}


@cache
def carc_categories() -> dict[str, str]:
    """CARC → category column of the project's CARC seed (contractual, denial, ...)."""
    return {r["carc_code"]: r["category"] for r in _read(CARC_SEED)}


@cache
def adjustment_category(group: str, carc: str) -> str:
    """The category of one CAS triplet, by the ordered rules of docs/metrics.md."""
    if group == "PR":
        return "patient_responsibility"
    if carc in ("18", "B13"):
        return "duplicate"
    if group == "OA" and carc == "23":
        return "prior_payer"
    if carc == "253":
        return "sequestration"
    seed = carc_categories().get(carc)
    if seed == "contractual":
        return "contractual"
    if group in ("CO", "OA", "PI", "CR") and seed == "denial":
        return "denial"
    return "other"
