"""Client practices: one folder per client in the inbox, described by its ``client.yml``."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import yaml

from pipelines.ingest.inbox import CLIENT_ID

CLIENTS_TABLE = "clients"
CLIENT_COLUMNS: dict[str, pl.DataType] = {
    "client_id": pl.String,
    "client_name": pl.String,
    "pm_system": pl.String,
    "pm_profile": pl.String,
    "state_code": pl.String,
    "billing_provider_npi": pl.String,
    "config_path": pl.String,
}


class ClientConfigError(ValueError):
    """A client.yml that cannot be used; the message names the file."""


def read_client_config(client_dir: Path) -> dict:
    """The client's settings; a folder without client.yml is a client with defaults."""
    path = client_dir / "client.yml"
    base = {"client_id": client_dir.name, "config_path": None}
    if not path.exists():
        return {**base, "client_name": client_dir.name}
    try:
        data = yaml.safe_load(path.read_text()) or {}
    except yaml.YAMLError as exc:
        raise ClientConfigError(f"{path}: not valid YAML ({exc})") from exc
    if not isinstance(data, dict):
        raise ClientConfigError(f"{path}: expected a mapping of settings")
    declared = str(data.get("client_id", client_dir.name))
    if declared != client_dir.name or not CLIENT_ID.match(declared):
        raise ClientConfigError(
            f"{path}: client_id {declared!r} must equal its folder name {client_dir.name!r}"
        )
    pm = data.get("pm") if isinstance(data.get("pm"), dict) else {}
    return {
        **base,
        "client_name": str(data.get("name") or data.get("practice_name") or declared),
        "pm_system": data.get("pm_system") or pm.get("system"),
        "pm_profile": data.get("pm_profile") or pm.get("profile"),
        "state_code": data.get("state"),
        "billing_provider_npi": _text(data.get("billing_npi") or data.get("npi")),
        "config_path": str(path),
    }


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def client_frame(inbox: Path) -> pl.DataFrame:
    rows = [read_client_config(d) for d in sorted(inbox.iterdir())
            if d.is_dir() and not d.name.startswith(".")]
    return pl.DataFrame(rows, schema=CLIENT_COLUMNS)
