"""Every ``::lcode`` of uroman's own golden test is a language the factory accepts (uroman uses
the ISO 639-5 collective code ``tai`` for Thai), with the same output as the plain romanizer."""

from __future__ import annotations

import re

import translit
from translit._data import reference_test_files

_LCODE = re.compile(r"::lcode\s+(\S+)\s+(.*)")


def test_golden_test_lcodes_pass_the_factory() -> None:
    source, _ = reference_test_files()
    rows = [m.groups() for m in map(_LCODE.match, source.read_text("utf-8").splitlines()) if m]
    assert {code for code, _ in rows} >= {"tai"}
    for code, text in rows:
        made = translit.make_romanizer("uroman", code).romanize(text)
        assert made == translit.Romanizer(code).romanize(text), code
