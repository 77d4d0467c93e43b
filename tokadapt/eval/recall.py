"""Recall of an approximate neighbour search against the exact search on a seeded sample.

:func:`exact_topk` is a blocked brute force over all rows of the data side (float32 products
select ``k + 8`` candidates per block, which are then rescored in float64 and sorted by
(score desc, index asc)), cheap for a sample of queries even at millions of rows, and reading
memory-mapped data block by block. :func:`sampled` compares it with the approximate result:
recall@k is the share of the exact top-k found, and the error of the per-row mean of the top-k
scores (CSLS's ``r`` terms) is reported beside it.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from tokadapt.eval import rows
from tokadapt.eval.approx_index import Side, rescore
from tokadapt.eval.approx_plan import BLOCK_ENTRIES, SAMPLE
from tokadapt.eval.exact import PAD, TopK


def exact_topk(queries: np.ndarray, data: Side, k: int, col: float) -> TopK:
    """Exact top-``k`` of ``q . y + col * bias(y)`` over every row ``y`` of ``data``."""
    n, kp = len(data.matrix), min(len(data.matrix), k + PAD)
    step = max(64, BLOCK_ENTRIES // max(1, len(queries)))
    best_v = np.full((len(queries), 0), -np.inf, dtype=np.float32)
    best_i = np.zeros((len(queries), 0), dtype=np.int64)
    for start in range(0, n, step):
        block = rows.block(data.matrix, start, min(start + step, n))
        sims = queries @ block.T
        if data.bias is not None and col:
            sims += np.float32(col) * data.bias[start : start + len(block)].astype(np.float32)
        v = np.hstack([best_v, sims])
        i = np.hstack([best_i, np.broadcast_to(np.arange(start, start + len(block)), sims.shape)])
        keep = np.argpartition(-v, kp - 1, axis=1)[:, :kp] if v.shape[1] > kp else None
        best_v = v if keep is None else np.take_along_axis(v, keep, 1)
        best_i = i if keep is None else np.take_along_axis(i, keep, 1)
    scores, indices = rescore(queries, data, best_i, k, col)
    return TopK(scores, indices)


def overlap(found: np.ndarray, exact: np.ndarray) -> float:
    """Mean share of each row's exact neighbours (``-1`` never counts) present in ``found``."""
    hits = [
        len(set(a[a >= 0].tolist()) & set(b.tolist())) / max(1, int((b >= 0).sum()))
        for a, b in zip(found, exact, strict=True)
    ]
    return float(np.mean(hits)) if hits else 1.0


def sampled(
    queries: Side, data: Side, found: TopK, k: int, col: float, size: int = SAMPLE, seed: int = 0
) -> dict[str, Any]:
    """Recall@k of ``found`` (one row per query) against the exact top-k on a sample."""
    n = len(queries)
    sample = np.sort(np.random.default_rng(seed).choice(n, min(size, n), replace=False))
    exact = exact_topk(queries.take_at(sample), data, k, col)
    got = found.scores[sample]
    err = np.abs(_row_mean(got) - _row_mean(exact.scores))
    return {
        "recall": round(overlap(found.indices[sample], exact.indices), 6),
        "k": k,
        "sample": len(sample),
        "mean_abs_error_of_row_mean": float(err.mean()) if len(err) else 0.0,
    }


def _row_mean(scores: np.ndarray) -> np.ndarray:
    finite = np.isfinite(scores)
    return np.where(finite, scores, 0.0).sum(1) / np.maximum(finite.sum(1), 1)
