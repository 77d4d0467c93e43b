"""FAISS kernel (``IndexFlatIP``, GPU when requested): exact inner-product candidates.

A per-target bias (CSLS, inverted softmax) becomes one extra dimension: ``[x, 1] . [y, b]``.
The reverse direction (per target over queries) is a second search, as in MUSE's route.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from tokadapt.errors import require

Proposal = tuple[np.ndarray, np.ndarray]


def faiss_module() -> Any:
    return require("faiss", "faiss", "faiss-cpu")


def gpu_count() -> int:
    try:
        faiss = faiss_module()
    except ImportError:
        return 0
    return int(faiss.get_num_gpus()) if hasattr(faiss, "get_num_gpus") else 0


def _index(vectors: np.ndarray, gpu: bool) -> Any:
    faiss = faiss_module()
    cpu = faiss.IndexFlatIP(vectors.shape[1])
    if gpu:
        res = faiss.StandardGpuResources()
        index = faiss.index_cpu_to_gpu(res, 0, cpu)
        index.referenced_objects = [res]  # keeps the resources alive (faiss refuses new names)
    else:
        index = cpu
    index.add(np.ascontiguousarray(vectors, dtype=np.float32))
    return index


def search(
    queries: np.ndarray,
    targets: np.ndarray,
    k: int,
    bias: np.ndarray | None = None,
    gpu: bool = False,
    batch: int = 65536,
) -> Proposal:
    q = np.ascontiguousarray(queries, dtype=np.float32)
    t = np.ascontiguousarray(targets, dtype=np.float32)
    if bias is not None:
        q = np.hstack([q, np.ones((len(q), 1), dtype=np.float32)])
        t = np.hstack([t, bias.astype(np.float32)[:, None]])
    index = _index(t, gpu)
    vals, idx = [], []
    for s in range(0, len(q), batch):
        d, i = index.search(q[s : s + batch], k)
        vals.append(d)
        idx.append(i)
    if not vals:
        return np.zeros((0, k), dtype=np.int64), np.zeros((0, k), dtype=np.float32)
    return np.vstack(idx).astype(np.int64), np.vstack(vals)


def propose(
    queries: np.ndarray,
    targets: np.ndarray,
    kq: int,
    *,
    kt: int = 0,
    bias: np.ndarray | None = None,
    gpu: bool = False,
) -> tuple[Proposal | None, Proposal | None]:
    rows = search(queries, targets, kq, bias, gpu) if kq else None
    cols = search(targets, queries, kt, None, gpu) if kt else None
    return rows, cols
