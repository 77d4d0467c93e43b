"""Fixtures for the BLI tests: backends available here, small realistic data."""

from __future__ import annotations

import numpy as np
import pytest

from tokadapt.bli.search import available_backends

BACKENDS = available_backends()
CPU_BACKENDS = [b for b in BACKENDS if b in ("torch", "faiss-cpu", "numpy")]


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(1234)
