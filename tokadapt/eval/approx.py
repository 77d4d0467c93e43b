"""Approximate CSLS neighbourhood terms with a FAISS index (HNSW or IVF), recall reported.

CSLS needs, for every source and every target vector, the mean similarity of its ``k`` nearest
neighbours on the other side: a full ``n_s x n_t`` pass when exact. Here each side is indexed
(``hnsw``: ``IndexHNSWFlat``, M=32, efSearch=128; ``ivf``: ``IndexIVFFlat`` with ``4 sqrt(n)``
lists trained on a seeded sample, nprobe = lists/8) and searched in query blocks; the returned
neighbours are rescored exactly in float64, so the only approximation is a missed neighbour.
Recall@k against the exact search on a seeded sample of rows of each side is written to the
scope's report (``budget.limits().report``) and logged.

With faiss-gpu and GPUs present, ``ivf`` indexes are sharded over every GPU
(``index_cpu_to_all_gpus`` with ``shard=True``); FAISS has no GPU HNSW, so ``hnsw`` stays on the
CPU. The GPU path is untested here (no GPU on the development machines).
"""

from __future__ import annotations

import logging
import math
from typing import Any

import numpy as np

from tokadapt.errors import require
from tokadapt.eval.budget import Limits

log = logging.getLogger(__name__)
HNSW_M, HNSW_EF_SEARCH, HNSW_EF_CONSTRUCTION = 32, 128, 80
RECALL_SAMPLE = 1000
SEARCH_BLOCK = 65536


def _build(vectors: np.ndarray, kind: str, seed: int = 0) -> Any:
    faiss: Any = require("faiss", "faiss", "faiss-cpu")
    n, d = vectors.shape
    if kind == "hnsw":
        index = faiss.IndexHNSWFlat(d, HNSW_M, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
        index.hnsw.efSearch = HNSW_EF_SEARCH
    else:
        nlist = max(1, min(int(4 * math.sqrt(n)), n // 39 or 1))
        index = faiss.IndexIVFFlat(faiss.IndexFlatIP(d), d, nlist, faiss.METRIC_INNER_PRODUCT)
        rng = np.random.default_rng(seed)
        sample = rng.choice(n, size=min(n, 64 * nlist), replace=False)
        index.train(vectors[np.sort(sample)])
        index.nprobe = max(1, nlist // 8)
        if faiss.get_num_gpus() > 0:
            options = faiss.GpuMultipleClonerOptions()
            options.shard = True
            index = faiss.index_cpu_to_all_gpus(index, co=options)
    for start in range(0, n, SEARCH_BLOCK):
        index.add(vectors[start : start + SEARCH_BLOCK])
    return index


def _search(index: Any, queries: np.ndarray, data: np.ndarray, k: int) -> np.ndarray:
    """Neighbour ids (n, k) of ``queries`` (-1 where the index found fewer than k)."""
    out = np.empty((len(queries), k), dtype=np.int64)
    for start in range(0, len(queries), SEARCH_BLOCK):
        _, ids = index.search(queries[start : start + SEARCH_BLOCK], k)
        out[start : start + SEARCH_BLOCK] = ids
    return out


def _means(queries: np.ndarray, data: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """Mean float64 similarity to the found neighbours (rescored exactly)."""
    out = np.empty(len(queries))
    for start in range(0, len(queries), 4096):
        q = queries[start : start + 4096].astype(np.float64)
        i = ids[start : start + 4096]
        sims = np.einsum("md,mkd->mk", q, data[np.maximum(i, 0)].astype(np.float64))
        valid = i >= 0
        out[start : start + 4096] = (sims * valid).sum(1) / np.maximum(valid.sum(1), 1)
    return out


def _recall(queries: np.ndarray, data: np.ndarray, ids: np.ndarray, k: int) -> float:
    from tokadapt.eval import search

    rng = np.random.default_rng(0)
    rows = np.sort(rng.choice(len(queries), size=min(RECALL_SAMPLE, len(queries)), replace=False))
    exact = search.knn(queries[rows], data, k).indices
    hits = sum(
        len(set(a) & set(b)) for a, b in zip(exact.tolist(), ids[rows].tolist(), strict=True)
    )
    return hits / exact.size


def neighbourhood_means(
    src: np.ndarray, tgt: np.ndarray, k: int, scope: Limits
) -> tuple[np.ndarray, np.ndarray]:
    """Approximate ``(r_src, r_tgt)``; recall@k vs exact goes to ``scope.report``."""
    src32 = np.ascontiguousarray(src, dtype=np.float32)
    tgt32 = np.ascontiguousarray(tgt, dtype=np.float32)
    ids_src = _search(_build(tgt32, scope.csls_index), src32, tgt32, min(k, len(tgt)))
    ids_tgt = _search(_build(src32, scope.csls_index), tgt32, src32, min(k, len(src)))
    report = {
        "csls_index": scope.csls_index,
        "recall_src": _recall(src32, tgt32, ids_src, min(k, len(tgt))),
        "recall_tgt": _recall(tgt32, src32, ids_tgt, min(k, len(src))),
        "recall_sample": min(RECALL_SAMPLE, len(src), len(tgt)),
    }
    scope.report.update(report)
    log.info("approximate CSLS neighbourhoods (%s): recall@%d %s", scope.csls_index, k, report)
    return _means(src32, tgt32, ids_src), _means(tgt32, src32, ids_tgt)
