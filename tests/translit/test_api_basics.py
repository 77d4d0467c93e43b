from __future__ import annotations

import pickle

import pytest

import translit
from translit.vocab import split_piece


def test_python_backend_romanizes_cyrillic() -> None:
    assert translit.Romanizer(backend="python").romanize("Привет мир") == "Privet mir"


def test_bad_language_code_is_input_error() -> None:
    with pytest.raises(translit.InputError, match="ISO-639-3"):
        translit.Romanizer("Russian", backend="python")


def test_lone_surrogate_strict_names_offset() -> None:
    rom = translit.Romanizer(backend="python")
    with pytest.raises(translit.InputError, match="offset 2"):
        rom.romanize("ab\ud800c")


def test_lone_surrogate_replace() -> None:
    rom = translit.Romanizer(backend="python", errors="replace")
    assert rom.romanize("ab\ud800c").startswith("ab")


def test_romanizer_pickles() -> None:
    rom = translit.Romanizer("rus", backend="python")
    again = pickle.loads(pickle.dumps(rom))
    assert again.lang == "rus" and again.romanize("Щука") == rom.romanize("Щука")


@pytest.mark.parametrize(
    ("piece", "parts"),
    [
        ("▁Игорь", ("▁", "Игорь", "")),
        ("##ство", ("##", "ство", "")),
        ("Ġмир", ("Ġ", "мир", "")),
        ("<0xE2>", ("<0xE2>", "", "")),
        ("<s>", ("<s>", "", "")),
        ("▁", ("", "▁", "")),
        ("мир</w>", ("", "мир", "</w>")),
    ],
)
def test_split_piece(piece: str, parts: tuple[str, str, str]) -> None:
    assert tuple(split_piece(piece)) == parts


def test_fallback_reports_uroman_crash_clearly() -> None:
    rom = translit.Romanizer(backend="python")
    with pytest.raises(translit.ReferenceCrashError, match=r"uroman 1\.3\.1\.1"):
        rom.romanize("百分之")


def test_native_defines_result_where_uroman_crashes() -> None:
    assert translit.Romanizer(backend="cpp").romanize("百分之") == "baifenzhi"
