"""The core's portable 128-bit integers (no ``__int128``, issue 10) against Python ints."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from translit import _core

LO, HI = -(2**127), 2**127 - 1
INTS = st.one_of(
    st.integers(LO, HI),
    st.integers(-(2**64), 2**64),
    st.sampled_from([0, 1, -1, 10, 2**63, 2**64 - 1, 2**64, HI, LO, 10**37, -(10**36)]),
)


def _fits(v: int) -> bool:
    return LO <= v <= HI


@settings(max_examples=400, deadline=None)
@given(a=INTS, b=INTS)
def test_checked_add_mul_and_compare(native: str, a: int, b: int) -> None:
    assert _core._int128_eval("add", str(a), str(b)) == (str(a + b) if _fits(a + b) else None)
    assert _core._int128_eval("mul", str(a), str(b)) == (str(a * b) if _fits(a * b) else None)
    assert _core._int128_eval("lt", str(a), str(b)) == (a < b)
    if _fits(a - b):
        assert _core._int128_eval("sub", str(a), str(b)) == str(a - b)


@settings(max_examples=200, deadline=None)
@given(a=st.integers(0, HI), d=st.integers(1, 2**32 - 1))
def test_division_by_small_divisors(native: str, a: int, d: int) -> None:
    assert _core._int128_eval("div", str(a), str(d)) == (str(a // d), a % d)


@pytest.mark.parametrize("v", [0, 1, -7, 2**53, 2**64 + 2**12, 10**36, -(10**30)])
def test_to_double(native: str, v: int) -> None:
    assert _core._int128_eval("double", str(v), "0") == float(v)
