"""Which Unicode script a piece is written in (for ``select=`` and per-script reports).

The script of a character is read from its Unicode name (``CYRILLIC SMALL LETTER A`` →
``Cyrillic``), with the few families whose names do not start with the script folded in
(``CJK UNIFIED IDEOGRAPH`` → ``Han``, ``FULLWIDTH LATIN …`` → ``Latin``). Digits, punctuation,
symbols and marks without a script name are ``Common``. A piece's script is the most frequent
non-Common script among its letters (ties: alphabetical), else ``Common``.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache

from tokadapt.errors import ConfigError

COMMON = "Common"
_ALIASES = {
    "CJK": "Han",
    "IDEOGRAPHIC": "Han",
    "KANGXI": "Han",
    "HANGUL": "Hangul",
    "HIRAGANA": "Hiragana",
    "KATAKANA": "Katakana",
    "NKO": "Nko",
    "OL": "Ol Chiki",
}
_SKIP_WORDS = {"FULLWIDTH", "HALFWIDTH", "MATHEMATICAL", "SMALL", "CAPITAL", "MODIFIER", "OLD"}


@lru_cache(maxsize=65536)
def char_script(char: str) -> str:
    """Script name of one character (``Latin``, ``Cyrillic``, ``Han`` …) or ``Common``."""
    if not unicodedata.category(char).startswith(("L", "M")):
        return COMMON
    words = unicodedata.name(char, "").split()
    for word in words:
        if word in _ALIASES:
            return _ALIASES[word]
        if word in _SKIP_WORDS:
            continue
        if word in ("LETTER", "SIGN", "VOWEL", "COMBINING"):
            return COMMON
        return word.title()
    return COMMON


def text_script(text: str) -> str:
    """The most frequent non-Common script among the characters of ``text``."""
    counts = Counter(s for s in map(char_script, text) if s != COMMON)
    if not counts:
        return COMMON
    best = max(counts.values())
    return min(s for s, n in counts.items() if n == best)


def has_non_latin(text: str) -> bool:
    return any(char_script(c) not in (COMMON, "Latin") for c in text)


def latin_only(text: str) -> bool:
    """At least one Latin letter and no letter of another script (digits, marks, punctuation ok)."""
    if text.isascii():
        return any(c.isalpha() for c in text)
    scripts = {char_script(c) for c in text if unicodedata.category(c).startswith("L")}
    return "Latin" in scripts and scripts <= {"Latin", COMMON}


def normalize_select(select: str | Iterable[str]) -> str | frozenset[str]:
    """``"all"``, ``"non-latin"`` or a set of script names (case-insensitive, title-cased)."""
    if isinstance(select, str):
        if select in ("all", "non-latin"):
            return select
        select = [s for s in select.split(",") if s.strip()]
    scripts = frozenset(s.strip().title() for s in select)
    if not scripts:
        raise ConfigError("select must be 'all', 'non-latin' or a non-empty list of script names")
    return scripts


def selected(payload: str, select: str | frozenset[str]) -> bool:
    """Whether a piece payload is romanized under ``select``."""
    if select == "all":
        return True
    if select == "non-latin":
        return has_non_latin(payload)
    assert isinstance(select, frozenset)
    return any(char_script(c) in select for c in payload)
