"""Does the issue's 120-step budget stop the ``distill`` recipe too early? Dev decides.

At 120 steps x 16 pairs keep-best kept the *last* evaluated step (120) in most folds, so the dev
curve was still rising when the budget ran out. This benchmark trains the same align stage with
a longer budget and the recipe's own early stop (``--steps 300``, dev evaluation every 20 steps,
patience 3 evaluations) next to each 120-step run already in the fold folders made by
``align_sentences.py --fold K --translations`` (the align stage on the same inputs: the fold's
``adapt`` output with e5 as teacher, and e5 itself):

* ``adapt-align-tr`` -> ``adapt-align-tr-s300``: ``tokadapt align --model W/adapt --teacher
  W/e5 --train W/train-tr/* --eval W/dev/* --pivot W/train/pivot.eng.txt --batch-size 16
  --eval-every 20 --steps 300``;
* ``align-defaults-tr`` -> ``align-defaults-tr-s300``: the same on ``W/e5`` without a teacher.

The rule, written before any long run was measured: adopt the longer budget for a row iff its
kept step's dev selection score is at least the 120-step run's in every fold and higher in at
least two of three. Test sections are then measured for both (pooled over the folds as in
``align_sentences_cv.py``), whatever the rule said.

    python benchmarks/align_budget.py ../shared/data/udhr_articles_dev.tsv W0:0 W1:1 W2:2 \
        [--rows adapt-align-tr]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))
PAIRS = {"adapt-align-tr": "adapt", "align-defaults-tr": "e5"}  # row -> model it aligns


def kept(model_dir: Path) -> dict[str, Any]:
    """The kept step, its dev selection score and the step training ended at."""
    events = [json.loads(line) for line in (model_dir / "metrics.jsonl").open()]
    best = [e for e in events if e.get("event") == "best"]
    last = max(e["step"] for e in events if "all/rom_top1" in e)
    return {"kept_step": best[-1]["step"], "select": round(best[-1]["select"], 4), "ended": last}


def main() -> int:
    from align_sentences import CLI, DEFAULT_TSV, PROTOCOL, measure, prepare
    from align_sentences_cv import metric_tables, pooled

    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("tsv", nargs="?", default=str(DEFAULT_TSV))
    p.add_argument("folds", nargs="+", help="WORK:FOLD, the folders of align_sentences.py")
    p.add_argument("--steps", type=int, default=300)
    p.add_argument("--rows", nargs="+", choices=list(PAIRS), default=list(PAIRS))
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--protocol", type=int, choices=(1, 2), default=PROTOCOL)
    p.add_argument("--out", default=str(ROOT / "results"))
    args = p.parse_args()
    long = f"-s{args.steps}"
    runs: dict[str, Any] = {}
    folds: list[dict[str, Any]] = []
    for spec in args.folds:
        work, fold = Path(spec.rsplit(":", 1)[0]), int(spec.rsplit(":", 1)[1])
        data = prepare(Path(args.tsv), work, fold, args.protocol)
        for row in args.rows:
            base = PAIRS[row]
            out = work / (row + long)
            argv = [
                "align", "--model", str(work / base),
                *(["--teacher", str(work / "e5")] if base != "e5" else []),
                "--train", *data["train_tr"], "--eval", *data["dev"], "--pivot", *data["pivot"],
                "--batch-size", "16", "--eval-every", "20", "--steps", str(args.steps),
                "-o", str(out),
            ]  # fmt: skip
            seconds = None
            if not (out / "config.json").is_file():
                t = time.perf_counter()
                env = {**os.environ, "OMP_NUM_THREADS": str(args.threads)}
                cmd = [sys.executable, "-c", CLI, *argv, "--overwrite"]
                subprocess.run(cmd, check=True, env=env)
                seconds = round(time.perf_counter() - t, 1)
            runs.setdefault(row, []).append(
                {
                    "fold": fold,
                    "command": ["tokadapt", *argv],
                    "seconds": seconds,
                    "120": kept(work / row),
                    str(args.steps): kept(out),
                }
            )
        names = ["e5", "adapt", *args.rows, *(r + long for r in args.rows)]
        table = {n: measure(work / n, data["test"], 256, "mean-all", args.protocol) for n in names}
        folds.append({"test_units": {c: len(v["text"]) for c, v in data["test"].items()},
                      "table": table})  # fmt: skip
    verdict: dict[str, bool] = {}
    for row, per in runs.items():
        short = [r["120"]["select"] for r in per]
        longer = [r[str(args.steps)]["select"] for r in per]
        verdict[row] = all(b >= a for a, b in zip(short, longer, strict=True)) and sum(
            b > a for a, b in zip(short, longer, strict=True)
        ) >= min(2, len(per))
    result = {"runs": runs, "adopt": verdict, "table": pooled(folds)}
    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "align_budget.json").write_text(json.dumps(result, indent=2) + "\n")
    lines = [
        f"120 steps vs. up to {args.steps} with early stop (patience 3, dev every 20), folds "
        f"{[r['fold'] for r in next(iter(runs.values()))]}.\n",
        "## Dev (decides): kept step / dev selection score / step training ended at\n",
        "| row | fold | 120 steps | " + f"≤{args.steps} steps | adopt |",
        "|---|---:|---|---|---|",
    ]
    for row, per in runs.items():
        for r in per:
            a, b = r["120"], r[str(args.steps)]
            lines.append(
                f"| {row} | {r['fold']} | {a['kept_step']} / {a['select']:.4f} / {a['ended']} "
                f"| {b['kept_step']} / {b['select']:.4f} / {b['ended']} | {verdict[row]} |"
            )
    langs = [str(c) for c in folds[0]["test_units"]]
    lines += metric_tables(result["table"], langs, "test, pooled: ")
    (out_dir / "align_budget.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
