"""Named ICU romanization presets: what each ``icu:NAME`` scheme runs, as ICU ids or ICU rules.

Every preset is run by ICU itself (``icu.Transliterator``); ``NAME-ascii`` appends ICU's
``Latin-ASCII``. The ICU transform each one maps to (ICU 72 ships all of them):

=============  ==================================================================================
``iso9``       ``Cyrillic-Latin`` (CLDR's Cyrillic transform, based on ISO 9:1995)
``bgn``        ``<Language>-Latin/BGN`` for the language given (rus → ``Russian-Latin/BGN``,
               ukr, bel, bul, mkd, srp, kaz, kir, mon, uzb, aze, tuk, ara, fas, pus, heb, ell,
               hye, kat, amh, kor, div; no language: ``Russian-Latin/BGN``)
``ungegn``     ``Greek-Latin/UNGEGN``
``iso15919``   ``Devanagari-Latin; Bengali-Latin; Gurmukhi-Latin; Gujarati-Latin; Oriya-Latin;
               Tamil-Latin; Telugu-Latin; Kannada-Latin; Malayalam-Latin`` (CLDR's InterIndic
               transforms, ISO 15919-based)
``pinyin``     ICU rules around ``Han-Latin``: syllables of one Han run joined (ICU writes
               ``zhōng guó``; pinyin writes ``zhongguo``), original spaces kept, tone marks
               (U+0300/0301/0304/030C after a vowel or ü) removed — also from Latin input
``hepburn``    ``Hiragana-Latin; Katakana-Latin`` (CLDR's kana transforms, Hepburn-like)
``arabic``     ``Arabic-Latin/BGN``;  ``persian``: ``Persian-Latin/BGN``;
``hebrew``     ``Hebrew-Latin/BGN`` (ALA-LC is not shipped by ICU; BGN/PCGN is)
``latin``      ``Any-Latin`` (ICU's generic romanization of every script)
=============  ==================================================================================
"""

from __future__ import annotations

from typing import NamedTuple

from translit.errors import InputError

ASCII_SUFFIX = "-ascii"
LATIN_ASCII = "Latin-ASCII"

BGN_BY_LANG = {
    "rus": "Russian",
    "ukr": "Ukrainian",
    "bel": "Belarusian",
    "bul": "Bulgarian",
    "mkd": "Macedonian",
    "srp": "Serbian",
    "kaz": "Kazakh",
    "kir": "Kirghiz",
    "mon": "Mongolian",
    "uzb": "Uzbek",
    "aze": "Azerbaijani",
    "tuk": "Turkmen",
    "ara": "Arabic",
    "fas": "Persian",
    "pus": "Pashto",
    "heb": "Hebrew",
    "ell": "Greek",
    "hye": "Armenian",
    "kat": "Georgian",
    "amh": "Amharic",
    "kor": "Korean",
    "div": "Maldivian",
}

INDIC = [
    "Devanagari",
    "Bengali",
    "Gurmukhi",
    "Gujarati",
    "Oriya",
    "Tamil",
    "Telugu",
    "Kannada",
    "Malayalam",
]

PINYIN_RULES = r"""
' ' > \uE001 ;
:: Han-Latin ;
' ' > ;
\uE001 > ' ' ;
:: NFD ;
[aeiou\u0308] { [\u0300\u0301\u0304\u030C] > ;
:: NFC ;
"""


class Transform(NamedTuple):
    """What ICU runs: a transform id (``Cyrillic-Latin; Latin-ASCII``) or rules (``is_rules``)."""

    text: str
    is_rules: bool = False


def _ids(*ids: str) -> Transform:
    return Transform("; ".join(ids))


PRESETS: dict[str, Transform] = {
    "iso9": _ids("Cyrillic-Latin"),
    "ungegn": _ids("Greek-Latin/UNGEGN"),
    "iso15919": _ids(*(f"{s}-Latin" for s in INDIC)),
    "pinyin": Transform(PINYIN_RULES, is_rules=True),
    "hepburn": _ids("Hiragana-Latin", "Katakana-Latin"),
    "arabic": _ids("Arabic-Latin/BGN"),
    "persian": _ids("Persian-Latin/BGN"),
    "hebrew": _ids("Hebrew-Latin/BGN"),
    "latin": _ids("Any-Latin"),
}
LANG_PRESETS = ("bgn",)


def preset_names() -> list[str]:
    """Every preset name, each also with ``-ascii``."""
    base = sorted([*PRESETS, *LANG_PRESETS])
    return [n for b in base for n in (b, b + ASCII_SUFFIX)]


def preset_transform(name: str, lang: str | None) -> Transform | None:
    """The ICU transform of preset ``name`` (``iso9``, ``bgn-ascii`` …), or None if not a preset."""
    base = name.lower()
    ascii_fold = base.endswith(ASCII_SUFFIX)
    if ascii_fold:
        base = base[: -len(ASCII_SUFFIX)]
    if base == "bgn":
        if (lang or "rus") not in BGN_BY_LANG:
            raise InputError(
                f"ICU has no BGN/PCGN romanization for language {lang!r}; "
                f"allowed: {', '.join(sorted(BGN_BY_LANG))}"
            )
        tr = _ids(f"{BGN_BY_LANG[lang or 'rus']}-Latin/BGN")
    elif base in PRESETS:
        tr = PRESETS[base]
    else:
        return None
    if not ascii_fold:
        return tr
    if tr.is_rules:
        return Transform(tr.text + f":: {LATIN_ASCII} ;\n", is_rules=True)
    return Transform(f"{tr.text}; {LATIN_ASCII}")
