"""Every retrieval miss on the UDHR test sections, one line each: what a model found instead.

The tables of ``align_sentences_cv.py`` and ``align_adapt_defaults.py`` count misses; a
per-language gap of one test unit (Amharic 44, Georgian 49 units pooled over three folds) is
read better from the misses themselves. For each fold folder of ``align_sentences.py --fold K
--translations`` and each model there, this lists every ``rom->en`` and ``orig->en`` miss
(the same pooled retrieval as the tables: a query against every language's English test
units) with

* the gold English and the English found (their first words),
* ``relation``: ``found-in-gold`` when the found English is a part of the gold (the pool mixes
  granularities: a language whose sentence count differs from English keeps a whole section as
  one unit, while the others add that section's sentences one by one, so the first sentence of
  a whole-section gold is itself a candidate), ``gold-in-found`` for the reverse, else ``other``
  (under evaluation protocol 2, the default, such candidates are left out of the query's
  candidates, so only ``other`` remains; ``--protocol 1`` shows stop 16's audit),
* ``margin``: the gold's cosine minus the best other candidate's (negative on a miss),
* for a ``rom->en`` miss, whether the original-script unit misses too (both missing hints that
  the unit's gold pairing itself is wrong; read the texts before concluding so).

No model is trained here; it reads the models already in the folders. Writes
``results/align_errors.json`` and ``.md``.

    python benchmarks/align_errors.py ../shared/data/udhr_articles_dev.tsv W0:0 W1:1 W2:2
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))
MODELS = [
    "adapt",
    "adapt-align-default",
    "adapt-align-nodev",
    "e5",
    "align-e5-nodev",
    "align-e5-nodev-tr",
]


def relation(gold: str, found: str) -> str:
    if found in gold:
        return "found-in-gold"
    if gold in found:
        return "gold-in-found"
    return "other"


def misses(
    enc: Any, test: dict[str, Any], langs: list[str], protocol: int = 2
) -> list[dict[str, Any]]:
    """Every rom->en and orig->en miss of ``enc`` on the fold's test units of ``langs``
    (``gold`` and ``found`` index ``align_sentences.english(test)``, as the tables pool)."""
    from align_sentences import english, english_scores

    en_texts = english(test)
    e = enc(en_texts)
    out: list[dict[str, Any]] = []
    for lang in langs:
        gold = np.array([en_texts.index(t) for t in test[lang]["en"]])
        sims = {
            metric: english_scores(enc(test[lang][side]) @ e.T, en_texts, gold, protocol)
            for metric, side in (("rom->en", "rom"), ("orig->en", "text"))
        }
        found = {k: s.argmax(1) for k, s in sims.items()}
        for metric, s in sims.items():
            for i in np.flatnonzero(found[metric] != gold):
                g, f = en_texts[gold[i]], en_texts[found[metric][i]]
                out.append(
                    {
                        "lang": lang,
                        "metric": metric,
                        "unit": int(i),
                        "gold": int(gold[i]),
                        "found": int(found[metric][i]),
                        "relation": relation(g, f),
                        "margin": round(float(s[i, gold[i]] - np.delete(s[i], gold[i]).max()), 4),
                        "other_side_misses": bool(
                            found["orig->en" if metric == "rom->en" else "rom->en"][i] != gold[i]
                        ),
                    }
                )
    return out


def main() -> int:
    from align_sentences import DEFAULT_TSV, LANGS, PROTOCOL, encoder, english, prepare

    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("tsv", nargs="?", default=str(DEFAULT_TSV))
    p.add_argument("folds", nargs="+", help="WORK:FOLD, the folders of align_sentences.py")
    p.add_argument("--models", nargs="+", default=MODELS, help="rows (folders) to read")
    p.add_argument("--langs", nargs="+", default=list(LANGS))
    p.add_argument("--protocol", type=int, choices=(1, 2), default=PROTOCOL)
    p.add_argument("--out", default=str(ROOT / "results"))
    p.add_argument("--stem", default="align_errors", help="output file names: STEM.json, STEM.md")
    args = p.parse_args()
    rows: list[dict[str, Any]] = []
    units: dict[str, int] = {}
    present: list[str] = []
    candidates: dict[int, list[str]] = {}
    for spec in args.folds:
        work, fold = Path(spec.rsplit(":", 1)[0]), int(spec.rsplit(":", 1)[1])
        with tempfile.TemporaryDirectory() as scratch:  # the fold folder's files stay untouched
            test = prepare(Path(args.tsv), Path(scratch), fold, args.protocol)["test"]
        candidates[fold] = english(test)
        for lang in args.langs:
            units[lang] = units.get(lang, 0) + len(test[lang]["text"])
        for model in args.models:
            if not (work / model / "config.json").is_file():
                continue
            present += [model] if model not in present else []
            enc = encoder(work / model, 256, "mean-all")
            found = misses(enc, test, args.langs, args.protocol)
            rows += [{"fold": fold, "model": model, **m} for m in found]
    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    result = {
        "protocol": args.protocol,
        "test_units": units,
        "english": candidates,
        "misses": rows,
    }
    (out_dir / f"{args.stem}.json").write_text(json.dumps(result, ensure_ascii=False) + "\n")
    lines = [
        f"Retrieval misses on the test sections (evaluation protocol {args.protocol}), folds "
        f"{[s.rsplit(':', 1)[1] for s in args.folds]}"
        f" (test units pooled over the folds: {units}).\n",
        "## Misses per model and language (found-in-gold: the found English is part of the gold)\n",
        "| model | metric | " + " | ".join(args.langs) + " |",
        "|---|---|" + "---:|" * len(args.langs),
    ]
    for model in present:
        for metric in ("rom->en", "orig->en"):
            sel = [r for r in rows if r["model"] == model and r["metric"] == metric]
            cells = []
            for lang in args.langs:
                n = [r for r in sel if r["lang"] == lang]
                part = sum(r["relation"] == "found-in-gold" for r in n)
                cells.append(f"{len(n)}" + (f" ({part} found-in-gold)" if part else ""))
            lines.append(f"| {model} | {metric} | " + " | ".join(cells) + " |")
    lines += [
        "\n## Every miss of the adapted rows (the JSON has every model's)\n",
        "| fold | model | lang | metric | unit | margin | other side misses | relation | gold | "
        "found |",
        "|---:|---|---|---|---:|---:|---|---|---|---|",
    ]
    for r in rows:
        if not r["model"].startswith("adapt"):  # e5 and align on e5: hundreds of rom->en misses
            continue
        gold, found = candidates[r["fold"]][r["gold"]], candidates[r["fold"]][r["found"]]
        lines.append(
            f"| {r['fold']} | {r['model']} | {r['lang']} | {r['metric']} | {r['unit']} | "
            f"{r['margin']} | {'yes' if r['other_side_misses'] else 'no'} | {r['relation']} | "
            f"{gold[:48]}… | {found[:48]}… |"
        )
    (out_dir / f"{args.stem}.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
