"""Fixtures for the X12 reader tests."""

from __future__ import annotations

import pytest
from x12_support import fixture_text


@pytest.fixture
def remit_text() -> str:
    return fixture_text("835_synthetic.x12")


@pytest.fixture
def claim_text() -> str:
    return fixture_text("837p_synthetic.x12")
