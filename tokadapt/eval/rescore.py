"""Exact float64 scores of (query, candidate) pairs, reading the candidate side once, in order.

Reading single random rows of a memory-mapped matrix is slow (a page fault each) and makes the
kernel's fault-around window (64 KiB around every row read) resident: 50,000 random rows of a
3 GB mapping made 2.2 GB resident here. So the pairs are sorted by candidate row and the
candidate side is read sequentially, block by block (:func:`tokadapt.eval.rows.block`); each
block scores the pairs that fall into it, in chunks of :data:`PAIR_CHUNK` pairs. Blocks without
pairs are skipped. Arrays in memory take the same path, so both give the same bits.
"""

from __future__ import annotations

import numpy as np

from tokadapt.eval import rows

DATA_BLOCK = 8192
PAIR_CHUNK = 16384


def pair_scores(
    queries: np.ndarray,
    data: np.ndarray,
    cand: np.ndarray,
    bias: np.ndarray | None = None,
    col: float = 0.0,
) -> np.ndarray:
    """``(m, c)`` float64 ``queries[i] . data[cand[i, j]] + col * bias[cand[i, j]]``.

    Candidates ``-1`` (none found) score ``-inf``.
    """
    m, c = cand.shape
    n = len(data)
    flat = cand.ravel()
    key = np.where(flat >= 0, flat, n)
    order = np.argsort(key, kind="stable")
    sorted_key = key[order]
    out = np.full(m * c, -np.inf)
    q64 = np.asarray(queries, dtype=np.float64)
    edges = np.searchsorted(sorted_key, np.append(np.arange(0, n, DATA_BLOCK), n))  # -1s last
    for b in range(len(edges) - 1):
        lo, hi = int(edges[b]), int(edges[b + 1])
        if lo == hi:
            continue
        start = b * DATA_BLOCK
        block = rows.block(data, start, min(start + DATA_BLOCK, n), np.float64)
        for p0 in range(lo, hi, PAIR_CHUNK):
            pos = order[p0 : min(p0 + PAIR_CHUNK, hi)]
            ys = block[sorted_key[p0 : p0 + len(pos)] - start]
            out[pos] = np.einsum("md,md->m", q64[pos // c], ys)
    if bias is not None and col:
        valid = flat >= 0
        out[valid] += col * bias[flat[valid]]
    return out.reshape(m, c)


def work_bytes(queries: int, cand: int, dim: int) -> int:
    """Memory :func:`pair_scores` allocates for ``queries`` rows with ``cand`` candidates."""
    per_query = dim * 8 + cand * 40  # float64 queries; keys, order, sorted keys, scores
    per_chunk = PAIR_CHUNK * (dim * 16 + 16)  # gathered query and data rows
    return queries * per_query + DATA_BLOCK * dim * 12 + per_chunk
