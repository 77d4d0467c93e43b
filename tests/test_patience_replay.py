"""``benchmarks/align_patience_replay.py`` replays early stopping from recorded dev curves; its
verdicts must be the trainer's own :class:`~tokadapt.align.selection.Selector`'s (it feeds
them to one: the random curves check the feeding, the hand-made curve the verdicts)."""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

from align_patience_replay import evaluations, replay

from tokadapt.align.selection import Selector


def _curve(rng: random.Random, n: int) -> list[dict[str, float]]:
    """Dev evaluations on a 20-query set: scores on a 1/20 grid (ties are common), orig→en
    sometimes falling enough for the guard to refuse a step."""
    out = []
    for i in range(n):
        grid = [rng.randint(10, 20) / 20 for _ in range(3)]
        out.append({"step": 10 * i, "all/queries": 20.0, "all/rom_top1": grid[0],
                    "all/rom_en_top1": grid[1], "all/orig_en_top1": grid[2]})  # fmt: skip
    return out


def _selector(evals: list[dict[str, float]], patience: int) -> tuple[int, float, int]:
    sel = Selector(keep_best=False, patience=patience)
    for e in evals:
        if sel.offer(int(e["step"]), e, model=None):
            break
    return sel.best_step, sel.best_score, sel.last_step


def test_replay_is_the_selector_on_random_curves() -> None:
    rng = random.Random(0)
    stopped_early = 0
    for _ in range(300):
        evals = _curve(rng, rng.randint(1, 15))
        for patience in (0, 1, 2, 3):
            got = replay(evals, patience)
            assert got == _selector(evals, patience), (evals, patience)
            stopped_early += got[2] < evals[-1]["step"]
    assert stopped_early > 100  # the curves exercise the early stop, not only the end


def test_a_hand_made_curve() -> None:
    """0.5, 0.6, 0.6 (a tie: the first best stays), 0.9 refused by the guard (orig→en fell
    from 0.8 to 0.5 on 20 queries), 0.7, then 0.65 twice."""
    rows = [(0.5, 0.8), (0.6, 0.8), (0.6, 0.8), (0.9, 0.5), (0.7, 0.8), (0.65, 0.8), (0.65, 0.8)]
    evals = [{"step": 10 * i, "all/queries": 20.0, "all/rom_top1": s, "all/rom_en_top1": s,
              "all/orig_en_top1": o} for i, (s, o) in enumerate(rows)]  # fmt: skip
    kept, _, ended = replay(evals, 2)
    assert (kept, ended) == (10, 30)  # the tie and the refused step end it at patience 2
    kept, _, ended = replay(evals, 3)
    assert (kept, ended) == (40, 60)
    assert replay(evals, 0)[::2] == (40, 60)  # never stops: the best of the whole curve


def test_reads_the_eval_events_of_a_run(tmp_path: Path) -> None:
    events = [{"event": "config", "step": 0}, *({"event": "eval", **e} for e in
              _curve(random.Random(1), 4)), {"event": "best", "step": 0}]  # fmt: skip
    (tmp_path / "metrics.jsonl").write_text("\n".join(json.dumps(e) for e in events) + "\n")
    assert [e["step"] for e in evaluations(tmp_path)] == [0, 10, 20, 30]
