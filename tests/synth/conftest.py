import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from pipelines.synth import generate  # noqa: E402


@pytest.fixture(scope="session")
def small_run(tmp_path_factory) -> Path:
    """Three practices, four months, modest volume: every file kind and event kind appears."""
    out = tmp_path_factory.mktemp("synth")
    generate(out, seed=11, clients=3, months=4, claims_per_month=60)
    return out
