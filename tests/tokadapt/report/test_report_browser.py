"""The report in a real headless browser (Debian's chromium): it renders the figures (not a
blank page) and logs nothing to the console. Skipped only where no chromium is installed
(.ci/run installs it)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from tokadapt.report import build_report

BROWSER = next(
    (b for b in ("chromium", "chromium-browser", "google-chrome") if shutil.which(b)), None
)
pytestmark = pytest.mark.skipif(BROWSER is None, reason="no chromium binary (apt install chromium)")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--enable-logging=stderr", "--v=0"]
BAR_BLUE = np.array([0x4C, 0x72, 0xB0]) / 255  # figures.COLORS[0]


def browse(page: Path, *args: str) -> subprocess.CompletedProcess[str]:
    cmd = [str(BROWSER), *FLAGS, *args, page.resolve().as_uri()]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=180, check=True)


def console(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if ":CONSOLE" in line]


@pytest.fixture(scope="module")
def page(run_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_report([run_dir], tmp_path_factory.mktemp("browser") / "report.html").path


def test_console_capture_sees_errors(tmp_path: Path) -> None:
    bad = tmp_path / "bad.html"
    bad.write_text('<p>x</p><script>console.error("broken")</script><img src="missing.png">')
    assert any("broken" in line for line in console(browse(bad, "--dump-dom").stderr))


def test_report_renders_figures_without_console_messages(page: Path, tmp_path: Path) -> None:
    shot = tmp_path / "shot.png"
    run = browse(page, f"--screenshot={shot}", "--window-size=1280,6000")
    assert console(run.stderr) == []
    from matplotlib.image import imread

    pixels = imread(shot)[..., :3]
    assert pixels.std() > 0.05  # not a blank page
    bars = np.abs(pixels - BAR_BLUE).max(axis=-1) < 0.03
    assert bars.sum() > 2000  # the figures' bars were drawn


def test_dom_holds_every_figure(page: Path) -> None:
    run = browse(page, "--dump-dom")
    assert console(run.stderr) == []
    assert run.stdout.count("<svg") == page.read_text(encoding="utf-8").count("<svg") == 6
