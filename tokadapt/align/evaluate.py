"""Periodic sentence-retrieval evaluation during alignment training.

An eval file (``FILE`` or ``FILE:LCODE``) holds one sentence per line, or ``sentence<TAB>
translation`` lines for a parallel set. Two scores, with the same layer and pooling as the
TCM loss and cosine similarity (as TransliCo's evaluation: FAISS L2 on normalized vectors):

* ``rom_top1`` — original ↔ romanization retrieval (mean of both directions),
* ``par_top1`` — sentence ↔ translation retrieval (only for lines with a translation),
* ``rom_en_top1`` / ``orig_en_top1`` — romanized / original sentence → translation, one way
  (what a user of the aligned model does); these and ``rom_top1`` drive model selection
  (:mod:`tokadapt.align.selection`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

import translit
from tokadapt.align.sources import parse_source
from tokadapt.errors import InputFileError
from tokadapt.eval.encode import encode_texts
from tokadapt.eval.retrieval import top_k_accuracy


@dataclass
class EvalSet:
    name: str
    texts: list[str]
    romanized: list[str]
    translations: list[str] | None = None


def read_eval(spec: str, max_sentences: int = 1000) -> EvalSet:
    """Read an eval file; romanize it once (lines whose romanization is unchanged are kept)."""
    source = parse_source(spec)
    try:
        lines = [ln.rstrip("\n") for ln in source.path.open(encoding="utf-8") if ln.strip()]
    except FileNotFoundError as exc:
        raise InputFileError(f"eval file {source.path} does not exist") from exc
    lines = lines[:max_sentences]
    if len(lines) < 2:
        raise InputFileError(
            f"eval file {source.path} needs at least 2 non-blank lines, found {len(lines)}"
        )
    return make_eval_set(source.path.name, lines, source.lang)


def make_eval_set(name: str, lines: Sequence[str], lang: str | None) -> EvalSet:
    """An eval set of ``sentence`` or ``sentence<TAB>translation`` lines (translations only when
    every line has one), romanized once with uroman."""
    cols = [ln.split("\t", 1) for ln in lines]
    texts = [c[0].strip() for c in cols]
    trans = [c[1].strip() for c in cols] if all(len(c) == 2 for c in cols) else None
    roms = translit.make_romanizer("uroman", lang, errors="replace").romanize_batch(texts)
    return EvalSet(name, texts, roms, trans)


def encode(module: Any, tokenizer: Any, texts: Sequence[str], *, max_length: int) -> np.ndarray:
    """Pooled vectors of ``texts`` at the TCM layer (see :mod:`tokadapt.eval.encode`)."""
    was_training = module.training
    try:
        return encode_texts(
            module.encoder,
            tokenizer,
            list(texts),
            layer=module.layer,
            pooling=module.pooling,
            batch_size=64,
            max_length=max_length,
        )
    finally:
        module.train(was_training)


def _both_ways(a: np.ndarray, b: np.ndarray) -> float:
    return (top_k_accuracy(a, b, ks=(1,))["top1"] + top_k_accuracy(b, a, ks=(1,))["top1"]) / 2


def evaluate(
    module: Any, tokenizer: Any, sets: Sequence[EvalSet], max_length: int
) -> dict[str, float]:
    """Top-1 accuracy (cosine) per set — ``NAME/rom_top1`` (both directions), ``NAME/par_top1``
    (both directions), ``NAME/rom_en_top1``, ``NAME/orig_en_top1`` — and, with several sets,
    the same over all sets pooled (``all/...``: every query against every set's candidates;
    small per-language sets saturate, the pooled scores still tell models apart)."""
    scores: dict[str, float] = {}
    vecs: list[tuple[np.ndarray, np.ndarray, list[str] | None, np.ndarray | None]] = []
    for s in sets:
        a = encode(module, tokenizer, s.texts, max_length=max_length)
        b = encode(module, tokenizer, s.romanized, max_length=max_length)
        scores[f"{s.name}/rom_top1"] = _both_ways(a, b)
        c = None
        if s.translations is not None:
            c = encode(module, tokenizer, s.translations, max_length=max_length)
            scores[f"{s.name}/par_top1"] = _both_ways(a, c)
            scores[f"{s.name}/rom_en_top1"] = top_k_accuracy(b, c, ks=(1,))["top1"]
            scores[f"{s.name}/orig_en_top1"] = top_k_accuracy(a, c, ks=(1,))["top1"]
        vecs.append((a, b, s.translations, c))
    if len(sets) > 1:
        scores.update(_pooled(vecs))
    return scores


def _pooled(
    vecs: list[tuple[np.ndarray, np.ndarray, list[str] | None, np.ndarray | None]],
) -> dict[str, float]:
    a = np.concatenate([v[0] for v in vecs])
    b = np.concatenate([v[1] for v in vecs])
    out = {"all/rom_top1": _both_ways(a, b)}
    with_en = [v for v in vecs if v[2] is not None and v[3] is not None]
    if with_en:
        first: dict[str, np.ndarray] = {}  # each distinct translation once among candidates
        for _, _, texts, c in with_en:
            for text, row in zip(texts or [], c if c is not None else [], strict=True):
                first.setdefault(text, row)
        order = list(first)
        gold = np.array([order.index(t) for v in with_en for t in v[2] or []])
        cand = _unit(np.stack([first[t] for t in order]))
        qa = _unit(np.concatenate([v[0] for v in with_en]))
        qb = _unit(np.concatenate([v[1] for v in with_en]))
        out["all/rom_en_top1"] = float(np.mean((qb @ cand.T).argmax(1) == gold))
        out["all/orig_en_top1"] = float(np.mean((qa @ cand.T).argmax(1) == gold))
        out["all/queries"] = float(len(gold))  # the resolution of the pooled scores
    return out


def _unit(x: np.ndarray) -> np.ndarray:
    return x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)


def eval_sets_from(specs: Sequence[str] | None, max_sentences: int) -> list[EvalSet]:
    return [read_eval(s, max_sentences) for s in specs or []]
