"""Where things live. Read at call time, so tests can point them elsewhere with env vars."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
SAMPLE_DIR = PROJECT_ROOT / "data" / "sample"


def _path(var: str, default: Path) -> Path:
    value = os.environ.get(var)
    return Path(value).expanduser().resolve() if value else default


def warehouse_path() -> Path:
    """The DuckDB file holding every client's data (``REVAUDIT_WAREHOUSE``)."""
    return _path("REVAUDIT_WAREHOUSE", PROJECT_ROOT / "data" / "warehouse.duckdb")


def inbox_dir() -> Path:
    """Files to ingest, one folder per client: ``<inbox>/<client_id>/...`` (``REVAUDIT_INBOX``)."""
    return _path("REVAUDIT_INBOX", SAMPLE_DIR)


def quarantine_dir() -> Path:
    """Where files that cannot be read are moved, with their error beside them."""
    return _path("REVAUDIT_QUARANTINE", warehouse_path().parent / "quarantine")


def pseudonym_key() -> bytes:
    """Per-installation secret for patient pseudonyms (``REVAUDIT_PSEUDONYM_KEY``).

    Without one, a key is created beside the warehouse on first use and kept there, so the same
    patient gets the same pseudonym on every run of this installation.
    """
    value = os.environ.get("REVAUDIT_PSEUDONYM_KEY")
    if value:
        return value.encode()
    key_file = warehouse_path().parent / ".revaudit_pseudonym_key"
    if not key_file.exists():
        key_file.parent.mkdir(parents=True, exist_ok=True)
        key_file.write_text(os.urandom(32).hex())
        key_file.chmod(0o600)
    return key_file.read_text().strip().encode()
