"""Code points newer than Python's ``unicodedata`` (issue 9, class 8).

uroman names characters with ``unicodedata`` (Unicode 14.0 on Python 3.11) but finds word and
syllable boundaries with the ``regex`` module, whose own database is newer. CJK Extension H
(U+31350..U+323AF) is ``Cn`` to the first and a letter to the second, so a Thai consonant after
it closes a syllable (``ข`` -> ``k``, not ``kh``). translit computes the ``regex`` view at start-up
(translit/_regex_props.py) and must agree with uroman on every such code point.
"""

from __future__ import annotations

import sys
import unicodedata

import pytest
import regex
from core_support import engine, reference_edges, reference_string

import translit
from translit._regex_props import regex_props_table

_NEWER = regex.compile(r"[\p{L}\p{M}\d]")


def _newer_code_points() -> list[int]:
    return [
        cp
        for cp in range(sys.maxunicode + 1)
        if unicodedata.category(chr(cp)) == "Cn" and _NEWER.match(chr(cp))
    ]


def test_cjk_extension_h_before_a_lone_thai_consonant(native: str) -> None:
    assert translit.romanize("\U00031350\u0e02") == "\U00031350k"
    assert translit.romanize("\U00031350\u0e08") == "\U00031350t"


def test_sample_of_newer_code_points_matches_uroman(native: str) -> None:
    cps = _newer_code_points()
    assert len(cps) > 1000  # regex knows Unicode >= 15 (else this class cannot occur)
    failures = []
    for cp in cps[::97]:
        for text in (f"{chr(cp)}\u0e02", f"\u0e01{chr(cp)}", f"a{chr(cp)}12"):
            if engine().romanize(text, "") != reference_string(text):
                failures.append(f"U+{cp:04X} in {text!r}")
            elif engine().edges(text, "") != reference_edges(text):
                failures.append(f"edges of U+{cp:04X} in {text!r}")
    assert not failures, failures[:20]


def test_props_table_lists_exactly_the_regex_letters_marks_and_digits(native: str) -> None:
    from translit import _core

    table = regex_props_table(_core.unassigned_ranges())
    listed = set()
    for line in table.splitlines():
        _kind, first, last = line.split()
        listed.update(range(int(first, 16), int(last, 16) + 1))
    assert listed == set(_newer_code_points())


@pytest.mark.parametrize("line", ["XX 41 42", "LM 42 41", "LM 110000 110000", "LM zz 41", "LM"])
def test_malformed_props_table_is_a_data_error(native: str, line: str) -> None:
    from translit import _core
    from translit._data import read_tables

    with pytest.raises(translit.DataError, match="regex-props line 1"):
        _core.Engine({**read_tables(), "translit:regex-props": line + "\n"})
