"""Paths and helpers for the X12 reader tests."""

from __future__ import annotations

from pathlib import Path

from pipelines.x12 import read_x12

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "x12"
PUBLIC_SAMPLES = ROOT.parent / "shared" / "x12-public-samples"


def fixture_text(name: str) -> str:
    return (FIXTURES / name).read_text()


def read_text(text: str):
    """Read X12 given as text (UTF-8)."""
    return read_x12(text.encode(), file_name="test.x12")


def codes(document) -> list[str]:
    return [d.code for d in document.diagnostics]
