"""Alignment that generalizes: sentence retrieval on UDHR sections never trained on.

The UDHR articles TSV (8 non-Latin languages + English, parallel by section) is split by
section (:func:`tokadapt.align.parallel.section_split`: fixed CRC-32 buckets, 30 % test, 20 %
dev, the rest train). Training sees only train sections, model selection only dev sections; the
table is computed on test sections only. Each model is read as e5 users read it: last layer,
mean pooling, cosine. Retrieval is pooled over all languages' test units (a query must find its
partner among every language's candidates), reported per language and as the mean:

* ``orig<->rom`` — original script ↔ its romanization (translit), both directions averaged,
* ``rom->en`` — romanized sentence → its English translation,
* ``orig->en`` — original-script sentence → its English translation.

Models: e5; ``adapt`` (TransMI) alone; ``align --preset cosine`` (the issue's run); ``align``
with the defaults on e5; ``adapt --align`` (TransMI, then the defaults). Writes
``results/align_sentences.json`` and ``.md``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT.parent))
DEFAULT_TSV = ROOT.parent.parent / "shared" / "data" / "udhr_articles_dev.tsv"
LANGS = ("rus", "hin", "ell_monotonic", "kat", "heb", "tha", "amh", "arb")
PIVOT = "eng"


def iso(code: str) -> str:
    return code.split("_")[0]


def romanized(texts: list[str], code: str, cache: Path) -> list[str]:
    import translit

    store = json.loads(cache.read_text()) if cache.is_file() else {}
    todo = [t for t in texts if f"{code}\t{t}" not in store]
    if todo:
        rom = translit.Romanizer(iso(code), errors="replace").romanize_batch(todo)
        store.update({f"{code}\t{t}": r for t, r in zip(todo, rom, strict=True)})
        cache.write_text(json.dumps(store, ensure_ascii=False))
    return [store[f"{code}\t{t}"] for t in texts]


def prepare(tsv: Path, work: Path) -> dict[str, Any]:
    """Train files (one per language), dev eval files, and the test units (romanized)."""
    from tokadapt.align.parallel import read_sections, units

    sections = read_sections(tsv)
    (work / "train").mkdir(parents=True, exist_ok=True)
    (work / "dev").mkdir(parents=True, exist_ok=True)
    train, dev, test = [], [], {}
    for code in LANGS:
        tr = units(sections, code, PIVOT, "train")
        (work / "train" / f"{code}.txt").write_text("".join(u.text + "\n" for u in tr))
        train.append(f"{work / 'train' / code}.txt:{iso(code)}")
        dv = units(sections, code, PIVOT, "dev")
        (work / "dev" / f"{code}.tsv").write_text(
            "".join(f"{u.text}\t{u.translation}\n" for u in dv)
        )
        dev.append(f"{work / 'dev' / code}.tsv:{iso(code)}")
        te = units(sections, code, PIVOT, "test")
        test[code] = {
            "text": [u.text for u in te],
            "rom": romanized([u.text for u in te], code, work / "romanized.json"),
            "en": [u.translation for u in te],
            "sections": sorted({u.section for u in te}),
        }
    return {"train": train, "dev": dev, "test": test}


def measure(model_dir: Path, test: dict[str, Any], max_length: int) -> dict[str, Any]:
    """Pooled retrieval top-1 (see module docstring) per language and the mean."""
    from tokadapt.retrieval import encode_texts, load_encoder

    model, tok = load_encoder(model_dir, device="cpu")
    langs = list(test)

    def enc(texts: list[str]) -> np.ndarray:
        v = encode_texts(model, tok, texts, layer=-1, pooling="mean", max_length=max_length)
        return v / np.linalg.norm(v, axis=1, keepdims=True)

    owner = np.concatenate([[i] * len(test[c]["text"]) for i, c in enumerate(langs)])
    a = enc([t for c in langs for t in test[c]["text"]])
    b = enc([t for c in langs for t in test[c]["rom"]])
    en_texts = sorted({t for c in langs for t in test[c]["en"]})
    e = enc(en_texts)
    gold_en = np.array([en_texts.index(t) for c in langs for t in test[c]["en"]])
    idx = np.arange(len(a))
    ab = (a @ b.T).argmax(1) == idx
    ba = (b @ a.T).argmax(1) == idx
    hits = {
        "orig<->rom": (ab.astype(float) + ba) / 2,
        "rom->en": (b @ e.T).argmax(1) == gold_en,
        "orig->en": (a @ e.T).argmax(1) == gold_en,
    }
    out: dict[str, Any] = {}
    for name, h in hits.items():
        per = {c: round(100 * float(np.mean(h[owner == i])), 1) for i, c in enumerate(langs)}
        out[name] = {**per, "mean": round(float(np.mean(list(per.values()))), 1)}
    return out
