"""WECHSEL-style initialization through an aligned static space (registered as ``wechsel``).

WECHSEL (Minixhofer et al. 2022) aligns static word vectors of the new language to those of the
old one with a bilingual dictionary, then makes each new token's row the softmax-weighted mean
of the rows of its ``k`` nearest old tokens in that aligned space. Here the two "languages" are
romanized and original-script text, and both static spaces come from the model itself:

* the **romanized side** of a new piece is the mean row of its Latin subwords (how the original
  tokenizer reads the romanized string: ``▁moskva`` -> ``▁mos`` ``kva``);
* the **original side** is the mean row of its sources (the original-script pieces that
  romanize to it) — the romanized-seed dictionary of ``tokadapt bli --seed-from romanized``,
  one pair per new piece;
* an orthogonal map ``W`` (Procrustes on the unit-normalized seed pairs) takes the romanized
  side into the original space; the query of a piece is ``unit(romanized side) @ W``;
* its row is ``softmax(cos(q, rows) / T)`` over the ``k = 10`` nearest old rows among the
  :data:`POOL` lowest ids (``T = 0.1``, WECHSEL's defaults; exact search with
  :func:`tokadapt.eval.search.knn`) together with its own sources, so that a rare piece whose
  sources are not among the frequent ones keeps them. The pool is the most frequent pieces in
  every family's id order (SentencePiece sorts by score, BPE by merge rank, WordPiece by
  frequency) and bounds the cost: 100k queries against all 250k XLM-R rows (or the 32k most
  frequent) did not finish in 15 minutes on two cores shared by a dozen processes.

Pieces without Latin subwords keep TransMI's row (their sources); pieces without sources get
the subword mean, as in ``transmi``.
"""

from __future__ import annotations

import numpy as np

from tokadapt.embeddings.rows import RowWeights, combine
from tokadapt.embeddings.strategies import InitRequest, Result, register, transmi

K = 10
TEMPERATURE = 0.1
POOL = 8192


def _unit(x: np.ndarray) -> np.ndarray:
    return x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)


def _means(table: np.ndarray, groups: list[list[int]]) -> np.ndarray:
    weights = [[1.0 / len(g)] * len(g) for g in groups]
    return combine(table, RowWeights.from_lists(groups, weights)).astype(np.float64)


def procrustes(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The orthogonal ``W`` minimizing ``||x W - y||`` (SVD of ``x.T y``)."""
    u, _, vt = np.linalg.svd(x.T @ y)
    return u @ vt


def softmax_rows(scores: np.ndarray, temperature: float) -> np.ndarray:
    z = scores / temperature
    z = np.exp(z - z.max(axis=1, keepdims=True))
    return z / z.sum(axis=1, keepdims=True)


@register(
    "wechsel",
    "WECHSEL-style: the piece's Latin-subword vector mapped by Procrustes (fitted on romanized "
    "piece -> source rows) into the original space; softmax(cos/0.1) over its 10 nearest old rows",
    needs_subwords=True,
)
def wechsel(table: np.ndarray, request: InitRequest, rng: np.random.Generator) -> Result:
    from tokadapt.eval.search import knn

    out, counts = transmi(table, request, rng)
    both = [
        i for i, (s, w) in enumerate(zip(request.sources, request.subwords, strict=True)) if s and w
    ]
    if len(both) < 2:
        return out, counts
    x = _unit(_means(table, [request.subwords[i] for i in both]))
    y = _unit(_means(table, [request.sources[i] for i in both]))
    queries = _unit(x @ procrustes(x, y))
    pool = _unit(np.asarray(table[: min(POOL, len(table))], dtype=np.float64))
    top = knn(queries.astype(np.float32), pool.astype(np.float32), min(K, len(pool)))
    ids, weights = [], []
    for n, i in enumerate(both):
        own = [s for s in request.sources[i] if s not in set(top.indices[n].tolist())]
        own_rows = _unit(np.asarray(table[own], dtype=np.float64)) if own else np.zeros((0, 1))
        scores = np.concatenate([top.scores[n], own_rows @ queries[n] if own else []])
        ids.append([*top.indices[n].tolist(), *own])
        weights.append(softmax_rows(scores[None, :], TEMPERATURE)[0].tolist())
    out[both] = combine(table, RowWeights.from_lists(ids, weights))
    return out, {"wechsel": len(both), "transmi-fallback": len(out) - len(both)}
