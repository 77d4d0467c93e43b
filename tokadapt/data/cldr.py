"""Unicode CLDR names via ``babel`` (real data that ``pip install babel`` provides): the one
place the project reads CLDR — name tables per locale and an English->xx lexicon of territory,
language, month and weekday names for non-Latin locales."""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from typing import Any

from tokadapt.data.locales import iso639_3
from tokadapt.errors import ConfigError, require

KINDS = ("territories", "languages", "months", "days")
#: the BLI lexicon's locales (one or more per non-Latin script), in report order
BLI_LOCALES: tuple[str, ...] = (
    *("ru", "el", "he", "ar", "hi", "bn", "ta", "th"),
    *("ka", "hy", "am", "ja", "ko", "zh", "uk", "fa"),
)
#: locale -> ISO-639-3 code as translit/uroman use it, for :data:`BLI_LOCALES`
LOCALES: dict[str, str] = {loc: iso639_3(loc) for loc in BLI_LOCALES}


def locale(code: str) -> Any:
    """babel's ``Locale`` for ``code``; ConfigError when CLDR has no such locale."""
    babel = require("babel", "data", "babel")
    try:
        return babel.Locale.parse(code)  # type: ignore[attr-defined]
    except (ValueError, babel.UnknownLocaleError) as exc:  # type: ignore[attr-defined]
        raise ConfigError(f"babel has no CLDR locale {code!r}: {exc}") from exc


def names(code: str, kind: str) -> dict[str, str]:
    """CLDR key -> name of one ``kind`` (territories/languages by code; months/days as
    ``"months:1"``, stand-alone wide forms)."""
    if kind not in KINDS:
        raise ConfigError(f"CLDR kind must be one of {', '.join(KINDS)}, got {kind!r}")
    loc = locale(code)
    if kind in ("territories", "languages"):
        return {str(k): str(v) for k, v in getattr(loc, kind).items()}
    table = getattr(loc, kind)
    width = table.get("stand-alone", table["format"])["wide"]
    return {f"{kind}:{k}": str(v) for k, v in width.items()}


def name_list(code: str, kinds: Sequence[str] = ("territories", "languages")) -> list[str]:
    """The distinct names of ``kinds``, sorted."""
    return sorted({name for kind in kinds for name in names(code, kind).values()})


def _usable(name: str) -> bool:
    return bool(name) and not any(c.isdigit() or c in "()[],/&" for c in name) and len(name) <= 40


def lexicon(lang: str, kinds: Sequence[str] = KINDS, max_words: int = 2) -> list[tuple[str, str]]:
    """``(english, xx)`` name pairs for CLDR ``lang`` (names of at most ``max_words`` words)."""
    for kind in kinds:
        if kind not in KINDS:
            raise ConfigError(f"CLDR kind must be one of {', '.join(KINDS)}, got {kind!r}")
    locale(lang)  # an unknown locale fails here, before any work
    pairs: list[tuple[str, str]] = []
    for kind in kinds:
        src, tgt = names("en", kind), names(lang, kind)
        for code in sorted(src.keys() & tgt.keys()):
            a, b = src[code], tgt[code]
            if (
                _usable(a)
                and _usable(b)
                and a != b
                and len(a.split()) <= max_words
                and len(b.split()) <= max_words
            ):
                pairs.append((a, b))
    return list(dict.fromkeys(pairs))


def split(pairs: Sequence[tuple[str, str]], test_share: float = 0.5) -> tuple[list, list]:
    """Deterministic train/test split by source word (a source word never lands on both sides)."""

    def is_test(word: str) -> bool:
        return zlib.crc32(word.encode()) % 1000 < int(test_share * 1000)

    train = [p for p in pairs if not is_test(p[0])]
    test = [p for p in pairs if is_test(p[0])]
    return train, test
