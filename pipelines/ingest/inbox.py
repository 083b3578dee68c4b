"""Finding what to ingest: ``<inbox>/<client_id>/**``, one folder per client practice."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

CLIENT_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
# Files that travel with a client's data but are not data to load.
NOT_DATA = {"client.yml", "client.yaml", "truth.json", "readme.md", "notice"}
PM_SUFFIXES = {".csv", ".xlsx"}


@dataclass(frozen=True)
class InboxFile:
    client_id: str
    path: Path
    kind: str  # x12 | pm

    @property
    def name(self) -> str:
        return self.path.name


class InboxError(ValueError):
    """The inbox is not laid out as ``<inbox>/<client_id>/...``."""


def sniff_kind(path: Path) -> str:
    """``pm`` for spreadsheet exports, else ``x12`` (the reader decides whether it really is)."""
    return "pm" if path.suffix.lower() in PM_SUFFIXES else "x12"


def discover(inbox: Path) -> list[InboxFile]:
    """Every data file under the inbox, sorted by client then path, so runs are repeatable."""
    if not inbox.is_dir():
        raise InboxError(f"inbox folder not found: {inbox}")
    found: list[InboxFile] = []
    for client_dir in sorted(p for p in inbox.iterdir() if p.is_dir()):
        if client_dir.name.startswith("."):
            continue
        if not CLIENT_ID.match(client_dir.name):
            raise InboxError(
                f"inbox folder {client_dir.name!r} is not a client id "
                "(lowercase letters, digits, '-' or '_')"
            )
        for path in sorted(client_dir.rglob("*")):
            if not path.is_file() or _is_not_data(path.relative_to(client_dir)):
                continue
            found.append(InboxFile(client_dir.name, path, sniff_kind(path)))
    return found


def _is_not_data(relative: Path) -> bool:
    name = relative.name.lower()
    return (
        any(part.startswith(".") for part in relative.parts)
        or name in NOT_DATA
        or name.endswith((".error.json", ".md"))
    )
