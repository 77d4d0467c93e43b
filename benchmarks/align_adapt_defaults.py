"""What ``tokadapt adapt --align`` gives with its defaults alone, on sentences never trained on.

The rows of ``align_sentences.py`` and ``align_budget.py`` pass the step budget, the batch size
and the dev cadence by hand (``--batch-size 16 --eval-every 20``). A user passes none of them.
This benchmark runs the one-recipe command as a user would, on the fold folders made by
``align_sentences.py --fold K --translations`` (it reuses runs already there; in an empty
folder it makes ``e5`` and ``adapt``, ``tokadapt adapt W/e5 -o W/adapt``, itself):

* ``adapt-align-default``: ``tokadapt adapt W/e5 -o OUT --align W/train-tr/*:L --align-eval
  W/dev/*:L`` (the fold's dev sections select the kept step);
* ``adapt-align-nodev``: the same without ``--align-eval``: the run holds its own dev lines out
  of the training files (``dev_fraction`` 0.1, :mod:`tokadapt.align.holdout`), so the fold's dev
  sections are not used at all;
* ``align-e5-nodev``: alignment on the unadapted e5 as the issue's new user runs it, with
  nothing but the files: ``tokadapt align --model W/e5 --train W/train/*:L -o OUT`` (sentences
  alone, no translations, no pivot, no dev set: it holds its own out);
* ``align-e5-nodev-tr``: the same with the translation column (``W/train-tr/*:L``), which also
  makes the pivot sentences.

Every row uses the defaults of the ``distill`` recipe the trainer picks for e5: batch 32, at
most 1000 steps, dev evaluation about every two epochs of the training pairs, early stop after 3
evaluations without a better one, the translation column (where there is one) as pivot
sentences. The test sections
are measured (pooled over the folds as in ``align_sentences_cv.py``) next to e5, ``adapt`` and
the hand-set rows already in the folders.

    python benchmarks/align_adapt_defaults.py ../shared/data/udhr_articles_dev.tsv W0:0 W1:1 W2:2

The test units and the scoring follow ``align_sentences.py``'s evaluation protocol
(``--protocol``, 2 by default; 1 for the results recorded through stop 16).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))
#: row -> (command, training files, fold dev sections given)
ROWS = {
    "adapt-align-default": ("adapt", "train_tr", True),
    "adapt-align-nodev": ("adapt", "train_tr", False),
    "align-e5-nodev": ("align", "train", False),
    "align-e5-nodev-tr": ("align", "train_tr", False),
}
#: the hand-set rows shown next to them when a fold folder has them
HAND = ["adapt-align-tr", "adapt-align-tr-s300"]


#: the run summary each command leaves: adapt's report (its align stage), align's stdout (kept)
SUMMARY = {"adapt": "tokadapt_adapt.json", "align": "summary.json"}


def summary(out: Path, command: str) -> dict[str, Any]:
    """Steps, kept step, dev cadence, seconds and held-out dev lines of one run."""
    report = json.loads((out / SUMMARY[command]).read_text(encoding="utf-8"))
    report = report["align"] if command == "adapt" else report
    events = [json.loads(line) for line in (out / "metrics.jsonl").open()]
    evals = sorted({e["step"] for e in events if e.get("event") == "eval"})
    best = [e for e in events if e.get("event") == "best"]
    held = report.get("held_out_dev") or {}
    return {
        "steps": report["steps"],
        "kept_step": report["best_step"],
        "select": round(best[-1]["select"], 4) if best else None,
        "eval_every": evals[1] - evals[0] if len(evals) > 1 else None,
        "stopped_early": report["stopped_early"],
        "align_seconds": round(report["seconds"], 1),
        "precision": report.get("precision", "fp32"),  # not recorded before stop 18: fp32
        "teacher_cache": report.get("teacher_cache"),  # None: off, or before stop 19
        "length_groups": report.get("length_groups", 1),  # not recorded before stop 20: 1
        "held_out_lines": sum(len(v) for v in held.values()),
    }


def cache_cell(cache: dict[str, int] | None) -> str:
    """``off``, or the teacher cache's sentences and the share of lookups it answered."""
    if not cache:
        return "off"
    looked = cache["hits"] + cache["misses"]
    return f"{cache['sentences']} sentences, {100 * cache['hits'] / max(looked, 1):.0f}% hits"


def main() -> int:
    from align_sentences import CLI, DEFAULT_TSV, PROTOCOL, measure, prepare
    from align_sentences_cv import metric_tables, pooled

    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("tsv", nargs="?", default=str(DEFAULT_TSV))
    p.add_argument("folds", nargs="+", help="WORK:FOLD, the folders of align_sentences.py")
    p.add_argument("--rows", nargs="+", choices=list(ROWS), default=list(ROWS))
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--protocol", type=int, choices=(1, 2), default=PROTOCOL)
    p.add_argument(
        "--precision",
        choices=("auto", "fp32", "bf16"),
        help="passed to every run (default: the tool's own default)",
    )
    p.add_argument(
        "--teacher-cache",
        type=int,
        metavar="N",
        help="passed to every run (default: the tool's own default; 0: off)",
    )
    p.add_argument(
        "--length-groups",
        type=int,
        metavar="N",
        help="passed to every run (default: the tool's own default; 1: one padded forward)",
    )
    p.add_argument(
        "--config",
        metavar="FILE",
        help="JSON file of align settings passed to every run (--align-config / --config)",
    )
    p.add_argument("--out", default=str(ROOT / "results"))
    p.add_argument(
        "--stem", default="align_adapt_defaults", help="output file names: STEM.json, STEM.md"
    )
    args = p.parse_args()
    config_text = Path(args.config).read_text(encoding="utf-8").strip() if args.config else ""
    env = {**os.environ, "OMP_NUM_THREADS": str(args.threads)}
    runs: dict[str, list[dict[str, Any]]] = {}
    folds: list[dict[str, Any]] = []
    hand: list[str] = []
    for spec in args.folds:
        work, fold = Path(spec.rsplit(":", 1)[0]), int(spec.rsplit(":", 1)[1])
        data = prepare(Path(args.tsv), work, fold, args.protocol)
        if not (work / "e5" / "config.json").is_file():
            from tokadapt.models.e5 import export_e5

            export_e5(work / "e5", overwrite=True)
        if not (work / "adapt" / "config.json").is_file():  # the TransMI-only row
            argv = ["adapt", str(work / "e5"), "-o", str(work / "adapt"), "--overwrite"]
            subprocess.run([sys.executable, "-c", CLI, *argv], check=True, env=env)
        for row in args.rows:
            out = work / row
            command, train, dev = ROWS[row]
            if command == "adapt":
                argv = [
                    "adapt", str(work / "e5"), "-o", str(out), "--align", *data[train],
                    *(["--align-eval", *data["dev"]] if dev else []),
                ]  # fmt: skip
            else:
                argv = ["align", "--model", str(work / "e5"), "--train", *data[train]]
                argv += ["-o", str(out)]
            if args.precision:
                flag = "--align-precision" if command == "adapt" else "--precision"
                argv += [flag, args.precision]
            if args.teacher_cache is not None:
                flag = "--align-teacher-cache" if command == "adapt" else "--teacher-cache"
                argv += [flag, str(args.teacher_cache)]
            if args.length_groups is not None:
                flag = "--align-length-groups" if command == "adapt" else "--length-groups"
                argv += [flag, str(args.length_groups)]
            if args.config:
                argv += ["--align-config" if command == "adapt" else "--config", args.config]
            if not (out / SUMMARY[command]).is_file():
                cmd = [sys.executable, "-c", CLI, *argv, "--overwrite"]
                done = subprocess.run(cmd, check=True, env=env, stdout=subprocess.PIPE, text=True)
                if command == "align":  # its summary is its stdout
                    (out / SUMMARY[command]).write_text(done.stdout, encoding="utf-8")
            runs.setdefault(row, []).append(
                {"fold": fold, "command": ["tokadapt", *argv], **summary(out, command)}
            )
        hand = [h for h in HAND if (work / h / "config.json").is_file()] if not folds else hand
        names = ["e5", "adapt", *hand, *args.rows]
        table = {n: measure(work / n, data["test"], 256, "mean-all", args.protocol) for n in names}
        folds.append({"test_units": {c: len(v["text"]) for c, v in data["test"].items()},
                      "table": table})  # fmt: skip
    result = {"protocol": args.protocol, "runs": runs, "table": pooled(folds)}
    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / f"{args.stem}.json").write_text(json.dumps(result, indent=2) + "\n")
    lines = [
        "`tokadapt adapt --align` and `tokadapt align` with their defaults (batch 32, dev "
        "about every two epochs, "
        f"patience 3), folds {[r['fold'] for r in next(iter(runs.values()))]}, "
        f"evaluation protocol {args.protocol}"
        + (f"; every run also given {Path(args.config).name}: {config_text}" if args.config else "")
        + ".\n",
        "## Runs\n",
        "| row | fold | precision | teacher cache | forwards per batch | eval every | kept step "
        "| dev score | ended | align s | held-out lines |",
        "|---|---:|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row, per in runs.items():
        for r in per:
            lines.append(
                f"| {row} | {r['fold']} | {r['precision']} | {cache_cell(r.get('teacher_cache'))} "
                f"| {r.get('length_groups', 1)} | {r['eval_every']} | {r['kept_step']} "
                f"| {r['select']} "
                f"| {r['steps']} | {r['align_seconds']} | {r['held_out_lines']} |"
            )
    langs = [str(c) for c in folds[0]["test_units"]]
    lines += metric_tables(result["table"], langs, "test, pooled: ")
    (out_dir / f"{args.stem}.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
