"""KPI cards: one st.metric per KPI with its value, change against the previous month and
its published definition as help text."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import streamlit as st

from rcm_dash import formatting
from rcm_dash.definitions import help_text


@dataclass(frozen=True)
class Kpi:
    column: str  # the mart column, also the name in docs/metrics.md
    label: str
    kind: str  # count | money | rate | days
    lower_is_better: bool = False


FORMATS: dict[str, Callable] = {
    "count": formatting.count, "money": formatting.money, "rate": formatting.percent,
    "days": formatting.days,
}
DELTAS: dict[str, Callable] = {
    "count": formatting.delta_count, "money": formatting.delta_money,
    "rate": formatting.delta_percent_points, "days": formatting.delta_days,
}


def kpi_row(kpis: list[Kpi], current: dict, previous: dict | None,
            notes: dict[str, str] | None = None) -> None:
    """One bordered card per KPI, side by side."""
    notes = notes or {}
    with st.container(horizontal=True):
        for kpi in kpis:
            value = current.get(kpi.column)
            before = previous.get(kpi.column) if previous else None
            help_ = help_text(kpi.column)
            if kpi.column in notes:
                help_ = f"{notes[kpi.column]}\n\n{help_}"
            st.metric(
                kpi.label, FORMATS[kpi.kind](value),
                delta=DELTAS[kpi.kind](value, before),
                delta_color="inverse" if kpi.lower_is_better else "normal",
                border=True, help=help_,
            )
