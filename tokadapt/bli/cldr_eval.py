"""English->xx BLI on the CLDR lexicon with a checkpoint's static vectors, original vs romanized.

For each locale: CLDR name pairs (:mod:`tokadapt.data.cldr`), split by English word into train
and test halves. Queries are the English test words; candidates are all xx names of the lexicon,
either in their own script or romanized by ``translit``. Mappings: ``none`` (the multilingual
model's shared space as is) and ``procrustes`` (fit on the train half). Retrieval: NN and CSLS.
Scores: P@1 in the MUSE convention (percent).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from typing import Any

import numpy as np

from tokadapt.bli import static
from tokadapt.bli.dictionary import Dictionary, lookup
from tokadapt.bli.embeddings import Embeddings
from tokadapt.bli.evaluate import score
from tokadapt.bli.mapping import procrustes
from tokadapt.data import cldr
from tokadapt.eval.normalize import normalize
from tokadapt.eval.scoring import translate
from tokadapt.eval.search import resolve_backend
from tokadapt.eval.signature import signature
from tokadapt.io.tensors import input_embeddings
from tokadapt.io.tokenizer import load_tokenizer

log = logging.getLogger(__name__)


def _vectors(
    model_dir: str | os.PathLike[str], matrix: np.ndarray, tokenizer: object, words: Sequence[str]
) -> Embeddings:
    ids = static.subword_ids(tokenizer, words)
    return Embeddings(list(words), static.mean_rows(matrix, ids, str(model_dir)), str(model_dir))


def _scores(
    src: Embeddings, tgt: Embeddings, train: list, test: list, backend: str
) -> dict[str, float]:
    out: dict[str, float] = {}
    x, z = normalize(src.vectors, "unit"), normalize(tgt.vectors, "unit")
    found = lookup(Dictionary.from_pairs(test), src, tgt)
    seeds = lookup(Dictionary.from_pairs(train), src, tgt).pairs
    for mapping in ("none", "procrustes"):
        xw = normalize(x @ procrustes(x, z, seeds), "unit") if mapping == "procrustes" else x
        for retrieval in ("nn", "csls"):
            top = translate(xw, z, found.src_idx, 10, retrieval=retrieval, backend=backend)
            res = score(top.indices, found, (1, 10))
            out[f"{mapping}/{retrieval}"] = round(res.p_at[1], 2)
            out[f"{mapping}/{retrieval}/p@10"] = round(res.p_at[10], 2)
    return out


def cldr_signature(locales: Sequence[str], backend: str = "auto") -> str:
    """The reproducibility signature of a :func:`cldr_bli` run."""
    fields = {
        "locales": list(locales),
        "mapping": ["none", "procrustes"],
        "retrieval": ["nn", "csls"],
        "norm": "unit",
        "split": "crc32:0.5",
        "backend": resolve_backend(backend),
    }
    return signature("cldr-bli", fields)


def cldr_bli(
    model_dir: str | os.PathLike[str],
    locales: Sequence[str],
    *,
    backend: str = "auto",
    max_pairs: int | None = None,
) -> dict[str, dict[str, Any]]:
    """``{locale: {"pairs": n, "orig": {"none/nn": P@1, ...}, "rom": {...}}}``."""
    from translit import make_romanizer

    matrix = input_embeddings(model_dir)
    tokenizer = load_tokenizer(model_dir)
    results: dict[str, dict[str, Any]] = {}
    for loc in locales:
        pairs = cldr.lexicon(loc)[:max_pairs]
        xx = list(dict.fromkeys(t for _, t in pairs))
        rom = dict(
            zip(xx, make_romanizer("uroman", cldr.LOCALES.get(loc)).romanize_batch(xx), strict=True)
        )
        en = _vectors(model_dir, matrix, tokenizer, list(dict.fromkeys(s for s, _ in pairs)))
        row: dict[str, Any] = {"pairs": len(pairs)}
        for side in ("orig", "rom"):
            lex = pairs if side == "orig" else [(s, rom[t]) for s, t in pairs]
            lex = [(s, t) for s, t in lex if t.strip()]
            train, test = cldr.split(lex)
            tgt = _vectors(model_dir, matrix, tokenizer, list(dict.fromkeys(t for _, t in lex)))
            row[side] = _scores(en, tgt, train, test, backend)
        row["example"] = f"{pairs[0][0]} -> {pairs[0][1]} / {rom[pairs[0][1]]}" if pairs else ""
        results[loc] = row
        log.info("CLDR BLI en-%s: %s", loc, row)
    return results
