"""Does initialization help on romanized text? Sentence retrieval, romanized <-> English.

TransMI's premise: after adding romanized pieces initialized from their original-script
sources, a model represents romanized text better. We measure it with real parallel text
(CLDR names through ``babel``, or any ``(english, original)`` pairs such as UDHR Article 1):
each original-script text is romanized with :mod:`translit`; texts are embedded by mean pooling
(``tokadapt.eval.encode.encode_texts``, e5's ``"query: "`` prefix on both sides) and each
romanized text must retrieve its English counterpart (top-1, cosine). Reported per script.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from tokadapt.data import cldr
from tokadapt.data.locales import script_name

log = logging.getLogger(__name__)

#: CLDR locales with a non-Latin script each (locale -> script name)
CLDR_SCRIPTS: dict[str, str] = {
    loc: script_name(loc)
    for loc in ("ru", "el", "hi", "ar", "he", "ka", "hy", "th", "ko", "ja", "bn", "ta", "am", "zh")
}
PREFIX = "query: "


@dataclass(frozen=True)
class ParallelSet:
    """Row ``i`` of ``english``, ``original`` and ``romanized`` say the same thing."""

    name: str
    english: list[str]
    original: list[str]
    romanized: list[str]


def romanized_set(
    name: str, pairs: Iterable[tuple[str, str]], lang: str | None = None, scheme: str = "uroman"
) -> ParallelSet:
    """A :class:`ParallelSet` from ``(english, original)`` pairs; duplicates are dropped."""
    from translit import make_romanizer

    seen: set[str] = set()
    english, original = [], []
    for en, text in pairs:
        if en in seen or text in seen or not en.strip() or not text.strip():
            continue
        seen.update((en, text))
        english.append(en)
        original.append(text)
    romanized = make_romanizer(scheme, lang).romanize_batch(original)
    return ParallelSet(name, english, original, romanized)


def cldr_sets(locales: Iterable[str] = tuple(CLDR_SCRIPTS), limit: int = 200) -> list[ParallelSet]:
    """Territory names (ISO 3166 two-letter codes) in English and in each locale's script."""
    english = cldr.names("en", "territories")
    sets = []
    for loc in locales:
        names = cldr.names(loc, "territories")
        codes = [c for c in sorted(english) if len(c) == 2 and c.isalpha() and c in names]
        pairs = [(english[c], names[c]) for c in codes]
        parallel = romanized_set(f"{CLDR_SCRIPTS.get(loc, loc)} ({loc})", pairs)
        keep = [
            i
            for i, (o, r) in enumerate(zip(parallel.original, parallel.romanized, strict=True))
            if o != r
        ][:limit]
        sets.append(
            ParallelSet(
                parallel.name,
                [parallel.english[i] for i in keep],
                [parallel.original[i] for i in keep],
                [parallel.romanized[i] for i in keep],
            )
        )
    return sets


def encode_all(model: Any, tokenizer: Any, texts: Iterable[str]) -> dict[str, np.ndarray]:
    """Each distinct text encoded once (``"query: "`` prefix, mean pooling)."""
    from tokadapt.eval.encode import encode_texts

    unique = sorted(set(texts))
    vectors = encode_texts(model, tokenizer, [PREFIX + t for t in unique], batch_size=64)
    return dict(zip(unique, vectors, strict=True))


def _top1(vectors: dict[str, np.ndarray], src: list[str], tgt: list[str]) -> float:
    from tokadapt.eval.retrieval import top_k_accuracy

    a = np.stack([vectors[t] for t in src])
    b = np.stack([vectors[t] for t in tgt])
    return float(top_k_accuracy(a, b, ks=(1,))["top1"])


def retrieval_table(
    original_dir: str | Path, adapted: dict[str, str | Path], sets: list[ParallelSet]
) -> dict[str, dict[str, float]]:
    """Top-1 (-> English) per set: ``original script`` and ``romanized`` with the original
    model, then ``romanized`` with each adapted model (its own extended tokenizer)."""
    from tokadapt.eval.encode import load_encoder

    table: dict[str, dict[str, float]] = {s.name: {} for s in sets}
    model, tok = load_encoder(original_dir, device="cpu")
    vec = encode_all(model, tok, (t for s in sets for t in s.english + s.original + s.romanized))
    for s in sets:
        table[s.name]["original script (e5)"] = _top1(vec, s.original, s.english)
        table[s.name]["romanized (e5)"] = _top1(vec, s.romanized, s.english)
    for label, path in adapted.items():
        model, tok = load_encoder(path, device="cpu")
        vec = encode_all(model, tok, (t for s in sets for t in s.english + s.romanized))
        for s in sets:
            table[s.name][f"romanized ({label})"] = _top1(vec, s.romanized, s.english)
        log.info("retrieval with %s done", label)
    return table


def quality_signature(sets: list[ParallelSet]) -> str:
    """The reproducibility signature of a :func:`retrieval_table` over ``sets``."""
    from tokadapt.eval.signature import signature

    fields = {
        "sets": [s.name.replace(" ", "") for s in sets],
        "n": sum(len(s.english) for s in sets),
        "pooling": "mean",
        "scoring": "cosine",
        "prefix": PREFIX.strip(),
    }
    return signature("quality", fields)


def mean_row(table: dict[str, dict[str, float]]) -> dict[str, float]:
    columns = next(iter(table.values())).keys() if table else []
    return {c: float(np.mean([row[c] for row in table.values()])) for c in columns}


def markdown(table: dict[str, dict[str, float]], sizes: dict[str, int] | None = None) -> str:
    columns = list(next(iter(table.values())).keys())
    lines = ["| script | n | " + " | ".join(columns) + " |", "|---|---:|" + "---:|" * len(columns)]
    rows = {**table, "mean": mean_row(table)}
    if sizes and len({sizes[name] for name in table}) > 1:  # every item counted once
        total = sum(sizes[name] for name in table)
        rows["all (n-weighted)"] = {
            c: sum(table[name][c] * sizes[name] for name in table) / total for c in columns
        }
        sizes = {**sizes, "all (n-weighted)": total}
    for name, row in rows.items():
        n = str((sizes or {}).get(name, ""))
        lines.append(f"| {name} | {n} | " + " | ".join(f"{row[c]:.3f}" for c in columns) + " |")
    return "\n".join(lines)
