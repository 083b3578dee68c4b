"""KPI help text, read from the published definitions (docs/metrics.md), so the page and the
document can never disagree."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

METRICS_DOC = Path(__file__).resolve().parents[2] / "docs" / "metrics.md"
ROW = re.compile(r"^\|\s*`(?P<name>[a-z0-9_<>…]+)`[^|]*\|(?P<formula>[^|]+)\|(?P<basis>[^|]+)\|")


@cache
def definitions(doc: Path = METRICS_DOC) -> dict[str, str]:
    """KPI name -> "formula (date basis: ...)" for every row of the KPI tables."""
    found = {}
    for line in doc.read_text().splitlines():
        match = ROW.match(line)
        if match:
            formula = match["formula"].strip().replace("\\*", "*")
            found[match["name"]] = f"{formula} (date basis: {match['basis'].strip()})"
    return found


def help_text(kpi: str) -> str:
    return definitions()[kpi] + " — see docs/metrics.md"
