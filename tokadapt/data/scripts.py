"""Which script a piece is written in (for ``select=`` and per-script reports), from ICU.

A thin layer over :mod:`translit.scripts` (ICU's Script property, ISO 15924 codes and names;
Common/Inherited resolved from context and Script_Extensions) that speaks tokadapt's errors:
an unknown script name is a :class:`~tokadapt.errors.ConfigError` with a "did you mean".
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from tokadapt.errors import ConfigError, MissingDependencyError
from translit import errors as terr
from translit import scripts as icu_scripts

COMMON = icu_scripts.COMMON
SELECT_WORDS = ("all", "non-latin")


@contextmanager
def icu_errors() -> Iterator[None]:
    """Turn translit's script errors into tokadapt's (CLI exit 2, one line)."""
    try:
        yield
    except terr.MissingDependencyError as exc:
        raise MissingDependencyError(str(exc)) from exc
    except terr.InputError as exc:
        raise ConfigError(str(exc)) from exc


def char_script(char: str) -> str:
    """ICU's script name of one character (``Latin``, ``Cyrillic``, ``Han``, ``Common`` …)."""
    with icu_errors():
        return icu_scripts.char_script(char)


def text_script(text: str) -> str:
    """The most frequent script among the characters of ``text`` (see :mod:`translit.scripts`)."""
    with icu_errors():
        return icu_scripts.text_script(text)


def script_name(name_or_code: str) -> str:
    """ICU name of a script given by ISO 15924 code or name (any case); else ConfigError."""
    with icu_errors():
        return icu_scripts.lookup(name_or_code).name


def has_non_latin(text: str) -> bool:
    return any(s not in (COMMON, icu_scripts.INHERITED, "Latin") for s in _resolve(text))


def _resolve(text: str) -> list[str]:
    with icu_errors():
        return icu_scripts.resolve(text)


def latin_only(text: str) -> bool:
    """At least one Latin letter and no letter of another script (digits, marks, punctuation ok)."""
    if text.isascii():
        return any(c.isalpha() for c in text)
    letters = {
        s for c, s in zip(text, _resolve(text), strict=True) if unicodedata.category(c)[0] == "L"
    }
    return "Latin" in letters and letters <= {"Latin", COMMON}


def normalize_select(select: str | Iterable[str]) -> str | frozenset[str]:
    """``"all"``, ``"non-latin"`` or a set of ICU script names (codes or names, any case).

    Unknown names are refused with a suggestion (``Cyrilic`` → did you mean Cyrillic?).
    """
    if isinstance(select, str):
        if select.strip().lower() in SELECT_WORDS:
            return select.strip().lower()
        select = [s for s in select.split(",") if s.strip()]
    items = [s.strip() for s in select]
    if not items:
        raise ConfigError("select must be 'all', 'non-latin' or a non-empty list of script names")
    return frozenset(script_name(s) for s in items)


def selected(payload: str, select: str | frozenset[str]) -> bool:
    """Whether a piece payload is romanized under ``select``."""
    if select == "all":
        return True
    if select == "non-latin":
        return has_non_latin(payload)
    assert isinstance(select, frozenset)
    return any(s in select for s in _resolve(payload))
