"""data/sample is exactly what the generator writes for its documented arguments.

Regenerate with: uv run revaudit synth --out data/sample --seed 20261031 --clients 3 --months 12
"""

import hashlib
from pathlib import Path

from pipelines import settings
from pipelines.synth import generate

SAMPLE_ARGS = {"seed": 20261031, "clients": 3, "months": 12, "claims_per_month": None}


def _hashes(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_committed_sample_matches_a_fresh_generation(tmp_path):
    committed = _hashes(settings.SAMPLE_DIR)
    assert len(committed) > 500, "data/sample is missing or incomplete"
    generate(tmp_path, **SAMPLE_ARGS)
    fresh = _hashes(tmp_path)
    assert sorted(fresh) == sorted(committed)
    stale = [name for name in fresh if fresh[name] != committed[name]]
    assert stale == []


def test_sample_stays_small():
    size = sum(p.stat().st_size for p in settings.SAMPLE_DIR.rglob("*") if p.is_file())
    assert size < 10_000_000
