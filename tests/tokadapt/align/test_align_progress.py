"""``tokadapt align`` under a pipe: timestamped progress lines (steps, rate, ETA, loss) on
stderr at the configured interval, as well as metrics.jsonl; ``--quiet`` silences them."""

from __future__ import annotations

import itertools
import os
import re
import statistics
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

LINE = re.compile(r"^(\S+ \S+) align: (\d+)/\d+ step .*(?:step/s|s/step).*loss=", re.M)
INTERVAL = 0.5


def _align(model: Path, specs: list[str], out: Path, steps: int, *flags: str) -> Any:
    cmd = [sys.executable, "-m", "tokadapt", *flags, "align", "--model", str(model), "--train",
           *specs, "-o", str(out), "--steps", str(steps), "--batch-size", "2", "--layer", "1",
           "--device", "cpu"]  # fmt: skip
    env = dict(os.environ, TOKADAPT_PROGRESS_INTERVAL=str(INTERVAL), OMP_NUM_THREADS="1")
    return subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=600, check=True)


def test_progress_lines_under_a_pipe(
    tiny_mlm_dir: Path, train_specs: list[str], tmp_path: Path
) -> None:
    run = _align(tiny_mlm_dir, train_specs, tmp_path / "a", 200)
    hits = LINE.findall(run.stderr)
    assert len(hits) >= 3, run.stderr
    times = [datetime.strptime(t, "%Y-%m-%d %H:%M:%S,%f") for t, _ in hits]
    gaps = [(b - a).total_seconds() for a, b in itertools.pairwise(times[:-1])]
    assert min(gaps) >= INTERVAL * 0.9, gaps  # throttled (the last line, "done", is excluded)
    assert statistics.median(gaps) <= INTERVAL + 2.0, gaps  # regular (one slow step may lag)
    assert [int(n) for _, n in hits] == sorted(int(n) for _, n in hits)
    assert "done in" in run.stderr
    # what the run chose is said before its first step, not only in the closing summary
    said = re.search(r"^\S+ \S+ align: recipe 'transliCo' chosen automatically", run.stderr, re.M)
    first = LINE.search(run.stderr)
    assert said is not None and first is not None and said.start() < first.start(), run.stderr
    assert (tmp_path / "a" / "metrics.jsonl").is_file()


def test_quiet_silences_progress(
    tiny_mlm_dir: Path, train_specs: list[str], tmp_path: Path
) -> None:
    run = _align(tiny_mlm_dir, train_specs, tmp_path / "q", 20, "--quiet")
    assert LINE.findall(run.stderr) == []
