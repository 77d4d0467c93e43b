"""Exact maximum-inner-product search with interchangeable backends and identical answers.

Backends: ``faiss-gpu``, ``faiss-cpu`` (``IndexFlatIP``), ``torch`` / ``torch-cuda`` (our blocked
kernel that also yields the reverse neighbourhood in the same pass) and ``numpy`` (blocked,
dependency-free). ``auto`` picks FAISS GPU, then torch CUDA, then torch CPU, FAISS CPU, numpy.
All results go through :func:`tokadapt.eval.exact.finalize`, so every backend returns the same
top-k with ties broken by (score desc, index asc).
"""

from __future__ import annotations

import importlib.util
import logging
from typing import Literal

import numpy as np

from tokadapt.errors import ConfigError, MissingDependencyError, ShapeError
from tokadapt.eval import exact
from tokadapt.eval.budget import current as current_limits
from tokadapt.eval.budget import plan_blocks
from tokadapt.eval.exact import TopK

log = logging.getLogger(__name__)

Backend = Literal["auto", "faiss-gpu", "faiss-cpu", "torch", "torch-cuda", "numpy"]
BACKENDS: tuple[Backend, ...] = ("auto", "faiss-gpu", "faiss-cpu", "torch", "torch-cuda", "numpy")
BLOCK_Q = 4096
BLOCK_T = 16384
Proposal = tuple[np.ndarray, np.ndarray]


def _has(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


def _torch_cuda() -> bool:
    if not _has("torch"):
        return False
    import torch

    return bool(torch.cuda.is_available())


def available_backends() -> list[str]:
    """Backends usable on this machine, best first."""
    from tokadapt.eval.kernel_faiss import gpu_count

    found = []
    if _has("faiss") and gpu_count() > 0:
        found.append("faiss-gpu")
    if _torch_cuda():
        found.append("torch-cuda")
    if _has("torch"):
        found.append("torch")
    if _has("faiss"):
        found.append("faiss-cpu")
    found.append("numpy")
    return found


def resolve_backend(name: str = "auto") -> str:
    """The concrete backend for ``name``; errors say how to install a missing one."""
    if name not in BACKENDS:
        raise ConfigError(f"backend must be one of {', '.join(BACKENDS)}, got {name!r}")
    usable = available_backends()
    if name == "auto":
        return usable[0]
    if name not in usable:
        hints = {
            "faiss-gpu": "pip install faiss-gpu-cu12 (and a CUDA device)",
            "faiss-cpu": "pip install 'tokadapt[faiss]'",
            "torch": "pip install 'tokadapt[torch]'",
            "torch-cuda": "a CUDA build of torch and a CUDA device",
        }
        raise MissingDependencyError(
            f"search backend {name!r} is not available here (usable: {', '.join(usable)}). "
            f"Fix: {hints.get(name, '')}, or pass backend='auto'"
        )
    return name


def _check(queries: np.ndarray, targets: np.ndarray) -> None:
    if queries.ndim != 2 or targets.ndim != 2 or queries.shape[1] != targets.shape[1]:
        raise ShapeError(
            f"queries {queries.shape} and targets {targets.shape} must be 2-D with the same "
            "dimension; map or project one side first"
        )
    if len(targets) == 0:
        raise ShapeError("there are no target vectors to search")


def propose(
    queries: np.ndarray,
    targets: np.ndarray,
    kq: int,
    *,
    kt: int = 0,
    bias: np.ndarray | None = None,
    backend: str = "auto",
    block_q: int = BLOCK_Q,
    block_t: int = BLOCK_T,
) -> tuple[Proposal | None, Proposal | None]:
    """Float32 candidates from one backend (not yet exact; see :func:`knn`)."""
    name = resolve_backend(backend)
    budget = current_limits().max_memory
    if budget is not None:
        block_q, block_t = plan_blocks(len(queries), len(targets), kq, kt, budget, block_q, block_t)
    if name.startswith("faiss"):
        from tokadapt.eval import kernel_faiss

        return kernel_faiss.propose(queries, targets, kq, kt=kt, bias=bias, gpu=name == "faiss-gpu")
    if name.startswith("torch"):
        from tokadapt.eval import kernel_torch

        device = "cuda" if name == "torch-cuda" else "cpu"
        return kernel_torch.propose(
            queries, targets, kq, kt=kt, bias=bias, block_q=block_q, block_t=block_t, device=device
        )
    from tokadapt.eval import kernel_numpy

    return kernel_numpy.propose(
        queries, targets, kq, kt=kt, bias=bias, block_q=block_q, block_t=block_t
    )


def device_blocks(nq: int, nt: int, kq: int, kt: int, block_q: int, block_t: int) -> dict:
    """Block sizes for :mod:`tokadapt.eval.kernel_device` under the scope's ``--max-memory``."""
    budget = current_limits().max_memory
    if budget is not None:
        block_q, block_t = plan_blocks(nq, nt, kq, kt, budget, block_q, block_t)
    return {"block_q": block_q, "block_t": block_t}


def knn(
    queries: np.ndarray,
    targets: np.ndarray,
    k: int,
    *,
    bias: np.ndarray | None = None,
    backend: str = "auto",
    block_q: int = BLOCK_Q,
    block_t: int = BLOCK_T,
) -> TopK:
    """Exact top-``k`` of ``queries @ targets.T (+ bias)``: float64 scores, ties by index."""
    _check(queries, targets)
    if k < 1:
        raise ConfigError(f"k must be >= 1, got {k}")
    kp = exact.candidate_count(k, len(targets))
    if resolve_backend(backend) == "torch-cuda":  # exact on the device, float64 included
        from tokadapt.eval import kernel_device

        blocks = device_blocks(len(queries), len(targets), kp, 0, block_q, block_t)
        return kernel_device.knn(queries, targets, k, bias=bias, **blocks)
    rows, _ = propose(
        queries, targets, kp, bias=bias, backend=backend, block_q=block_q, block_t=block_t
    )
    assert rows is not None
    return exact.finalize(queries, targets, bias, rows[0], rows[1], k)


def mutual_knn(
    src: np.ndarray,
    tgt: np.ndarray,
    k: int,
    *,
    backend: str = "auto",
    block_q: int = BLOCK_Q,
    block_t: int = BLOCK_T,
) -> tuple[TopK, TopK]:
    """Top-k of each ``src`` row over ``tgt`` and of each ``tgt`` row over ``src``.

    The torch and numpy backends get both from one pass over the similarity matrix.
    """
    _check(src, tgt)
    if len(src) == 0:
        raise ShapeError("there are no source vectors")
    kq, kt = exact.candidate_count(k, len(tgt)), exact.candidate_count(k, len(src))
    if resolve_backend(backend) == "torch-cuda":
        from tokadapt.eval import kernel_device

        blocks = device_blocks(len(src), len(tgt), kq, kt, block_q, block_t)
        fwd, bwd = kernel_device.mutual_knn(src, tgt, k, **blocks)
        return fwd, bwd
    rows, cols = propose(src, tgt, kq, kt=kt, backend=backend, block_q=block_q, block_t=block_t)
    assert rows is not None and cols is not None
    fwd = exact.finalize(src, tgt, None, rows[0], rows[1], min(k, len(tgt)))
    bwd = exact.finalize(tgt, src, None, cols[0], cols[1], min(k, len(src)))
    return fwd, bwd


def neighbourhood_means(
    src: np.ndarray,
    tgt: np.ndarray,
    k: int,
    *,
    backend: str = "auto",
    block_q: int = BLOCK_Q,
    block_t: int = BLOCK_T,
) -> tuple[np.ndarray, np.ndarray]:
    """CSLS's r terms: mean top-k similarity of each src row over tgt, and of each tgt over src.

    Inside ``budget.limits(csls_index="hnsw"|"ivf"|"ivfpq")`` they come from an approximate FAISS
    index instead (:mod:`tokadapt.eval.approx`, recall vs exact in the scope's report).
    """
    if current_limits().csls_index != "exact":
        from tokadapt.eval import approx

        return approx.neighbourhood_means(src, tgt, k, current_limits())
    fwd, bwd = mutual_knn(src, tgt, k, backend=backend, block_q=block_q, block_t=block_t)
    return fwd.scores.mean(1), bwd.scores.mean(1)
