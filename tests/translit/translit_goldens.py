"""Reading the golden TSVs and ``known_differences.tsv`` (see ``golden/make_golden.py``)."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import translit

GOLDEN_DIR = Path(__file__).resolve().parent / "golden"
KNOWN_FILE = GOLDEN_DIR / "known_differences.tsv"
KNOWN_COLUMNS = ("corpus", "source", "script", "lcode", "input", "expected", "got", "explanation")
_UNESC = {"\\": "\\", "t": "\t", "n": "\n", "r": "\r"}


class GoldenRow(NamedTuple):
    script: str
    corpus: str
    source: str
    lcode: str
    input: str
    expected: str

    def describe(self) -> str:
        return (
            f"[{self.script} {self.source} lcode={self.lcode or '-'}] input={self.input!r} "
            f"expected={self.expected!r}"
        )


class KnownDifference(NamedTuple):
    corpus: str
    source: str
    script: str
    lcode: str
    input: str
    expected: str
    got: str
    explanation: str


def unesc(field: str) -> str:
    out, i = [], 0
    while i < len(field):
        ch = field[i]
        if ch == "\\" and i + 1 < len(field):
            out.append(_UNESC.get(field[i + 1], "\\" + field[i + 1]))
            i += 2
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def _records(path: Path, width: int) -> list[list[str]]:
    lines = path.read_text(encoding="utf-8").split("\n")
    rows = []
    for number, line in enumerate(lines[1:], 2):
        if not line:
            continue
        fields = line.split("\t")
        if len(fields) != width:
            raise ValueError(f"{path}:{number}: expected {width} tab-separated fields: {fields}")
        rows.append([unesc(f) for f in fields])
    return rows


def golden_files() -> list[Path]:
    return sorted(p for p in GOLDEN_DIR.glob("*.tsv") if p != KNOWN_FILE)


def read_golden(path: Path) -> list[GoldenRow]:
    script = path.stem
    return [GoldenRow(script, *fields) for fields in _records(path, 5)]


def read_known() -> list[KnownDifference]:
    return [KnownDifference(*fields) for fields in _records(KNOWN_FILE, len(KNOWN_COLUMNS))]


def romanize_row(backend: str, corpus: str, lcode: str, text: str) -> str:
    """How a row is romanized: vocabulary mode for XLM-R pieces; uroman's ``::lcode xxx`` line
    prefix for its golden test; plain text with ``lcode`` otherwise."""
    prefix = ""
    if corpus == "golden":
        prefix, text, lcode = _split_lcode(text)
    rom = translit.Romanizer(lcode or None, backend=backend)  # type: ignore[arg-type]
    if corpus == "xlmr":
        return rom.romanize_piece(text)
    return prefix + rom.romanize(text)


def _split_lcode(line: str) -> tuple[str, str, str]:
    from translit.stream import _LCODE_LINE

    m = _LCODE_LINE.match(line)
    if m is None:
        return "", line, ""
    return m.group(1) + m.group(2) + m.group(3), m.group(4), m.group(2)
