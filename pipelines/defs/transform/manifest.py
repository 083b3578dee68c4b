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


class ManifestError(RuntimeError):
    """dbt could not parse the project; the message carries dbt's own error."""


def ensure_manifest(project: DbtProject) -> None:
    """Run ``dbt parse`` (in this process) when the manifest is missing or stale."""
    if not manifest_is_stale(project):
        return
    from dbt.cli.main import dbtRunner

    result = dbtRunner().invoke([
        "parse", "--quiet", "--project-dir", str(project.project_dir),
        "--profiles-dir", str(project.profiles_dir),
        "--target-path", str(Path(project.manifest_path).parent),
    ])
    if not result.success:
        raise ManifestError(f"dbt parse failed: {result.exception}")
