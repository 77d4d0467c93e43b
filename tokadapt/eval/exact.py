"""Exact, backend-independent top-k: float64 rescoring of float32 candidates.

Every backend (FAISS GPU/CPU, blocked torch, blocked numpy) only *proposes* ``k' = k + pad``
candidates per query from float32 inner products. This module rescores them in float64 and
sorts by (score desc, index asc). A row is accepted only when its k-th exact score beats the
weakest proposed float32 score by more than a float32 error bound, which proves that no
unproposed target can enter (or tie into) the top-k; other rows (long ties, near-ties at the
boundary) are recomputed exactly over all targets. So every backend returns the same top-k.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np

log = logging.getLogger(__name__)

PAD = 8
_EPS32 = float(np.finfo(np.float32).eps)


@dataclass(frozen=True)
class TopK:
    """Top-k result: ``scores`` float64 ``(n, k)`` descending, ``indices`` int64 ``(n, k)``."""

    scores: np.ndarray
    indices: np.ndarray


def candidate_count(k: int, n_targets: int) -> int:
    return min(n_targets, k + PAD)


def _sort_rows(scores: np.ndarray, idx: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    order = np.lexsort((idx, -scores), axis=-1)[:, :k]
    return np.take_along_axis(scores, order, 1), np.take_along_axis(idx, order, 1)


def dot64(q: np.ndarray, t: np.ndarray) -> np.ndarray:
    """``q`` (m, d) against ``t`` (m, j, d) or (j, d) in float64 with one fixed summation order."""
    t = t if t.ndim == 3 else np.broadcast_to(t, (len(q), *t.shape))
    return np.einsum("md,mkd->mk", q, t)


def exact_rows(
    queries: np.ndarray,
    targets: np.ndarray,
    bias: np.ndarray | None,
    rows: np.ndarray,
    k: int,
    row_chunk: int = 256,
) -> TopK:
    """Brute-force float64 top-k of the given query rows over all targets (the reference)."""
    k = min(k, len(targets))
    out_s = np.empty((len(rows), k))
    out_i = np.empty((len(rows), k), dtype=np.int64)
    block = max(64, (1 << 23) // max(1, row_chunk * targets.shape[1]))
    for r0 in range(0, len(rows), row_chunk):
        q64 = queries[rows[r0 : r0 + row_chunk]].astype(np.float64)
        best_s = np.full((len(q64), 0), -np.inf)
        best_i = np.zeros((len(q64), 0), dtype=np.int64)
        for start in range(0, len(targets), block):
            t64 = targets[start : start + block].astype(np.float64)
            s = dot64(q64, t64)
            if bias is not None:
                s += bias[start : start + block].astype(np.float64)
            i = np.broadcast_to(np.arange(start, start + len(t64), dtype=np.int64), s.shape)
            best_s, best_i = _sort_rows(np.hstack([best_s, s]), np.hstack([best_i, i]), k)
        out_s[r0 : r0 + len(q64)], out_i[r0 : r0 + len(q64)] = best_s, best_i
    return TopK(out_s, out_i)


def finalize(
    queries: np.ndarray,
    targets: np.ndarray,
    bias: np.ndarray | None,
    cand_idx: np.ndarray,
    cand_val32: np.ndarray,
    k: int,
    chunk: int = 2048,
) -> TopK:
    """Rescore float32 candidates in float64, sort (score desc, index asc), verify, repair."""
    n, n_t = len(queries), len(targets)
    k = min(k, n_t)
    scores = np.empty((n, k))
    indices = np.empty((n, k), dtype=np.int64)
    bad: list[np.ndarray] = []
    t_norm = 1.001 * float(np.linalg.norm(targets, axis=1).max()) if n_t else 0.0
    b_max = float(np.abs(bias).max()) if bias is not None and n_t else 0.0
    d = queries.shape[1]
    for s in range(0, n, chunk):
        q = queries[s : s + chunk].astype(np.float64)
        c = np.asarray(cand_idx[s : s + chunk], dtype=np.int64)
        invalid = (c < 0).any(1) | (c >= n_t).any(1)
        c = np.where(c < 0, 0, np.minimum(c, max(n_t - 1, 0)))
        ex = dot64(q, targets[c].astype(np.float64))
        if bias is not None:
            ex += bias[c].astype(np.float64)
        sc, ix = _sort_rows(ex, c, k)
        scores[s : s + len(q)], indices[s : s + len(q)] = sc, ix
        if c.shape[1] < n_t:
            tol = 4.0 * (d + 2) * _EPS32 * (np.sqrt((q**2).sum(1)) * t_norm + b_max) + 1e-30
            floor = cand_val32[s : s + chunk].astype(np.float64).min(1)
            unproven = sc[:, k - 1] <= floor + tol
            srt = np.sort(c, axis=1)
            dup = (srt[:, 1:] == srt[:, :-1]).any(1)
            invalid = invalid | unproven | dup
        bad.append(np.flatnonzero(invalid) + s)
    rows = np.concatenate(bad) if bad else np.zeros(0, dtype=np.int64)
    if len(rows):
        log.debug(
            "exact fallback for %d of %d query rows (ties or near-ties at rank %d)", len(rows), n, k
        )
        fix = exact_rows(queries, targets, bias, rows, k)
        scores[rows], indices[rows] = fix.scores, fix.indices
    return TopK(scores, indices)
