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


def test_worker_processes_write_the_same_bytes_as_one_process(tmp_path):
    # four clients: every PM export profile, started in another order than their index
    pooled, alone = tmp_path / "pooled", tmp_path / "alone"
    in_pool = generate(pooled, seed=5, clients=4, months=2, claims_per_month=60, workers=2)
    in_one = generate(alone, seed=5, clients=4, months=2, claims_per_month=60, workers=1)
    assert {c.pm_profile for c in in_pool.clients} == {"visit_billing", "canonical",
                                                       "charge_detail"}
    assert [c.client_id for c in in_pool.clients] == [c.client_id for c in in_one.clients]
    assert _digest(pooled) == _digest(alone)
