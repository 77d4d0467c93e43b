"""An English->xx lexicon from Unicode CLDR (via ``babel``): territory, language, month and
weekday names, for non-Latin locales. Real data that ``pip install babel`` provides."""

from __future__ import annotations

from collections.abc import Sequence

from tokadapt.errors import ConfigError, require

# locale -> ISO-639-3 code as translit/uroman use it
LOCALES: dict[str, str] = {
    "ru": "rus",
    "el": "ell",
    "he": "heb",
    "ar": "ara",
    "hi": "hin",
    "bn": "ben",
    "ta": "tam",
    "th": "tha",
    "ka": "kat",
    "hy": "hye",
    "am": "amh",
    "ja": "jpn",
    "ko": "kor",
    "zh": "zho",
    "uk": "ukr",
    "fa": "fas",
}
KINDS = ("territories", "languages", "months", "days")


def _names(locale: object, kind: str) -> dict[str, str]:
    if kind in ("territories", "languages"):
        return {str(k): str(v) for k, v in getattr(locale, kind).items()}
    table = getattr(locale, kind)
    width = table.get("stand-alone", table["format"])["wide"]
    return {f"{kind}:{k}": str(v) for k, v in width.items()}


def _usable(name: str) -> bool:
    return bool(name) and not any(c.isdigit() or c in "()[],/&" for c in name) and len(name) <= 40


def lexicon(lang: str, kinds: Sequence[str] = KINDS, max_words: int = 2) -> list[tuple[str, str]]:
    """``(english, xx)`` name pairs for CLDR ``lang`` (names of at most ``max_words`` words)."""
    babel = require("babel", "data", "babel")
    for kind in kinds:
        if kind not in KINDS:
            raise ConfigError(f"CLDR kind must be one of {', '.join(KINDS)}, got {kind!r}")
    try:
        en, xx = babel.Locale.parse("en"), babel.Locale.parse(lang)  # type: ignore[attr-defined]
    except (ValueError, babel.UnknownLocaleError) as exc:  # type: ignore[attr-defined]
        raise ConfigError(f"babel has no CLDR locale {lang!r}: {exc}") from exc
    pairs: list[tuple[str, str]] = []
    for kind in kinds:
        src, tgt = _names(en, kind), _names(xx, kind)
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
    import zlib

    def is_test(word: str) -> bool:
        return zlib.crc32(word.encode()) % 1000 < int(test_share * 1000)

    train = [p for p in pairs if not is_test(p[0])]
    test = [p for p in pairs if is_test(p[0])]
    return train, test
