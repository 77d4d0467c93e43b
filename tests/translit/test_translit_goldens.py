"""Per-script goldens (uroman 1.3.1.1 on CLDR names, wordfreq words, XLM-R pieces).

The native core must reproduce every row, except the rows listed in ``known_differences.tsv``
(each explained), and every listed difference must still exist. Without a native build the
python backend runs instead: then the goldens must match exactly (a test of the fixture).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from translit_goldens import (
    KNOWN_COLUMNS,
    KNOWN_FILE,
    golden_files,
    read_golden,
    read_known,
    romanize_row,
)

import translit


def _known_for(backend: str) -> dict[tuple[str, str, str], str]:
    if backend != "cpp":
        return {}
    return {(k.corpus, k.lcode, k.input): k.got for k in read_known()}


def test_goldens_exist_and_cover_many_scripts() -> None:
    files = golden_files()
    assert len(files) >= 40, [f.name for f in files]
    assert sum(len(read_golden(f)) for f in files) >= 2000


@pytest.mark.parametrize("path", golden_files(), ids=lambda p: p.stem)
def test_golden_script(path: Path, golden_backend: str) -> None:
    known = _known_for(golden_backend)
    failures = []
    for row in read_golden(path):
        got = romanize_row(golden_backend, row.corpus, row.lcode, row.input)
        allowed = known.get((row.corpus, row.lcode, row.input), row.expected)
        if got != allowed:
            note = "" if allowed == row.expected else f" (known difference allows {allowed!r})"
            failures.append(f"{row.describe()} got={got!r}{note}")
    assert not failures, f"{len(failures)} row(s) differ ({golden_backend}):\n" + "\n".join(
        failures[:50]
    )


def test_known_differences_file_is_well_formed() -> None:
    header = KNOWN_FILE.read_text(encoding="utf-8").split("\n", 1)[0]
    assert tuple(header.split("\t")) == KNOWN_COLUMNS
    for k in read_known():
        assert k.explanation.strip() not in ("", "TODO"), f"{k.source} {k.input!r}: explain it"
        assert k.expected != k.got, f"{k.source} {k.input!r}: not a difference"


def test_known_differences_expected_is_uroman() -> None:
    """The 'expected' column really is uroman 1.3.1.1's output (or its crash)."""
    for k in read_known():
        try:
            ref = romanize_row("python", k.corpus, k.lcode, k.input)
        except translit.ReferenceCrashError as exc:
            crash = exc.__cause__  # the fallback wraps uroman's own exception
            ref = f"!uroman-error: {type(crash).__name__}: {crash}"
        assert ref == k.expected, f"{k.source} {k.input!r}: uroman gives {ref!r}"


def test_known_differences_still_exist(golden_backend: str) -> None:
    """A listed difference that disappeared (or changed) must be removed from the file."""
    if golden_backend != "cpp":
        pytest.skip("known differences describe the native core, which is not built here")
    stale = []
    for k in read_known():
        got = romanize_row("cpp", k.corpus, k.lcode, k.input)
        if got != k.got:
            stale.append(f"[{k.script} {k.source}] {k.input!r}: listed {k.got!r}, now {got!r}")
    assert not stale, "update known_differences.tsv:\n" + "\n".join(stale)


def test_implementation_reported(golden_backend: str) -> None:
    assert translit.Romanizer(backend=golden_backend).implementation == golden_backend  # type: ignore[arg-type]
