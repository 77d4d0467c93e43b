"""Synthetic stress corpora for the conformance check (not real text; reported apart).

* ``chars``: every assigned, non-private code point as a one-character string, and each
  letter/mark/number between two Latin letters (tables, contexts and combining marks);
* ``numbers``: integers and decimals written with every decimal digit set of Unicode, plus
  seeded combinations of CJK, Ethiopic and Roman numerals and fractions (uroman's numeral
  handling is the most intricate part of its algorithm);
* ``lcodes``: non-ASCII wordfreq words romanized under every language code that has rules of
  its own in uroman's tables (real words, unusual pairings: each rule set meets every script);
* ``newchars``: code points that Python's ``unicodedata`` (Unicode 14.0 on 3.11) leaves
  unassigned but the ``regex`` module uroman matches with knows as letters, marks or digits
  (e.g. CJK Extension H): alone, before a lone Thai consonant (syllable-end rule), between Latin
  letters, after a Thai consonant and before a digit (issue 9, class 8);
* ``mixed``: seeded strings of 2-6 real words, numbers, numerals, marks and punctuation from
  different scripts glued with and without separators (context at script boundaries).
"""

from __future__ import annotations

import random
import sys
import unicodedata

from corpora import RULE_LCODES, Item, sample, wordfreq_items

_CJK_NUMERALS = "零〇一二三四五六七八九十百千万萬亿億两兩廿卅分之点點"
_ETHIOPIC = "".join(chr(c) for c in range(0x1369, 0x137D))
_ROMAN = "".join(chr(c) for c in range(0x2160, 0x2189))
_FRACTIONS = "½⅓⅔¼¾⅕⅖⅗⅘⅙⅚⅛⅜⅝⅞"
_INTEGERS = ("0", "7", "10", "12", "99", "100", "101", "1000", "2024", "12345", "1000000")
_DECIMALS = ("3.14", "0.5", "1,000", "12,5", "-7", "1/2")


def _assigned(cp: int) -> bool:
    return unicodedata.category(chr(cp)) not in ("Cn", "Co", "Cs")


def chars_items() -> list[Item]:
    items = []
    for cp in range(sys.maxunicode + 1):
        if not _assigned(cp):
            continue
        ch = chr(cp)
        items.append(Item(f"char:U+{cp:04X}", ch, ""))
        if unicodedata.category(ch)[0] in "LMN" and cp > 0x7F:
            items.append(Item(f"char-ctx:U+{cp:04X}", f"a{ch}b", ""))
    return items


def _digit_zeros() -> list[str]:
    return [
        chr(cp)
        for cp in range(sys.maxunicode + 1)
        if _assigned(cp)
        and unicodedata.category(chr(cp)) == "Nd"
        and unicodedata.digit(chr(cp)) == 0
    ]


def numbers_items(seed: int = 0, combos: int = 3000) -> list[Item]:
    items = []
    for zero in _digit_zeros():
        table = str.maketrans("0123456789", "".join(chr(ord(zero) + d) for d in range(10)))
        for number in (*_INTEGERS, *_DECIMALS):
            items.append(Item(f"numbers:U+{ord(zero):04X}", number.translate(table), ""))
    rng = random.Random(seed)
    for name, alphabet in (("cjk", _CJK_NUMERALS), ("ethiopic", _ETHIOPIC), ("roman", _ROMAN)):
        for _ in range(combos if name == "cjk" else combos // 6):
            text = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 6)))
            items.append(Item(f"numbers:{name}", text, ""))
    for frac in _FRACTIONS:
        for prefix in ("", "3", "12 ", "٣"):
            items.append(Item("numbers:fraction", prefix + frac, ""))
    seen: set[str] = set()
    return [it for it in items if not (it.text in seen or seen.add(it.text))]  # type: ignore[func-returns-value]


def newer_code_points() -> list[int]:
    """Code points ``unicodedata`` calls Cn that ``regex`` matches with \\pL, \\pM or \\d."""
    import regex

    pattern = regex.compile(r"[\p{L}\p{M}\d]")
    return [
        cp
        for cp in range(sys.maxunicode + 1)
        if unicodedata.category(chr(cp)) == "Cn" and pattern.match(chr(cp))
    ]


_NEWCHAR_CONTEXTS = ("{}", "{}\u0e02", "{}\u0e08", "a{}b", "\u0e01{}", "{}12", "\u0915{}")


def newchars_items() -> list[Item]:
    return [
        Item(f"newchars:U+{cp:04X}:{i}", ctx.format(chr(cp)), "")
        for cp in newer_code_points()
        for i, ctx in enumerate(_NEWCHAR_CONTEXTS)
    ]


#: Codes with their own rules that are not plain ISO-639-3 (uroman's variant tables).
_VARIANT_LCODES = ("mkd2", "srp2", "grc", "pnt")


def lcodes_items(words: int = 6000) -> list[Item]:
    pool = [it for it in wordfreq_items() if not it.text.isascii()]
    chosen = sample(pool, words)
    codes = sorted(RULE_LCODES | set(_VARIANT_LCODES))
    return [Item(f"lcodes:{it.source}", it.text, lc) for lc in codes for it in chosen]


_GLUE = ("", "", " ", "-", ", ", ".", "\u200c", "\u200d", "'")
_EXTRAS = (
    "12",
    "3.5",
    "1,000",
    "٣٤",
    "१२",
    "½",
    "百",
    "万",
    "\u0301",
    "\u093f",
    "\u0e31",
    "№",
    "%",
)


def mixed_items(n: int = 40000, seed: int = 1) -> list[Item]:
    rng = random.Random(seed)
    pool = [it.text for it in sample(wordfreq_items(), 20000)] + list(_EXTRAS)
    items = []
    for i in range(n):
        parts = [rng.choice(pool) for _ in range(rng.randint(2, 6))]
        text = parts[0] + "".join(rng.choice(_GLUE) + p for p in parts[1:])
        items.append(Item(f"mixed:{i}", text, ""))
    return items
