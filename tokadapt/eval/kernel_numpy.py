"""Blocked numpy kernel: the dependency-free fallback (same contract as the torch kernel).

Per block it selects each row's and each column's k' best with ``argpartition`` and merges them
into running lists; memory is bounded by the block size.
"""

from __future__ import annotations

import numpy as np

Proposal = tuple[np.ndarray, np.ndarray]


def _block_top(s: np.ndarray, k: int, offset: int) -> tuple[np.ndarray, np.ndarray]:
    kk = min(k, s.shape[1])
    part = np.argpartition(-s, kk - 1, axis=1)[:, :kk]
    return np.take_along_axis(s, part, 1), part.astype(np.int64) + offset


def _merge(vals: np.ndarray, idx: np.ndarray, s: np.ndarray, offset: int) -> None:
    k = vals.shape[1]
    v, i = _block_top(s, k, offset)
    all_v, all_i = np.hstack([vals, v]), np.hstack([idx, i])
    keep = np.argpartition(-all_v, k - 1, axis=1)[:, :k]
    vals[...] = np.take_along_axis(all_v, keep, 1)
    idx[...] = np.take_along_axis(all_i, keep, 1)


def propose(
    queries: np.ndarray,
    targets: np.ndarray,
    kq: int,
    *,
    kt: int = 0,
    bias: np.ndarray | None = None,
    block_q: int = 4096,
    block_t: int = 16384,
) -> tuple[Proposal | None, Proposal | None]:
    """Candidates (indices, float32 scores): per query (``kq``), per target (``kt``)."""
    q_all = np.ascontiguousarray(queries, dtype=np.float32)
    t_all = np.ascontiguousarray(targets, dtype=np.float32)
    b_all = None if bias is None else bias.astype(np.float32)
    nq, nt = len(q_all), len(t_all)
    row_v = np.full((nq, kq), -np.inf, dtype=np.float32)
    row_i = np.full((nq, kq), -1, dtype=np.int64)
    col_v = np.full((nt, kt), -np.inf, dtype=np.float32)
    col_i = np.full((nt, kt), -1, dtype=np.int64)
    for q0 in range(0, nq, block_q):
        qb = q_all[q0 : q0 + block_q]
        for t0 in range(0, nt, block_t):
            s = qb @ t_all[t0 : t0 + block_t].T
            if b_all is not None:
                s += b_all[t0 : t0 + block_t]
            if kq:
                _merge(row_v[q0 : q0 + block_q], row_i[q0 : q0 + block_q], s, t0)
            if kt:
                _merge(col_v[t0 : t0 + block_t], col_i[t0 : t0 + block_t], s.T, q0)
    rows = (row_i, row_v) if kq else None
    cols = (col_i, col_v) if kt else None
    return rows, cols
