"""Build and search one FAISS index by an :class:`~tokadapt.eval.approx_plan.IndexPlan`.

Vectors go in (and queries are searched) block by block from possibly memory-mapped matrices;
an optional per-row bias becomes an extra column (``[y, b] . [x, c] = x . y + c b``), and the
dimension is zero-padded to a multiple of 4 (product-quantizer sub-vectors). The candidates
FAISS returns are rescored exactly in float64 (:func:`rescore`, reading the data side in order:
:mod:`tokadapt.eval.rescore`).

With faiss-gpu and at least one GPU, ``ivf`` indexes (flat or 8-bit codes) are sharded over
all GPUs (``index_cpu_to_all_gpus``, ``shard=True``; :func:`gpu_shards` decides). FAISS has no
GPU HNSW and no GPU fast-scan PQ, so ``hnsw`` and ``ivfpq`` stay on the CPU. The GPU path is
untested here: the development machines have no GPU.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import numpy as np

from tokadapt.errors import require
from tokadapt.eval import rows
from tokadapt.eval.approx_plan import HNSW_M, TRAIN_PER_LIST, IndexPlan
from tokadapt.eval.exact import TopK
from tokadapt.eval.rescore import pair_scores

log = logging.getLogger(__name__)
HNSW_EF_SEARCH, HNSW_EF_CONSTRUCTION = 128, 80


@dataclass(frozen=True)
class Side:
    """Rows of ``matrix`` (all, or ``rows``), with an optional float64 per-row ``bias``."""

    matrix: np.ndarray
    bias: np.ndarray | None = None
    rows: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.matrix) if self.rows is None else len(self.rows)

    def take(self, start: int, stop: int) -> np.ndarray:
        """Float32 copy of this side's rows ``start:stop``."""
        if self.rows is None:
            return rows.block(self.matrix, start, stop)
        return rows.gather(self.matrix, self.rows[start:stop], np.float32)

    def take_at(self, positions: np.ndarray) -> np.ndarray:
        ids = positions if self.rows is None else self.rows[positions]
        return rows.gather(self.matrix, ids, np.float32)


def prepared(vectors: np.ndarray, column: np.ndarray | float | None, dim: int) -> np.ndarray:
    """``[vectors, column, 0 ...]`` as float32 of width ``dim`` (no column when None)."""
    out = np.zeros((len(vectors), dim), dtype=np.float32)
    out[:, : vectors.shape[1]] = vectors
    if column is not None:
        out[:, vectors.shape[1]] = column
    return out


def _factory(p: IndexPlan, faiss: Any) -> Any:
    ip = faiss.METRIC_INNER_PRODUCT
    if p.kind == "hnsw":
        if p.encoding == "flat":
            index = faiss.IndexHNSWFlat(p.dim, HNSW_M, ip)
        else:
            index = faiss.IndexHNSWSQ(p.dim, faiss.ScalarQuantizer.QT_8bit, HNSW_M, ip)
        index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
        index.hnsw.efSearch = max(HNSW_EF_SEARCH, p.candidates)
        return index
    quantizer = faiss.IndexFlatIP(p.dim)
    if p.encoding == "flat":
        index = faiss.IndexIVFFlat(quantizer, p.dim, p.nlist, ip)
    elif p.encoding == "sq8":
        sq8 = faiss.ScalarQuantizer.QT_8bit
        index = faiss.IndexIVFScalarQuantizer(quantizer, p.dim, p.nlist, sq8, ip)
    else:
        index = faiss.IndexIVFPQFastScan(quantizer, p.dim, p.nlist, p.dim // 4, 4, ip)
    index.nprobe = p.nprobe
    return index


def gpu_shards(p: IndexPlan, n_gpus: int) -> bool:
    """Whether to shard this index over the GPUs (IVF with flat/8-bit codes, GPUs present)."""
    return n_gpus > 0 and p.kind == "ivf"


def _to_gpus(index: Any, p: IndexPlan, faiss: Any) -> Any:
    n_gpus = int(faiss.get_num_gpus()) if hasattr(faiss, "get_num_gpus") else 0
    if not gpu_shards(p, n_gpus):
        return index
    options = faiss.GpuMultipleClonerOptions()
    options.shard = True  # each GPU holds 1/n of the vectors; results are merged on search
    log.info("sharding the %s index over %d GPUs", p.kind, n_gpus)
    return faiss.index_cpu_to_all_gpus(index, co=options)


def build(data: Side, p: IndexPlan, seed: int = 0) -> Any:
    """Train (on a seeded sample) and fill the index with every row of ``data``."""
    faiss: Any = require("faiss", "faiss", "faiss-cpu")
    index = _factory(p, faiss)
    if not index.is_trained:
        n_train = min(len(data), TRAIN_PER_LIST * max(p.nlist, 256))
        sample = np.sort(np.random.default_rng(seed).choice(len(data), n_train, replace=False))
        bias = None if data.bias is None else data.bias[sample]
        index.train(prepared(data.take_at(sample), bias, p.dim))
    index = _to_gpus(index, p, faiss)
    for start in range(0, len(data), p.query_block):
        stop = min(start + p.query_block, len(data))
        bias = None if data.bias is None else data.bias[start:stop]
        index.add(prepared(data.take(start, stop), bias, p.dim))
    return index


def rescore(
    queries: np.ndarray, data: Side, cand: np.ndarray, k: int, col: float
) -> tuple[np.ndarray, np.ndarray]:
    """Exact float64 ``q . y + col * bias(y)`` of the candidates; top-k by (score, -index).

    Missing candidates (``-1``) score ``-inf`` and come last with index ``-1``.
    """
    valid = cand >= 0
    scores = pair_scores(queries, data.matrix, cand, data.bias, col)
    ids = np.where(valid, cand, np.iinfo(np.int64).max)
    order = np.lexsort((ids, -scores), axis=-1)[:, :k]
    top_i = np.take_along_axis(np.where(valid, cand, -1), order, 1)
    return np.take_along_axis(scores, order, 1), top_i


def unique_rows(cand: np.ndarray) -> np.ndarray:
    """``cand`` with every repeated id of a row (after its first) replaced by ``-1``."""
    order = np.argsort(cand, axis=1, kind="stable")
    ids = np.take_along_axis(cand, order, 1)
    repeated = np.zeros(ids.shape, dtype=bool)
    repeated[:, 1:] = (ids[:, 1:] == ids[:, :-1]) & (ids[:, 1:] >= 0)
    out = cand.copy()
    np.put_along_axis(out, order, np.where(repeated, -1, ids), 1)
    return out


def search(
    index: Any,
    p: IndexPlan,
    data: Side,
    queries: Side,
    k: int,
    col: float,
    probes: tuple[float, ...] | None = None,
) -> TopK:
    """Exact top-``k`` among the index's candidates for every row of ``queries``.

    ``probes``: bias-column values to search with (default ``col``); their candidates are
    merged. CSLS ranks with ``col=1`` but also probes with ``0``: the bias column shifts
    IVF's choice of lists towards low-``r_S`` regions, while the cosine probe visits the
    query's own neighbourhood.
    """
    n, has_bias = len(queries), data.bias is not None
    out_s, out_i = np.empty((n, k)), np.empty((n, k), dtype=np.int64)
    for start in range(0, n, p.query_block):
        q = queries.take(start, min(start + p.query_block, n))
        found = [
            index.search(prepared(q, probe if has_bias else None, p.dim), p.candidates)[1]
            for probe in (probes or (col,))
        ]
        cand = found[0] if len(found) == 1 else unique_rows(np.hstack(found))
        top_s, top_i = rescore(q, data, cand, k, col)
        out_s[start : start + len(q)], out_i[start : start + len(q)] = top_s, top_i
    return TopK(out_s, out_i)
