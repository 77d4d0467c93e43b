"""Supervised mappings: orthogonal Procrustes and MUSE-style iterative refinement.

Procrustes (Schönemann 1966; Xing et al. 2015; Conneau et al. 2018): the orthogonal ``W``
minimizing ``||X W - Z||`` over dictionary pairs is ``U V^T`` with ``U S V^T = svd(X^T Z)``.
Refinement (Conneau et al. 2018, sec. 3.3): repeat — induce a dictionary of mutual CSLS nearest
neighbours among the most frequent words of the mapped spaces, fit Procrustes on it.
"""

from __future__ import annotations

import logging

import numpy as np

from tokadapt.errors import ConfigError, ShapeError
from tokadapt.eval import scoring

log = logging.getLogger(__name__)


def check_pairs(x: np.ndarray, z: np.ndarray, pairs: np.ndarray) -> None:
    if x.shape[1] != z.shape[1]:
        raise ShapeError(
            f"source vectors have dimension {x.shape[1]} but target vectors {z.shape[1]}; "
            "orthogonal mappings need equal dimensions (project one side first)"
        )
    if len(pairs) == 0:
        raise ShapeError(
            "the seed dictionary has no pair with both words in the vocabularies; check the "
            "dictionary's language direction and case, or use another seed"
        )


def procrustes(x: np.ndarray, z: np.ndarray, pairs: np.ndarray) -> np.ndarray:
    """Orthogonal ``W`` (d x d, float32) with ``x[pairs[:, 0]] @ W ~ z[pairs[:, 1]]``."""
    check_pairs(x, z, pairs)
    m = x[pairs[:, 0]].astype(np.float64).T @ z[pairs[:, 1]].astype(np.float64)
    u, _, vt = np.linalg.svd(m)
    return (u @ vt).astype(np.float32)


def induce_dictionary(
    xw: np.ndarray,
    z: np.ndarray,
    *,
    retrieval: str = "csls",
    max_rank: int = 15000,
    mode: str = "mutual",
    backend: str = "auto",
) -> np.ndarray:
    """Pairs of best matches among the ``max_rank`` first words, in both directions.

    ``mode``: ``mutual`` (both directions agree, MUSE's S2T&T2S), ``union`` (S2T|T2S),
    ``forward`` (S2T only).
    """
    if mode not in ("mutual", "union", "forward"):
        raise ConfigError(f"dictionary mode must be mutual, union or forward, got {mode!r}")
    a, b = xw[:max_rank], z[:max_rank]
    fwd = scoring.translate(a, b, None, 1, retrieval=retrieval, backend=backend).indices[:, 0]
    s2t = {(int(i), int(j)) for i, j in enumerate(fwd)}
    if mode == "forward":
        chosen = s2t
    else:
        bwd = scoring.translate(b, a, None, 1, retrieval=retrieval, backend=backend).indices[:, 0]
        t2s = {(int(i), int(j)) for j, i in enumerate(bwd)}
        chosen = s2t & t2s if mode == "mutual" else s2t | t2s
    return np.array(sorted(chosen), dtype=np.int64).reshape(-1, 2)


def refine(
    x: np.ndarray,
    z: np.ndarray,
    seed_pairs: np.ndarray,
    *,
    iterations: int = 5,
    retrieval: str = "csls",
    max_rank: int = 15000,
    backend: str = "auto",
) -> tuple[np.ndarray, list[dict[str, float]]]:
    """Procrustes on the seed, then ``iterations`` rounds of induce-and-refit. Returns ``W``."""
    w = procrustes(x, z, seed_pairs)
    history = [{"iteration": 0, "pairs": float(len(seed_pairs))}]
    for it in range(1, iterations + 1):
        pairs = induce_dictionary(x @ w, z, retrieval=retrieval, max_rank=max_rank, backend=backend)
        if len(pairs) == 0:
            log.warning("refinement iteration %d induced no pairs; keeping the mapping", it)
            break
        w = procrustes(x, z, pairs)
        history.append({"iteration": float(it), "pairs": float(len(pairs))})
        log.info("refinement %d: %d induced pairs", it, len(pairs))
    return w, history
