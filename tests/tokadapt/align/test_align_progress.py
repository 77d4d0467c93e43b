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


HORIZON = re.compile(
    r"^\S+ \S+ align: (\d+)/(\d+) step .*ETA \d+:\d\d:\d\d to step ([\d,]+) "
    r"\(the early stop unless dev improves; \d+:\d\d:\d\d to step ([\d,]+)\)",
    re.M,
)


def test_eta_is_given_to_the_early_stop(
    tiny_mlm_dir: Path, train_specs: list[str], tmp_path: Path
) -> None:
    """With dev evaluations and patience, each progress line's ETA is to the step at which the
    early stop ends the run unless dev improves (the last evaluation + the evaluations left
    of the patience), and a run that stops early stops at the last horizon it showed."""
    import json

    every, patience = 3, 2
    cmd = [sys.executable, "-m", "tokadapt", "align", "--model", str(tiny_mlm_dir), "--train",
           *train_specs, "-o", str(tmp_path / "h"), "--steps", "400", "--batch-size", "2",
           "--layer", "1", "--device", "cpu", "--eval-every", str(every),
           "--patience", str(patience), "--keep-best"]  # fmt: skip
    env = dict(os.environ, TOKADAPT_PROGRESS_INTERVAL="0", OMP_NUM_THREADS="1")
    run = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=600, check=True)
    events = [json.loads(line) for line in (tmp_path / "h" / "metrics.jsonl").open()]
    evals = [e["step"] for e in events if e["event"] == "eval"]
    best = {e["step"] for e in events if e["event"] == "best"}
    assert evals[0] == 0 and 0 in best, events[:3]
    expected: dict[int, int] = {}  # evaluation step -> the horizon it sets
    stale = 0
    for step in evals:
        stale = 0 if step in best else stale + 1
        expected[step] = step + (patience - stale) * every
    lines = HORIZON.findall(run.stderr)
    assert len(lines) >= 3, run.stderr
    for n, total, horizon, total_again in lines:
        last_eval = max(e for e in evals if e < int(n))  # the line comes before step n's eval
        assert int(horizon.replace(",", "")) == expected[last_eval], (n, horizon, evals, best)
        assert total == total_again.replace(",", "") == "400"
    stopped = [e for e in events if e["event"] == "early_stop"]
    assert stopped, "the tiny run was expected to stop early"
    assert stopped[0]["step"] == int(lines[-1][2].replace(",", ""))
    # without early stopping (patience 0) there is no horizon: the ETA is to the last step
    plain = [*cmd[: cmd.index("-o")], "-o", str(tmp_path / "p"), "--steps", "30",
             "--batch-size", "2", "--layer", "1", "--device", "cpu", "--patience", "0"]  # fmt: skip
    run = subprocess.run(plain, capture_output=True, text=True, env=env, timeout=600, check=True)
    assert not HORIZON.search(run.stderr), run.stderr
    assert re.search(r"align: 29/30 step .*ETA \d+:\d\d:\d\d, loss=", run.stderr), run.stderr
