"""``revaudit x12 inspect``: one file's counts, totals, diagnostics and error as a dict."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from pipelines.x12.reader import read_x12


def _money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def inspect_file(path: Path | str) -> dict:
    """Parse ``path`` without loading it; the JSON contract of ``revaudit x12 inspect``."""
    document = read_x12(Path(path))
    return {
        "file": str(path),
        "kind": document.kind,
        "version": document.version,
        "interchanges": document.interchanges,
        "transactions": document.transactions,
        "claims": document.claims,
        "service_lines": document.service_lines,
        "total_charge": _money(document.total_charge),
        "total_paid": _money(document.total_paid) if document.kind == "835" else None,
        "diagnostics": [d.as_dict() for d in document.diagnostics],
        "error": document.error.as_dict() if document.error else None,
    }
