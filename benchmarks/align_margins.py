"""Why a language gains or loses a unit: retrieval margins of ``align_sentences`` models.

For each fold's work folder (``align_sentences.py --work W --fold K``) and each model in it,
every romanized test unit's margin ``cos(rom, its English) - max cos(rom, other English)`` over
the pooled English candidates (the table's ``rom->en`` retrieval: last layer, ``mean-all``):
a positive margin is a hit. Reported per language over the folds' disjoint test sections:
hits, the median margin, and the near ties (``|margin| < --tie``), which a one-unit change in a
table of 13–17 units per language and fold comes down to.

Usage: ``python benchmarks/align_margins.py W0:0 W1:1 W2:2`` (folder:fold); writes
``results/align_margins.{json,md}``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT.parent))

from align_sentences import (  # noqa: E402
    DEFAULT_TSV,
    PROTOCOL,
    encoder,
    english,
    english_scores,
    prepare,
)

MODELS = {
    "adapt": "adapt",
    "adapt --align": "adapt-align",
    "adapt --align +translations": "adapt-align-tr",
}
#: rows measured only where every fold's work folder has them: stop 12's default (no
#: original-side translation term), kept by hand as ``adapt-align-tr-stop12``
OPTIONAL = {"+translations, stop 12 (no original-side term)": "adapt-align-tr-stop12"}


def margins(
    model_dir: Path, test: dict[str, Any], max_length: int, protocol: int = PROTOCOL
) -> dict[str, list[float]]:
    """Per language, each romanized unit's rom->en margin (pooled English candidates, those
    the evaluation protocol leaves out of a query's candidates excluded)."""
    enc = encoder(model_dir, max_length, "mean-all")
    en_texts = english(test)
    e = enc(en_texts)
    out = {}
    for code, unit in test.items():
        gold = np.array([en_texts.index(t) for t in unit["en"]])
        s = english_scores(enc(unit["rom"]) @ e.T, en_texts, gold, protocol)
        rows = np.arange(len(gold))
        g = s[rows, gold].copy()
        s[rows, gold] = -np.inf
        out[code] = (g - s.max(1)).tolist()
    return out


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("folds", nargs="+", help="WORK:FOLD (align_sentences.py work folders)")
    p.add_argument("--tsv", default=str(DEFAULT_TSV))
    p.add_argument("--tie", type=float, default=0.01, help="|margin| below this: a near tie")
    p.add_argument("--max-length", type=int, default=256)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--protocol", type=int, choices=(1, 2), default=PROTOCOL)
    p.add_argument("--out", default=str(ROOT / "results"))
    args = p.parse_args()
    import torch

    torch.set_num_threads(args.threads)
    works = [Path(spec.rsplit(":", 1)[0]) for spec in args.folds]
    models = dict(MODELS)
    models.update(
        {n: s for n, s in OPTIONAL.items() if all((w / s / "config.json").is_file() for w in works)}
    )
    pooled: dict[str, dict[str, list[float]]] = {name: {} for name in models}
    folds = []
    for spec in args.folds:
        work, fold = spec.rsplit(":", 1)
        data = prepare(Path(args.tsv), Path(work), int(fold), args.protocol)
        folds.append(int(fold))
        for name, sub in models.items():
            if not (Path(work) / sub / "config.json").is_file():
                raise SystemExit(f"align_margins: no model in {Path(work) / sub}")
            measured = margins(Path(work) / sub, data["test"], args.max_length, args.protocol)
            for code, m in measured.items():
                pooled[name].setdefault(code, []).extend(m)
    table = {
        name: {
            code: {
                "units": len(m),
                "hits": int(sum(x > 0 for x in m)),
                "median_margin": round(float(np.median(m)), 4),
                "near_ties": int(sum(abs(x) < args.tie for x in m)),
                "misses_near_tie": int(sum(-args.tie < x <= 0 for x in m)),
            }
            for code, m in per.items()
        }
        for name, per in pooled.items()
    }
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    result = {
        "folds": folds,
        "protocol": args.protocol,
        "tie": args.tie,
        "pooling": "mean-all",
        "table": table,
    }
    (out / "align_margins.json").write_text(json.dumps(result, indent=1) + "\n")
    langs = list(next(iter(table.values())))
    lines = [
        f"UDHR rom->en retrieval margins (cos to the gold English minus the best other English; "
        f"folds {folds} pooled, test sections only; last layer, `mean-all`). Cell: hits/units, "
        f"median margin, near ties (|margin| < {args.tie}).",
        "",
        "| model | " + " | ".join(langs) + " |",
        "|---|" + "---:|" * len(langs),
    ]
    for name, per in table.items():
        cells = [
            f"{r['hits']}/{r['units']}, {r['median_margin']:+.4f}, {r['near_ties']}"
            for r in (per[c] for c in langs)
        ]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    (out / "align_margins.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
