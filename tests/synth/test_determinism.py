"""Same seed and arguments → same bytes; another seed → different data."""

import hashlib
from pathlib import Path

from pipelines.synth import generate


def _digest(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_same_seed_same_bytes(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    generate(a, seed=5, clients=2, months=2, claims_per_month=40)
    generate(b, seed=5, clients=2, months=2, claims_per_month=40)
    digest = _digest(a)
    assert len(digest) > 20
    assert digest == _digest(b)


def test_other_seed_other_bytes(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    generate(a, seed=5, clients=1, months=2, claims_per_month=40)
    generate(b, seed=6, clients=1, months=2, claims_per_month=40)
    da, db = _digest(a), _digest(b)
    shared = set(da) & set(db)
    assert all(da[k] != db[k] for k in shared if k.endswith("truth.json"))
    assert da != db
