"""KPI help text, read from the published definitions (docs/metrics.md), so the page and the
document can never disagree."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

METRICS_DOC = Path(__file__).resolve().parents[2] / "docs" / "metrics.md"
ROW = re.compile(r"^\|(?P<names>[^|]*`[^|]*)\|(?P<formula>[^|]+)\|(?P<basis>[^|]+)\|")
NAME = re.compile(r"`([a-z0-9_<>]+)`")


@cache
def definitions(doc: Path = METRICS_DOC) -> dict[str, str]:
    """KPI name -> "formula (date basis: ...)" for every name in a KPI table's first cell."""
    found = {}
    for line in doc.read_text().splitlines():
        match = ROW.match(line)
        if not match:
            continue
        formula = match["formula"].strip().replace("\\*", "*")
        for name in NAME.findall(match["names"]):
            found.setdefault(name, f"{formula} (date basis: {match['basis'].strip()})")
    return found


def help_text(kpi: str) -> str:
    return definitions()[kpi] + " — see docs/metrics.md"


def column_help(columns: list[str]) -> dict:
    """Streamlit column_config giving every KPI column of a table its definition as help."""
    import streamlit as st

    known = definitions()
    return {name: st.column_config.Column(help=known[name] + " — see docs/metrics.md")
            for name in columns if name in known}
