"""Edges of the native engine: uroman's best path (start, end, text, type) with code point
offsets, also around characters outside the BMP."""

from __future__ import annotations

import itertools

import pytest
from core_support import engine, reference_edges

TEXTS = [
    "ちょっとまってください",
    "महात्मा गांधी  ",
    "ka\u200dn\u200dne",
    "𓀀a😀b𝔘𝔫𝔦",
    "Ελλάδα 2024 £",
    "三分之一 and 百分之五",
    "가\U0001f600나",
]


@pytest.mark.parametrize("text", TEXTS)
def test_edges_match_uroman(native: str, text: str) -> None:
    assert engine().edges(text, "") == reference_edges(text)


@pytest.mark.parametrize("text", TEXTS)
def test_edges_cover_input_and_spell_the_romanization(native: str, text: str) -> None:
    edges = engine().edges(text, "")
    assert edges[0][0] == 0 and edges[-1][1] == len(text)
    assert all(a[1] == b[0] for a, b in itertools.pairwise(edges))
    assert "".join(e[2] for e in edges) == engine().romanize(text, "")


def test_offsets_are_code_points_not_bytes(native: str) -> None:
    text = "😀Ж"
    assert [(s, e) for s, e, _, _ in engine().edges(text, "")] == [(0, 1), (1, 2)]
