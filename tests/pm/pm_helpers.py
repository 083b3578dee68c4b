"""PM test helpers, imported by name (a module named conftest is ambiguous across folders)."""

from __future__ import annotations

from pathlib import Path

from pipelines.pm.writer import write_export

CLIENT = "harbor-hand-ot"  # the generator's first practice template
CLIENT_PROFILE = "visit_billing"  # the PM export profile the generator gives that practice


def make_inbox(root: Path, tables, profile: str, *, client: str = "acme-ot",
               configured: bool = True) -> Path:
    """An inbox with one client whose PM folder holds ``tables`` written in ``profile``."""
    inbox = root / "inbox"
    client_dir = inbox / client
    client_dir.mkdir(parents=True, exist_ok=True)
    lines = [f"client_id: {client}", "name: Acme OT"]
    if configured:
        lines.append(f"pm_profile: {profile}")
    (client_dir / "client.yml").write_text("\n".join(lines) + "\n")
    write_export(tables, profile, client_dir / "pm")
    return inbox
