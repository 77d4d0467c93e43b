"""How the ``distill`` recipe's translation weight was chosen: dev sections only.

``tokadapt adapt e5 --align`` on ``sentence<TAB>English`` training files of the UDHR train
sections (fold 0 of :func:`tokadapt.align.parallel.section_split`), 120 steps x 16 pairs, dev
evaluation every 20 steps, once per ``translation_weight`` (given with ``--align-config``); the
dev curves (pooled top-1 over the 8 languages' dev units) and the step keep-best kept are
written to ``results/align_translation_weight.{json,md}``. Test sections are not read here.

    python benchmarks/align_translation_weight.py ../shared/data/udhr_articles_dev.tsv \
        --work WORK --weights 1 10 100
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
KEYS = ("rom_top1", "rom_en_top1", "orig_en_top1")


def curve(model_dir: Path) -> dict[str, Any]:
    """Dev scores per evaluated step and the kept step, from ``metrics.jsonl``."""
    events = [json.loads(line) for line in (model_dir / "metrics.jsonl").open()]
    evals = {}
    for e in events:
        if "all/rom_top1" in e:
            evals[e["step"]] = {k: round(e[f"all/{k}"], 3) for k in KEYS}
    restored = [e["step"] for e in events if e.get("event") == "restored"]
    kept = restored[-1] if restored else max(evals)
    return {"dev": evals, "kept_step": kept, "kept": evals[kept]}


def main() -> int:
    from align_sentences import CLI, DEFAULT_TSV, PROTOCOL, prepare

    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("tsv", nargs="?", default=str(DEFAULT_TSV))
    p.add_argument("--work", default="/tmp/align_translation_weight")
    p.add_argument("--weights", nargs="+", type=float, default=[1.0, 10.0, 100.0])
    p.add_argument("--reuse", action="store_true", help="reuse runs already in --work")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--protocol", type=int, choices=(1, 2), default=PROTOCOL)
    p.add_argument("--out", default=str(ROOT / "results"))
    args = p.parse_args()
    from tokadapt.models.e5 import export_e5

    work = Path(args.work)
    data = prepare(Path(args.tsv), work, 0, args.protocol)
    e5 = work / "e5"
    if not (e5 / "config.json").is_file():
        export_e5(e5, overwrite=True)
    runs: dict[str, Any] = {}
    for weight in args.weights:
        name = f"w{weight:g}"
        out = work / name
        cfg = work / f"{name}.json"
        cfg.write_text(json.dumps({"translation_weight": weight}))
        argv = [
            "adapt", str(e5), "-o", str(out), "--align", *data["train_tr"],
            "--align-eval", *data["dev"], "--align-pivot", *data["pivot"],
            "--align-steps", "120", "--align-batch-size", "16", "--align-eval-every", "20",
            "--align-config", str(cfg),
        ]  # fmt: skip
        seconds = None
        if not (args.reuse and (out / "config.json").is_file()):
            t = time.perf_counter()
            env = {**os.environ, "OMP_NUM_THREADS": str(args.threads)}
            subprocess.run([sys.executable, "-c", CLI, *argv, "--overwrite"], check=True, env=env)
            seconds = round(time.perf_counter() - t, 1)
        runs[name] = {"command": ["tokadapt", *argv], "seconds": seconds, **curve(out)}
    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "align_translation_weight.json").write_text(json.dumps(runs, indent=2) + "\n")
    lines = [
        "Dev sections only (fold 0; 88 pooled dev queries, one query = 1.14 points): pooled "
        "top-1 orig<->rom / rom->en / orig->en at each evaluated step of `tokadapt adapt e5 "
        "--align` on `sentence<TAB>English` train files; * = the step keep-best kept.\n",
        "| translation_weight | " + " | ".join(f"step {s}" for s in range(0, 121, 20)) + " |",
        "|---|" + "---|" * 7,
    ]
    for name, run in runs.items():
        cells = []
        for step in range(0, 121, 20):
            d = run["dev"].get(step)
            mark = "*" if step == run["kept_step"] else ""
            cells.append(f"{mark}{d['rom_top1']:.3f} / {d['rom_en_top1']:.3f} / "
                         f"{d['orig_en_top1']:.3f}" if d else "(stopped)")  # fmt: skip
        lines.append(f"| {name[1:]} | " + " | ".join(cells) + " |")
    (out_dir / "align_translation_weight.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
