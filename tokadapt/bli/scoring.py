"""Retrieval criteria: nearest neighbour, CSLS (Conneau et al. 2018), inverted softmax.

* ``nn``: cosine (inner product of unit vectors).
* ``csls``: ``2 cos(x, y) - r_T(x) - r_S(y)`` where ``r_T(x)`` is the mean similarity of ``x`` to
  its ``k`` nearest targets and ``r_S(y)`` that of ``y`` to its ``k`` nearest source words. Both
  neighbourhoods come from one pass over the source x target similarities; the ranking is then
  one more kNN with a per-target bias ``-r_S(y) / 2`` (an extra dimension for FAISS).
* ``isf``: inverted softmax (Smith et al. 2017):
  ``beta cos(x, y) - log sum_x' exp(beta cos(x', y))`` over the source vocabulary;
  ranked as ``cos + bias`` with ``bias = -logsumexp / beta``.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from tokadapt.bli import search
from tokadapt.bli.budget import current as current_limits
from tokadapt.bli.exact import TopK
from tokadapt.errors import ConfigError

Retrieval = Literal["nn", "csls", "isf"]
RETRIEVALS: tuple[Retrieval, ...] = ("nn", "csls", "isf")
CSLS_K = 10
ISF_BETA = 30.0


def isf_bias(
    src: np.ndarray, tgt: np.ndarray, beta: float = ISF_BETA, block: int = 4096
) -> np.ndarray:
    """``-log(sum_x exp(beta cos(x, y))) / beta`` per target, blocked, in float64."""
    budget = current_limits().max_memory
    width = len(tgt) if budget is None else max(1, budget // (3 * 8 * block))
    if width < len(tgt):  # bounded: target slices (same per-target sums, so same result)
        return np.concatenate(
            [isf_bias(src, tgt[t : t + width], beta, block) for t in range(0, len(tgt), width)]
        )
    t64 = tgt.astype(np.float64)
    running = np.full(len(tgt), -np.inf)
    for s in range(0, len(src), block):
        z = beta * (src[s : s + block].astype(np.float64) @ t64.T)
        m = np.maximum(z.max(0), running)
        running = m + np.log(np.exp(running - m) + np.exp(z - m).sum(0))
    return -running / beta


def translate(
    src: np.ndarray,
    tgt: np.ndarray,
    query_rows: np.ndarray | None,
    k: int,
    *,
    retrieval: str = "nn",
    csls_k: int = CSLS_K,
    isf_beta: float = ISF_BETA,
    backend: str = "auto",
) -> TopK:
    """Top-``k`` targets for ``src[query_rows]`` (all rows if None) under ``retrieval``.

    ``src``/``tgt`` should be unit-length and already mapped into one space. Scores are the
    criterion's value (cosine, CSLS, or ISF's ``cos + bias``), float64, ties by target index.
    """
    if retrieval not in RETRIEVALS:
        raise ConfigError(f"retrieval must be one of {', '.join(RETRIEVALS)}, got {retrieval!r}")
    rows = np.arange(len(src)) if query_rows is None else np.asarray(query_rows, dtype=np.int64)
    queries = src[rows]
    if retrieval == "nn":
        return search.knn(queries, tgt, k, backend=backend)
    if retrieval == "isf":
        bias = isf_bias(src, tgt, isf_beta)
        return search.knn(queries, tgt, k, bias=bias, backend=backend)
    if csls_k < 1:
        raise ConfigError(f"csls k must be >= 1, got {csls_k}")
    r_src, r_tgt = search.neighbourhood_means(src, tgt, csls_k, backend=backend)
    top = search.knn(queries, tgt, k, bias=-r_tgt / 2.0, backend=backend)
    return TopK(2.0 * top.scores - r_src[rows][:, None], top.indices)


def csls_matrix(src: np.ndarray, tgt: np.ndarray, csls_k: int = CSLS_K) -> np.ndarray:
    """Dense CSLS scores (small inputs only): the reference the blocked path is tested against."""
    sim = src.astype(np.float64) @ tgt.astype(np.float64).T
    kt, ks = min(csls_k, sim.shape[1]), min(csls_k, sim.shape[0])
    r_src = -np.sort(-sim, axis=1)[:, :kt].mean(1)
    r_tgt = -np.sort(-sim, axis=0)[:ks, :].mean(0)
    return 2 * sim - r_src[:, None] - r_tgt[None, :]
