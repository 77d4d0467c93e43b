"""Progress: timestamped lines at the configured interval when stderr is not a terminal,
nothing with --quiet or from the library by default."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tokadapt import progress

STAMP = r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} "


@pytest.fixture
def cli_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(progress, "_state", {"quiet": False, "cli": False})
    progress.configure()


def test_lines_with_rate_eta_and_postfix(
    cli_mode: None, capsys: pytest.CaptureFixture[str]
) -> None:
    with progress.progress(10, "encode", "text", interval=0) as bar:
        for _ in range(3):
            bar.update(2, loss="0.5")
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 4 and all(re.match(STAMP, line) for line in lines)
    assert "encode: 6/10 text (60.0%)" in lines[2] and "text/s, ETA " in lines[2]
    assert lines[2].endswith("loss=0.5") and "done in 0:00:00" in lines[3]


def test_interval_throttles(cli_mode: None, capsys: pytest.CaptureFixture[str]) -> None:
    with progress.progress(1000, "x", interval=60) as bar:
        for _ in range(1000):
            bar.update()
    assert capsys.readouterr().err == ""  # shorter than one interval: no line at all


def test_quiet_and_library_default_are_silent(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(progress, "_state", {"quiet": False, "cli": False})  # library use
    monkeypatch.setattr(progress.log, "propagate", True)
    with caplog.at_level("INFO", "tokadapt.progress"):
        with progress.progress(5, "library", interval=0) as bar:
            bar.update(5)
        progress.configure(quiet=True)
        with progress.progress(5, "quiet", interval=0) as bar:
            bar.update(5)
    assert caplog.records == []


def test_romanize_reports_bytes_under_a_pipe(tmp_path: Path) -> None:
    src = tmp_path / "in.txt"
    src.write_text("Привет, мир\n" * 300_000, encoding="utf-8")
    env = dict(os.environ, TOKADAPT_PROGRESS_INTERVAL="0")
    cmd = [sys.executable, "-m", "tokadapt", "romanize", "-i", str(src), "-o", str(tmp_path / "o")]
    run = subprocess.run(cmd, capture_output=True, text=True, env=env, check=True, timeout=300)
    lines = re.findall(STAMP + r"romanize: ([\d.]+)/([\d.]+) MB", run.stderr, re.M)
    assert len(lines) >= 3 and lines[-1][0] == lines[-1][1] == f"{src.stat().st_size / 1e6:.1f}"
