"""What another early-stopping patience would have kept, replayed from recorded dev curves.

Patience does not change a run before it stops (the learning-rate schedule follows
``--steps``, not the patience), so the dev evaluations a run recorded in ``metrics.jsonl``
are exactly what a run with a smaller patience would have seen up to its own stop. This
feeds each curve to the trainer's own :class:`tokadapt.align.selection.Selector` (the dev
score, the original → translation guard, first best kept) for every ``--patience`` and prints
the kept step, its dev score and the step the run would have ended at. No training.

    python benchmarks/align_patience_replay.py W0/adapt-align-default W1/adapt-align-default \
        --patience 1 2 3

Stop 21 (issue #13 notes) used it to rule out patience 2 for the ``distill`` defaults: fold 1
would have stopped at step 70 keeping step 42 (dev 0.9684) instead of step 84 (0.9726).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from tokadapt.align.selection import Selector, dev_score


def evaluations(run: Path) -> list[dict[str, Any]]:
    """The ``eval`` events of a run folder's ``metrics.jsonl`` (the step-0 one first)."""
    lines = (run / "metrics.jsonl").read_text(encoding="utf-8").splitlines()
    events = [json.loads(line) for line in lines if line.strip()]
    return [e for e in events if e.get("event") == "eval"]


def replay(evals: list[dict[str, Any]], patience: int) -> tuple[int, float, int]:
    """(kept step, its dev score, last evaluated step) under ``patience`` (0: never stop):
    the trainer's own :class:`Selector` fed the recorded evaluations (no weights kept)."""
    selector = Selector(keep_best=False, patience=patience)
    for e in evals:
        if selector.offer(int(e["step"]), e, model=None):
            break
    return selector.best_step, selector.best_score, selector.last_step


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("runs", nargs="+", type=Path, help="run folders holding metrics.jsonl")
    p.add_argument("--patience", nargs="+", type=int, default=[1, 2, 3])
    args = p.parse_args()
    print(
        "| run | curve | "
        + " | ".join(f"patience {n}: kept / dev / ended" for n in args.patience)
        + " |"
    )
    print("|---|---|" + "---|" * len(args.patience))
    for run in args.runs:
        evals = evaluations(run)
        curve = " ".join(
            f"{e['step']}:{dev_score(e):.4f}" for e in evals if dev_score(e) is not None
        )
        cells = [replay(evals, n) for n in args.patience]
        shown = " | ".join(f"{k} / {s:.4f} / {end}" for k, s, end in cells)
        print(f"| {run} | {curve} | {shown} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
