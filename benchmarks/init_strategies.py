"""The initialization table: romanized -> English per script, per initialization strategy.

Each variant extends e5's tokenizer (TransMI merge, mode max) with or without protection of
English (:mod:`tokadapt.vocab.protect`: the 50,000 most frequent English words keep their
segmentation) and initializes the new rows with one strategy of the registry. Measured, with the
model read nearly as e5 users read it (mean over text tokens — e5 users also average ``<s>`` and
``</s>``, tokadapt's ``mean-all`` — cosine, ``"query: "`` prefix for CLDR):

* CLDR territory names, 14 scripts (100 names each): romanized name -> English name, top-1;
* UDHR test sections (:func:`tokadapt.align.parallel.section_split`, the same fixed split as
  ``align_sentences.py``; test sections only, nothing here is trained): romanized -> English and
  original -> English top-1 (%), pooled over the 8 languages' units, last layer.

Writes ``results/init_strategies.json`` and ``.md``. Models go to ``--work`` and are reused
when present (``--reuse``).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT.parent))
DEFAULT_TSV = ROOT.parent.parent / "shared" / "data" / "udhr_articles_dev.tsv"
LANGS = ("rus", "hin", "ell_monotonic", "kat", "heb", "tha", "amh", "arb")
PIVOT = "eng"

#: name -> (protect English?, strategy, existing-piece option)
VARIANTS: dict[str, tuple[bool, str, str]] = {
    "transmi": (False, "transmi", "keep"),
    "transmi+protect": (True, "transmi", "keep"),
    "focus+protect": (True, "focus", "keep"),
    "ofa+protect": (True, "ofa", "keep"),
    "wechsel+protect": (True, "wechsel", "keep"),
    "blend:0.5+protect": (True, "transmi", "blend:0.5"),
    "blend-unread:1+protect": (True, "transmi", "blend-unread:1"),
}


def test_units(tsv: Path) -> dict[str, dict[str, list[str]]]:
    """``{lang: {"text", "rom", "en"}}`` for the UDHR test sections."""
    import translit
    from tokadapt.align.parallel import read_sections, units

    sections = read_sections(tsv)
    out = {}
    for code in LANGS:
        te = units(sections, code, PIVOT, "test")
        rom = translit.Romanizer(code.split("_")[0], errors="replace").romanize_batch(
            [u.text for u in te]
        )
        out[code] = {"text": [u.text for u in te], "rom": rom, "en": [u.translation for u in te]}
    return out


def sentence_scores(model_dir: Path, test: dict[str, Any], max_length: int) -> dict[str, Any]:
    """Pooled top-1 (%) per language and mean: ``rom->en`` and ``orig->en``."""
    from tokadapt.eval.encode import encode_texts, load_encoder

    model, tok = load_encoder(model_dir, device="cpu")

    def enc(texts: list[str]) -> np.ndarray:
        v = encode_texts(model, tok, texts, layer=-1, pooling="mean", max_length=max_length)
        return v / np.linalg.norm(v, axis=1, keepdims=True)

    langs = list(test)
    owner = np.concatenate([[i] * len(test[c]["text"]) for i, c in enumerate(langs)])
    en_texts = sorted({t for c in langs for t in test[c]["en"]})
    e = enc(en_texts)
    gold = np.array([en_texts.index(t) for c in langs for t in test[c]["en"]])
    out: dict[str, Any] = {}
    for name, key in (("rom->en", "rom"), ("orig->en", "text")):
        hits = (enc([t for c in langs for t in test[c][key]]) @ e.T).argmax(1) == gold
        per = {c: round(100 * float(np.mean(hits[owner == i])), 1) for i, c in enumerate(langs)}
        out[name] = {**per, "mean": round(float(np.mean(list(per.values()))), 1)}
    return out


def build(e5: Path, work: Path, name: str, reuse: bool) -> Path:
    """The variant's checkpoint (extended tokenizer shared by variants with equal protection)."""
    from tokadapt.embeddings.initialize import init_embeddings
    from tokadapt.vocab import extend_vocab

    protect, strategy, existing = VARIANTS[name]
    tok = work / ("tok-protect" if protect else "tok-transmi")
    if not (reuse and (tok / "tokenizer.json").is_file()):
        extend_vocab(e5, tok, protect=protect, overwrite=True)
    out = work / name.replace("+", "-").replace(":", "")
    if not (reuse and (out / "config.json").is_file()):
        extra = {} if existing == "keep" else {"existing": existing}
        init_embeddings(e5, tok, out, strategy=strategy, overwrite=True, **extra)
    return out


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("tsv", nargs="?", default=str(DEFAULT_TSV), help="udhr_articles_dev.tsv")
    p.add_argument("--e5", default=None, help="e5 checkpoint (default: export it to --work)")
    p.add_argument("--work", default="/tmp/init_strategies")
    p.add_argument("--variants", default=",".join(VARIANTS), help="comma-separated names")
    p.add_argument("--reuse", action="store_true", help="reuse models already in --work")
    p.add_argument("--max-length", type=int, default=256)
    p.add_argument("--threads", type=int, default=2, help="torch threads")
    p.add_argument("--out", default=str(ROOT / "results"))
    p.add_argument(
        "--combine",
        nargs="+",
        metavar="JSON",
        help="only merge the tables of earlier runs (each with some variants) into one",
    )
    args = p.parse_args()
    if args.combine:
        write(combine([json.loads(Path(f).read_text()) for f in args.combine]), Path(args.out))
        return 0
    import torch

    from tokadapt.environment import collect
    from tokadapt.eval.quality import cldr_sets, retrieval_table

    torch.set_num_threads(args.threads)
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    e5 = Path(args.e5) if args.e5 else work / "e5"
    if not (e5 / "config.json").is_file():
        from tokadapt.models.e5 import export_e5

        export_e5(e5, overwrite=True)
    names = [n for n in args.variants.split(",") if n]
    models = {n: build(e5, work, n, args.reuse) for n in names}
    test = test_units(Path(args.tsv))
    udhr = {"e5": sentence_scores(e5, test, args.max_length)}
    udhr.update({n: sentence_scores(m, test, args.max_length) for n, m in models.items()})
    result = {
        "environment": collect(),
        "args": vars(args),
        "variants": {n: VARIANTS[n] for n in names},
        "test_units": {c: len(v["text"]) for c, v in test.items()},
        "cldr": retrieval_table(e5, dict(models), cldr_sets(limit=100)),
        "udhr": udhr,
        "load_average": os.getloadavg(),
    }
    result["checks"] = checks(result)
    write(result, Path(args.out))
    return 0


def combine(parts: list[dict[str, Any]]) -> dict[str, Any]:
    """One result from runs over different variants (the e5 rows are the same in each)."""
    out = dict(parts[0], cldr={}, udhr={}, variants={}, runs=[])
    for part in parts:
        out["variants"].update(part["variants"])
        out["udhr"].update(part["udhr"])
        for script, row in part["cldr"].items():
            out["cldr"].setdefault(script, {}).update(row)
        out["runs"].append({"args": part["args"], "load_average": part["load_average"]})
    out["load_average"] = max((p["load_average"] for p in parts), key=lambda x: x[0])
    out["checks"] = checks(out)
    return out


def checks(result: dict[str, Any]) -> dict[str, Any]:
    """Per script: the best variant on romanized -> English and its margin over e5."""
    out: dict[str, Any] = {}
    for script, row in result["cldr"].items():
        cand = {
            k[len("romanized (") : -1]: v for k, v in row.items() if k.startswith("romanized (")
        }
        best = max((k for k in cand if k != "e5"), key=lambda k: cand[k])
        out[f"cldr {script}"] = {"best": best, "margin_vs_e5": round(cand[best] - cand["e5"], 3)}
    udhr = result["udhr"]
    for lang in LANGS:
        best = max((k for k in udhr if k != "e5"), key=lambda k: udhr[k]["rom->en"][lang])
        out[f"udhr {lang}"] = {
            "best": best,
            "margin_vs_e5": round(udhr[best]["rom->en"][lang] - udhr["e5"]["rom->en"][lang], 1),
            "orig->en within 1 of e5": {
                k: v["orig->en"][lang] >= udhr["e5"]["orig->en"][lang] - 1 for k, v in udhr.items()
            },
        }
    return out


def write(result: dict[str, Any], out: Path) -> None:
    from tokadapt.eval.quality import markdown

    out.mkdir(parents=True, exist_ok=True)
    (out / "init_strategies.json").write_text(json.dumps(result, indent=2, default=str) + "\n")
    udhr = result["udhr"]
    cols = [*LANGS, "mean"]
    lines = [
        "# Initialization strategies: romanized -> English top-1\n",
        f"Load average {[round(x, 1) for x in result['load_average']]} (2 shared cores).\n",
        "## CLDR territory names (fraction, 100 names per script)\n",
        markdown(result["cldr"]),
    ]
    for metric in ("rom->en", "orig->en"):
        lines += [
            f"\n## UDHR test sentences, {metric} (%)\n",
            "| model | " + " | ".join(cols) + " |",
        ]
        lines.append("|---|" + "---:|" * len(cols))
        for name, row in udhr.items():
            lines.append(f"| {name} | " + " | ".join(f"{row[metric][c]:.1f}" for c in cols) + " |")
    lines += ["\n## Best variant per script vs e5 (romanized -> English)\n"]
    lines += ["| set | best | margin vs e5 |", "|---|---|---:|"]
    lines += [f"| {k} | {v['best']} | {v['margin_vs_e5']} |" for k, v in result["checks"].items()]
    (out / "init_strategies.md").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    sys.exit(main())
