"""The one locale <-> ISO 639-3 <-> script table (CLDR/babel/wordfreq locale -> uroman's ``-l``).

Each row: the CLDR locale (ISO 639-1 where one exists), the ISO 639-3 code that
``translit``/uroman take as ``lcode``, the ISO 15924 code of the script CLDR writes it in, and
that script's English name. Selections of locales (the BLI set, the demo sets) are lists of
locale codes elsewhere; what a locale *is* lives only here.
"""

from __future__ import annotations

from typing import NamedTuple

from tokadapt.errors import ConfigError


class Locale(NamedTuple):
    code: str
    iso639_3: str
    script: str  # ISO 15924
    script_name: str


_ROWS = """
am amh Ethi Ethiopic|ar ara Arab Arabic|as asm Beng Bengali|be bel Cyrl Cyrillic
bg bul Cyrl Cyrillic|bn ben Beng Bengali|ca cat Latn Latin|cs ces Latn Latin|da dan Latn Latin
de deu Latn Latin|el ell Grek Greek|en eng Latn Latin|es spa Latn Latin|fa fas Arab Arabic
fi fin Latn Latin|fil fil Latn Latin|fr fra Latn Latin|gu guj Gujr Gujarati|he heb Hebr Hebrew
hi hin Deva Devanagari|hu hun Latn Latin|hy hye Armn Armenian|id ind Latn Latin
is isl Latn Latin|it ita Latn Latin|ja jpn Jpan Japanese|ka kat Geor Georgian
kk kaz Cyrl Cyrillic|km khm Khmr Khmer|kn kan Knda Kannada|ko kor Kore Hangul
ks kas Arab Arabic|ky kir Cyrl Cyrillic|lo lao Laoo Lao|lt lit Latn Latin|lv lav Latn Latin
mk mkd Cyrl Cyrillic|ml mal Mlym Malayalam|mn mon Cyrl Cyrillic|mr mar Deva Devanagari
ms msa Latn Latin|my mya Mymr Myanmar|nb nob Latn Latin|ne nep Deva Devanagari
nl nld Latn Latin|or ori Orya Oriya|os oss Cyrl Cyrillic|pa pan Guru Gurmukhi
pl pol Latn Latin|ps pus Arab Arabic|pt por Latn Latin|ro ron Latn Latin|ru rus Cyrl Cyrillic
sh hbs Latn Latin|si sin Sinh Sinhala|sk slk Latn Latin|sl slv Latn Latin
sr srp Cyrl Cyrillic|sv swe Latn Latin|ta tam Taml Tamil|te tel Telu Telugu|th tha Thai Thai
tr tur Latn Latin|ug uig Arab Arabic|uk ukr Cyrl Cyrillic|ur urd Arab Arabic
vi vie Latn Latin|yi yid Hebr Hebrew|zh zho Hani Han
"""

TABLE: dict[str, Locale] = {
    row.split()[0]: Locale(*row.split())
    for line in _ROWS.strip().splitlines()
    for row in line.split("|")
}
#: locale -> ISO 639-3 for every row (what wordfreq/babel call a language -> uroman's lcode)
ISO639_3: dict[str, str] = {code: row.iso639_3 for code, row in TABLE.items()}


def lookup(code: str) -> Locale:
    """The table row of ``code`` (``"ru"``); ConfigError naming the known locales otherwise."""
    if code not in TABLE:
        raise ConfigError(
            f"locale {code!r} is not in tokadapt's locale table; known: {', '.join(TABLE)}. "
            "Fix: add a row to tokadapt/data/locales.py"
        )
    return TABLE[code]


def iso639_3(code: str) -> str:
    """``"ru"`` -> ``"rus"``."""
    return lookup(code).iso639_3


def script_name(code: str) -> str:
    """``"ru"`` -> ``"Cyrillic"``."""
    return lookup(code).script_name


def from_iso639_3(lcode: str) -> list[str]:
    """Every locale whose ISO 639-3 code is ``lcode`` (``"rus"`` -> ``["ru"]``)."""
    return [code for code, row in TABLE.items() if row.iso639_3 == lcode]


#: one or more locales per non-Latin script, in report order: the vocabulary demo/benchmark set
NON_LATIN_SAMPLE: tuple[str, ...] = (
    *("ru", "uk", "el", "he", "ar", "fa", "hi", "bn", "ta", "te"),
    *("th", "ka", "hy", "am", "ja", "ko", "zh", "my", "km", "si"),
)
