"""Native vocabulary mode (Engine.romanize_vocab) equals the Python marker split of
translit.vocab plus uroman on the payload, for any thread count."""

from __future__ import annotations

import pytest
from core_support import engine, reference_string

from translit.vocab import split_piece

PIECES = [
    "▁Москва",
    "▁",
    "▁▁",
    "Ġकिताब",
    "Ġ",
    "##ность",
    "##",
    "слово</w>",
    "</w>",
    "▁слово</w>",
    "<0x41>",
    "<0xE3>",
    "<s>",
    "</s>",
    "[CLS]",
    "<|endoftext|>",
    "<unk>",
    "▁hello",
    "hello",
    "▁東京",
    "ｶﾀｶﾅ",
    "▁٣٤٥",
]


def python_split_reference(piece: str) -> str:
    parts = split_piece(piece)
    return parts.prefix + reference_string(parts.payload) + parts.suffix


@pytest.mark.parametrize("piece", PIECES)
def test_vocab_matches_python_split_plus_uroman(native: str, piece: str) -> None:
    assert engine().romanize_vocab([piece], "", 1) == [python_split_reference(piece)]


def test_vocab_and_batch_are_independent_of_thread_count(native: str) -> None:
    pieces = PIECES * 50
    one = engine().romanize_vocab(pieces, "", 1)
    assert engine().romanize_vocab(pieces, "", 3) == one
    assert engine().romanize_vocab(pieces, "", 0) == one
    texts = [p.lstrip("▁") for p in pieces]
    single = [engine().romanize(t, "") for t in texts]
    assert engine().romanize_batch(texts, "", 4) == single
