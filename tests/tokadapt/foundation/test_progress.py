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


def test_horizon_gives_the_eta_to_an_early_end(
    cli_mode: None, capsys: pytest.CaptureFixture[str]
) -> None:
    with progress.progress(1000, "align", "step", interval=0) as bar:
        bar.set_horizon(40, "the early stop unless dev improves")
        bar.update(10, loss="0.5")
        bar.set_horizon(2000, "beyond the total: ignored")
        bar.update(10)
        bar.set_horizon(None)
        bar.update(10)
    lines = capsys.readouterr().err.splitlines()
    eta = r"\d+:\d\d:\d\d"
    assert re.search(
        rf"align: 10/1,000 step .*ETA {eta} to step 40 \(the early stop unless dev improves; "
        rf"{eta} to step 1,000\), loss=0.5$",
        lines[0],
    ), lines[0]
    for line in lines[1:3]:
        assert re.search(rf"ETA {eta}, loss=0.5$", line) and "early" not in line, line


def test_horizon_and_postfix_on_a_bar() -> None:
    """On a terminal tqdm shows every postfix key at once (its set_postfix replaces them all)
    and the horizon beside its own ETA, which is to the total."""

    class Bar:
        def __init__(self) -> None:
            self.postfix: dict[str, str] = {}

        def set_postfix(self, refresh: bool = True, **kw: str) -> None:
            self.postfix = dict(kw)

    bar = progress.Progress(100, "align", "step", enabled=False)
    fake = Bar()
    bar._bar = fake  # type: ignore[assignment]
    bar.set_postfix(loss="0.5", tcm="1.2")
    bar.set_horizon(39)
    assert fake.postfix == {"loss": "0.5", "tcm": "1.2", "ends_by": "39"}
    bar.set_postfix(loss="0.4")
    assert fake.postfix == {"loss": "0.4", "tcm": "1.2", "ends_by": "39"}
    bar.set_horizon(None)
    assert fake.postfix == {"loss": "0.4", "tcm": "1.2"}
    bar._bar = None


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
