"""translit test fixtures: which backend runs the goldens, and "native core missing" policy.

``TRANSLIT_REQUIRE_CPP=1`` (set here when ``CI`` or ``TRANSLIT_STRICT_BUILD`` is set, as in
``make test``) turns a missing native core into a test failure instead of a skip/fallback.
"""

from __future__ import annotations

import os

import pytest

import translit
from translit._backend import load_core

if os.environ.get("CI") or os.environ.get("TRANSLIT_STRICT_BUILD"):
    os.environ.setdefault("TRANSLIT_REQUIRE_CPP", "1")


def native_problem() -> str | None:
    """``None`` when ``translit._core`` has a working Engine, else why not."""
    try:
        load_core()
    except translit.BackendError as exc:
        return str(exc)
    return None


def cpp_required() -> bool:
    return os.environ.get("TRANSLIT_REQUIRE_CPP", "") not in ("", "0")


@pytest.fixture(scope="session")
def golden_backend() -> str:
    """``"cpp"`` when built; otherwise ``"python"`` (the goldens then test the fixture itself),
    or a failure when the native core is required."""
    problem = native_problem()
    if problem is None:
        return "cpp"
    if cpp_required():
        pytest.fail(f"TRANSLIT_REQUIRE_CPP is set but the native core is missing: {problem}")
    return "python"


@pytest.fixture(scope="session")
def native() -> str:
    """The ``"cpp"`` backend name for tests that only make sense natively (parity, 10 MB)."""
    problem = native_problem()
    if problem is not None:
        if cpp_required():
            pytest.fail(f"TRANSLIT_REQUIRE_CPP is set but the native core is missing: {problem}")
        pytest.skip(f"native core not built ({problem}); TRANSLIT_REQUIRE_CPP=1 makes this fail")
    return "cpp"
