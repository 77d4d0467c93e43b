"""uroman's own golden test (``mini-test/multi-script.txt``) through the native path: 100 %."""

from __future__ import annotations

from pathlib import Path

from translit_goldens import romanize_row

from translit._data import reference_test_files as uroman_golden
from translit.cli import main as translit_main


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").split("\n")[:-1]


def test_multi_script_line_by_line(golden_backend: str) -> None:
    src, ref = uroman_golden()
    failures = []
    for number, (line, want) in enumerate(zip(_lines(src), _lines(ref), strict=True), 1):
        got = romanize_row(golden_backend, "golden", "", line)
        if got != want:
            failures.append(
                f"multi-script.txt:{number} {line[:60]!r}\n  expected {want!r}\n  got {got!r}"
            )
    assert len(_lines(src)) == 32
    assert not failures, "\n".join(failures)


def test_multi_script_through_the_cli(golden_backend: str, tmp_path: Path) -> None:
    src, ref = uroman_golden()
    out = tmp_path / "out.txt"
    assert translit_main(["-i", str(src), "-o", str(out), "--backend", golden_backend]) == 0
    assert out.read_bytes() == ref.read_bytes()
