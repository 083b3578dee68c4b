"""Keep dbt's manifest.json in step with the project, so definitions always load."""

from __future__ import annotations

from pathlib import Path

from dagster_dbt import DbtProject

WATCHED = ("models", "seeds", "macros", "tests")


def newest_source_mtime(project_dir: Path) -> float:
    files = [project_dir / "dbt_project.yml", project_dir / "profiles.yml"]
    for folder in WATCHED:
        files.extend(p for p in (project_dir / folder).rglob("*") if p.is_file())
    return max(p.stat().st_mtime for p in files if p.exists())


def manifest_is_stale(project: DbtProject) -> bool:
    manifest = Path(project.manifest_path)
    return (not manifest.exists()
            or manifest.stat().st_mtime < newest_source_mtime(Path(project.project_dir)))


def ensure_manifest(project: DbtProject) -> None:
    """Run ``dbt parse`` when the manifest is missing or older than any project file."""
    if manifest_is_stale(project):
        project.preparer.prepare(project)
