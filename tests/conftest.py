"""Every test gets its own warehouse, quarantine and pseudonym key; nothing touches data/."""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_DIR = ROOT / "data" / "sample"
PUBLIC_X12_SAMPLES = ROOT.parent / "shared" / "x12-public-samples"


@pytest.fixture(autouse=True)
def isolated_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("REVAUDIT_WAREHOUSE", str(tmp_path / "warehouse.duckdb"))
    monkeypatch.setenv("REVAUDIT_QUARANTINE", str(tmp_path / "quarantine"))
    monkeypatch.setenv("REVAUDIT_PSEUDONYM_KEY", "test-key-not-secret")
    monkeypatch.delenv("REVAUDIT_INBOX", raising=False)
    monkeypatch.delenv("REVAUDIT_FORCE_REINGEST", raising=False)
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    return tmp_path
