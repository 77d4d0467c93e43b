"""The ``regex`` module's view of code points that Python's ``unicodedata`` leaves unassigned.

uroman 1.3.1.1 takes character names and categories from ``unicodedata`` (Unicode 14.0 on
Python 3.11) but decides word and syllable boundaries with ``regex`` patterns (``\\pL``, ``\\pM``,
``\\d``), and the third-party ``regex`` module carries its own, newer Unicode database. A code
point assigned after Unicode 14.0 (e.g. CJK Extension H, U+31350..U+323AF) is therefore ``Cn`` to
``unicodedata`` but a letter to ``regex``: ``'\\U00031350ข'`` romanizes to ``...k`` (the Thai
consonant closes a syllable) rather than ``...kh``.

The native engine's tables come from ``unicodedata``; this module computes, from the ``regex``
installed beside uroman, the code points on which ``regex`` disagrees, as the optional engine
table :data:`TABLE` (lines ``LM|ND <first hex> <last hex>``). Only code points unassigned in
``unicodedata`` can differ (checked for every code point against regex 2026.11: the other
classes agree), so only those are scanned (~0.1 s, once per process).
"""

from __future__ import annotations

import array
import logging
import sys
from collections.abc import Iterable

log = logging.getLogger(__name__)

#: Engine table name (csrc/translit/data.h kRegexPropsTable).
TABLE = "translit:regex-props"

_PATTERNS = {"LM": r"[\p{L}\p{M}]", "ND": r"\d"}


def regex_props_table(unassigned: Iterable[tuple[int, int]]) -> str:
    """Table text for the code points in ``unassigned`` that ``regex`` sees as L/M or Nd."""
    try:
        import regex
    except ImportError:  # uroman itself cannot run without regex; unicodedata alone decides
        log.debug("the 'regex' module is not installed; no regex Unicode overrides")
        return ""
    cps = array.array("I" if array.array("I").itemsize == 4 else "L")
    for first, last in unassigned:
        cps.extend(range(first, last + 1))
    text = cps.tobytes().decode(f"utf-32-{sys.byteorder[0]}e")
    lines: list[str] = []
    for kind, pattern in _PATTERNS.items():
        found = [ord(m.group()) for m in regex.finditer(pattern, text)]
        lines.extend(f"{kind} {a:X} {b:X}" for a, b in _ranges(found))
    return "\n".join(lines) + ("\n" if lines else "")


def _ranges(sorted_cps: list[int]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for cp in sorted_cps:
        if out and out[-1][1] + 1 == cp:
            out[-1] = (out[-1][0], cp)
        else:
            out.append((cp, cp))
    return out
