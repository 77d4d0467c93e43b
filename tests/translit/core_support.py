"""Shared helpers of the engine-level tests (test_core_*.py): the native engine and the reference.

The reference is the real ``uroman.Uroman`` 1.3.1.1 installed from PyPI; one instance per test
session (it takes seconds to load).
"""

from __future__ import annotations

import functools
from typing import Any

import uroman

from translit._backend import CppBackend


@functools.lru_cache(maxsize=1)
def reference() -> uroman.Uroman:
    return uroman.Uroman()


def engine() -> Any:
    """The process-wide native ``translit._core.Engine``."""
    return CppBackend()._engine


def reference_edges(text: str, lcode: str = "") -> list[tuple[int, int, str, str]]:
    edges = reference().romanize_string(text, lcode or None, rom_format=uroman.RomFormat.EDGES)
    return [(e.start, e.end, e.txt, e.type) for e in edges]


def reference_string(text: str, lcode: str = "") -> str:
    result: str = reference().romanize_string(text, lcode or None)
    return result
