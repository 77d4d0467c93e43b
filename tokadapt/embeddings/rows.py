"""Row arithmetic shared by the strategies: weighted sums of rows, column statistics.

Tables can be memory maps of a 250k-row checkpoint, so everything runs in row chunks with
float64 accumulation and never materializes more than one chunk at a time.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

_CHUNK = 8192


@dataclass(frozen=True)
class RowWeights:
    """A sparse ``N x V`` weight matrix in CSR form: new row ``i`` is
    ``sum_k weights[k] * table[indices[k]]`` for ``k`` in ``indptr[i]:indptr[i + 1]``."""

    indptr: np.ndarray
    indices: np.ndarray
    weights: np.ndarray

    @classmethod
    def from_lists(cls, ids: list[list[int]], weights: list[list[float]]) -> RowWeights:
        lengths = np.fromiter((len(x) for x in ids), dtype=np.int64, count=len(ids))
        indptr = np.zeros(len(ids) + 1, dtype=np.int64)
        np.cumsum(lengths, out=indptr[1:])
        flat_ids = np.fromiter(
            (i for row in ids for i in row), dtype=np.int64, count=int(indptr[-1])
        )
        flat_w = np.fromiter(
            (w for row in weights for w in row), dtype=np.float64, count=int(indptr[-1])
        )
        return cls(indptr, flat_ids, flat_w)

    def __len__(self) -> int:
        return len(self.indptr) - 1


def combine(table: np.ndarray, rw: RowWeights, fallback: np.ndarray | None = None) -> np.ndarray:
    """The weighted row sums; rows with no weights get ``fallback`` (required if any).

    Rows that are a single source with weight 1 are copied exactly (no arithmetic)."""
    out = np.empty((len(rw), table.shape[1]), dtype=np.float32)
    lengths = np.diff(rw.indptr)
    empty = lengths == 0
    if empty.any():
        if fallback is None:  # internal invariant: strategies pass a fallback when needed
            raise ValueError("rows without weights need a fallback row")
        out[empty] = fallback
    copies = np.flatnonzero(lengths == 1)
    copies = copies[rw.weights[rw.indptr[copies]] == 1.0]
    if copies.size:
        out[copies] = table[rw.indices[rw.indptr[copies]]]
    rest = np.ones(len(rw), dtype=bool)
    rest[copies] = False
    rest &= ~empty
    todo = np.flatnonzero(rest)
    for start in range(0, todo.size, _CHUNK):
        _weighted_sums(table, rw, todo[start : start + _CHUNK], out)
    return out


def _weighted_sums(table: np.ndarray, rw: RowWeights, rows: np.ndarray, out: np.ndarray) -> None:
    starts, ends = rw.indptr[rows], rw.indptr[rows + 1]
    take = np.concatenate([np.arange(a, b) for a, b in zip(starts, ends, strict=True)])
    gathered = table[rw.indices[take]].astype(np.float64)
    gathered *= rw.weights[take, None]
    offsets = np.concatenate([[0], np.cumsum(ends - starts)[:-1]])
    out[rows] = np.add.reduceat(gathered, offsets, axis=0)


def column_mean(table: np.ndarray) -> np.ndarray:
    total = np.zeros(table.shape[1], dtype=np.float64)
    for start in range(0, table.shape[0], _CHUNK):
        total += table[start : start + _CHUNK].sum(axis=0, dtype=np.float64)
    return total / max(table.shape[0], 1)


def column_moments(table: np.ndarray, *, full: bool) -> tuple[np.ndarray, np.ndarray]:
    """Column means and either variances (``full=False``) or the covariance matrix."""
    n, d = table.shape
    mean = column_mean(table)
    acc = np.zeros((d, d) if full else d, dtype=np.float64)
    for start in range(0, n, _CHUNK):
        centered = table[start : start + _CHUNK].astype(np.float64) - mean
        acc += centered.T @ centered if full else (centered * centered).sum(axis=0)
    return mean, acc / max(n - 1, 1)
