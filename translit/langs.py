"""Language codes: ISO 639-3 validation, FLORES-200 ``rus_Cyrl`` codes, "did you mean".

The list of valid codes is ISO 639-3 as ``pycountry`` ships it when that package is installed
(7,900+ codes), joined with uroman's own language list (``ISO-639-3-list.txt``, always present
with uroman) and the variant codes uroman's rule tables use (``srp2``, ``mkd2``). Without
pycountry only uroman's list is known (375 languages), and the error says so.
"""

from __future__ import annotations

import difflib
import re
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from translit.errors import InputError

_FLORES = re.compile(r"([a-z]{3}[0-9]?)_([A-Za-z]{4})")
_LANG_CODE = re.compile(r"::lang-code\s+(\S+)(.*)")
_DEPRECATED = re.compile(r"::deprecated-lang-codes\s+([^:]+)")
_NAMES = re.compile(r"::lang-names\s+([^:]+)")
_TABLE_LCODE = re.compile(r"::lcode\s+([a-z]{3}[0-9]?)")


class LangSpec(NamedTuple):
    """A validated language: ISO 639-3 ``lang`` and, for FLORES-200 codes, the script name."""

    lang: str
    script: str | None


def _uroman_data() -> Path:
    import uroman

    return Path(uroman.__file__).parent / "data"


@lru_cache(maxsize=1)
def known() -> tuple[frozenset[str], dict[str, str], str]:
    """(valid codes, {alias such as ``ru``/``zh``: code}, description of the source)."""
    data = _uroman_data()
    codes: set[str] = set()
    alias: dict[str, str] = {}
    for line in (data / "ISO-639-3-list.txt").read_text(encoding="utf-8").splitlines():
        m = _LANG_CODE.match(line)
        if m:
            codes.add(m.group(1))
            dep = _DEPRECATED.search(m.group(2))
            for old in dep.group(1).replace(";", " ").split() if dep else []:
                alias.setdefault(old.strip(), m.group(1))
            names = _NAMES.search(m.group(2))
            for name in names.group(1).split(";") if names else []:
                alias.setdefault(name.strip().lower(), m.group(1))
    table = (data / "romanization-table.txt").read_text(encoding="utf-8")
    codes.update(_TABLE_LCODE.findall(table))
    source = "uroman's language list (pip install pycountry for all of ISO 639-3)"
    try:
        import pycountry
    except ImportError:
        return frozenset(codes), alias, source
    for lang in pycountry.languages:
        codes.add(lang.alpha_3)
        if getattr(lang, "alpha_2", None):
            alias.setdefault(lang.alpha_2, lang.alpha_3)
        alias.setdefault(lang.name.lower(), lang.alpha_3)
    # ISO 639-5 collective codes: uroman's own golden test romanizes Thai under ``::lcode tai``
    codes.update(family.alpha_3 for family in getattr(pycountry, "language_families", []))
    return frozenset(codes), alias, "ISO 639-3/639-5 (pycountry) and uroman's language list"


@lru_cache(maxsize=1)
def _uroman_codes() -> frozenset[str]:
    text = (_uroman_data() / "ISO-639-3-list.txt").read_text(encoding="utf-8")
    return frozenset(m.group(1) for m in map(_LANG_CODE.match, text.splitlines()) if m)


def check_lcode(code: str) -> str:
    """``code`` if it is a known ISO 639-3 (or uroman variant) code; else InputError with a hint."""
    codes, alias, source = known()
    if code in codes:
        return code
    if code.lower() in codes:
        hint = code.lower()
    elif code.lower() in alias:
        hint = alias[code.lower()]
    else:
        common = _uroman_codes()  # languages uroman knows first: they are the likely meaning
        close = difflib.get_close_matches(code.lower(), sorted(common), n=3, cutoff=0.67)
        close += difflib.get_close_matches(code.lower(), sorted(codes), n=3, cutoff=0.67)
        hint = ", ".join(list(dict.fromkeys(close))[:3])
    raise InputError(
        f"unknown language code {code!r}: not an ISO 639-3 code in {source}"
        + (f"; did you mean {hint}?" if hint else "")
        + " (examples: rus, ukr, hin, zho, or FLORES-200 rus_Cyrl)"
    )


def parse_lang(spec: str) -> LangSpec:
    """``rus`` → (rus, None); FLORES-200 ``rus_Cyrl`` → (rus, "Cyrillic"); unknown → InputError."""
    if not isinstance(spec, str):
        raise InputError(f"language code must be a str, got {type(spec).__name__}")
    spec = spec.strip()
    m = _FLORES.fullmatch(spec)
    if m is None:
        return LangSpec(check_lcode(spec), None)
    from translit.scripts import lookup

    return LangSpec(check_lcode(m.group(1)), lookup(m.group(2)).name)
