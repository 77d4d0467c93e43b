"""Cross-validated ``align_sentences``: folds 0-2 (disjoint test sections) pooled per language.

Each fold's JSON (``align_sentences.py --fold K``) holds top-1 percentages per language and the
number of test units; a language's pooled score is the sum of its hits over the folds divided
by the sum of its units (``orig<->rom``: both directions averaged, so half-units occur). Rows
present in every fold are reported; the targets are those of ``align_sentences.checks``.

    python benchmarks/align_sentences_cv.py fold0.json fold1.json fold2.json --out DIR
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))
METRICS = ("orig<->rom", "rom->en", "orig->en")


def pooled(folds: list[dict[str, Any]], table: str = "table") -> dict[str, Any]:
    """``{model: {metric: {lang: %, "mean": %}}}`` over the folds, weighted by test units."""
    models = [m for m in folds[0][table] if all(m in f[table] for f in folds)]
    langs = [c for c in folds[0]["test_units"]]
    out: dict[str, Any] = {}
    for model in models:
        out[model] = {}
        for metric in METRICS:
            exact = {}
            for lang in langs:
                units = sum(f["test_units"][lang] for f in folds)
                hits = sum(f[table][model][metric][lang] * f["test_units"][lang] for f in folds)
                exact[lang] = hits / units
            per = {c: round(v, 1) for c, v in exact.items()}
            per["mean"] = round(sum(exact.values()) / len(langs), 1)
            out[model][metric] = per
    return out


def metric_tables(table: dict[str, Any], langs: list[str], heading: str = "") -> list[str]:
    """Markdown lines: one table per metric, a row per model, a column per language + mean."""
    lines: list[str] = []
    for metric in METRICS:
        lines += [f"\n### {heading}{metric}\n", "| model | " + " | ".join(langs) + " | mean |"]
        lines.append("|---|" + "---:|" * (len(langs) + 1))
        for name, row in table.items():
            cells = " | ".join(f"{row[metric][c]:.1f}" for c in [*langs, "mean"])
            lines.append(f"| {name} | {cells} |")
    return lines


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("folds", nargs="+", help="align_sentences.json of each fold")
    p.add_argument("--out", default=str(ROOT / "results"))
    args = p.parse_args()
    from align_sentences import checks

    folds = [json.loads(Path(f).read_text()) for f in args.folds]
    table = pooled(folds)
    units = {c: sum(f["test_units"][c] for f in folds) for c in folds[0]["test_units"]}
    result: dict[str, Any] = {
        "folds": [f.get("fold", 0) for f in folds],
        "test_units": units,
        "sections": sorted({s for f in folds for v in f["split"].values() for s in v}),
        "table": table,
        "checks": checks(table),
    }
    if "adapt --align +translations" in table:
        result["checks_translations"] = checks(table, " +translations")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "align_sentences_cv.json").write_text(json.dumps(result, indent=2) + "\n")
    langs = list(units)
    lines = [
        f"UDHR sentence retrieval top-1 (%), folds {result['folds']} pooled (test sections of "
        f"the folds are disjoint; {len(result['sections'])} sections, units per language "
        f"{units}); last layer, `mean-all` pooling, cosine.\n"
    ]
    lines += metric_tables(table, langs)
    for name, title in (("checks", ""), ("checks_translations", " +translations")):
        if name not in result:
            continue
        keys = list(next(iter(result[name].values())))
        lines += [f"\n### targets (adapt --align{title} vs adapt)\n"]
        lines += ["| language | " + " | ".join(keys) + " |", "|---|" + "---|" * len(keys)]
        for lang, row in result[name].items():
            lines.append(f"| {lang} | " + " | ".join(str(row[k]) for k in keys) + " |")
    (out / "align_sentences_cv.md").write_text("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
