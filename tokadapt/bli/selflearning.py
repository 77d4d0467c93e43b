"""VecMap-style robust self-learning (Artetxe et al., ACL 2018; AAAI 2018 framework).

Each iteration, given the current dictionary:

1. whitening: ``W1 = (X_D^T X_D)^(-1/2)`` per side (on the dictionary rows);
2. orthogonal mapping: ``U S V^T = svd((X W1)_D^T (Z W1')_D)``; source by ``U``, target by ``V``;
3. re-weighting: scale both sides by ``S^p`` (``p = reweight``);
4. de-whitening: each side by ``U^T W1^-1 U`` (its own whitening undone in the mapped basis);
5. dictionary induction over the ``vocab_cutoff`` most frequent words: CSLS nearest neighbours
   in both directions (union), with **stochastic dictionary induction** — every similarity is
   kept with probability ``p`` (``p0 = 0.1``), ``p`` doubles when the objective (mean best
   similarity) has not improved by ``threshold`` for ``patience`` iterations; it stops after
   the first stall at ``p = 1``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np

from tokadapt.bli.mapping import check_pairs
from tokadapt.eval import search

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SelfLearningConfig:
    vocab_cutoff: int = 20000
    csls_k: int = 10
    p0: float = 0.1
    patience: int = 50
    threshold: float = 1e-6
    reweight: float = 0.5
    max_iterations: int = 1000
    seed: int = 0
    backend: str = "auto"


def _sqrt_pair(m: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(m^(-1/2), m^(1/2))`` of a symmetric PSD matrix from one eigendecomposition."""
    vals, vecs = np.linalg.eigh(m)
    vals = np.maximum(vals, 1e-8 * max(float(vals.max()), 1e-30))
    return (vecs * vals**-0.5) @ vecs.T, (vecs * vals**0.5) @ vecs.T


def map_step(
    x: np.ndarray, z: np.ndarray, pairs: np.ndarray, reweight: float
) -> tuple[np.ndarray, np.ndarray]:
    """Steps 1-4 for one dictionary: the two mapped spaces (float32)."""
    xd, zd = x[pairs[:, 0]].astype(np.float64), z[pairs[:, 1]].astype(np.float64)
    wx1, dx = _sqrt_pair(xd.T @ xd)
    wz1, dz = _sqrt_pair(zd.T @ zd)
    u, s, vt = np.linalg.svd((xd @ wx1).T @ (zd @ wz1))
    v = vt.T
    scale = s**reweight
    tx = (wx1 @ u) * scale @ (u.T @ dx @ u)
    tz = (wz1 @ v) * scale @ (v.T @ dz @ v)
    return (x @ tx).astype(np.float32), (z @ tz).astype(np.float32)


def _induce(
    xw: np.ndarray, zw: np.ndarray, k: int, keep: float, rng: np.random.Generator, backend: str
) -> tuple[np.ndarray, float]:
    """Union of src->trg and trg->src CSLS best matches with dropout ``1 - keep``; objective."""
    from tokadapt.eval.normalize import unit

    a, b = unit(xw), unit(zw)
    r_a, r_b = search.neighbourhood_means(a, b, min(k, len(b), len(a)), backend=backend)
    pairs, best = [], []
    for q, t, r_q, r_t, flip in ((a, b, r_a, r_b, False), (b, a, r_b, r_a, True)):
        for s in range(0, len(q), 2048):
            sim = 2 * (q[s : s + 2048].astype(np.float64) @ t.T.astype(np.float64))
            sim -= r_q[s : s + 2048, None] + r_t[None, :]
            if not flip:
                best.append(sim.max(1))
            if keep < 1.0:
                sim[rng.random(sim.shape) >= keep] = -np.inf
            j = sim.argmax(1)
            i = np.arange(s, s + len(j))
            pairs.append(np.stack([j, i], 1) if flip else np.stack([i, j], 1))
    both = np.unique(np.vstack(pairs), axis=0)
    return both, float(np.concatenate(best).mean())


def self_learning(
    x: np.ndarray, z: np.ndarray, seed_pairs: np.ndarray, config: SelfLearningConfig | None = None
) -> tuple[np.ndarray, np.ndarray, list[dict[str, float]]]:
    """Run self-learning from ``seed_pairs``; returns mapped ``(x, z)`` and the history."""
    cfg = config or SelfLearningConfig()
    check_pairs(x, z, seed_pairs)
    rng = np.random.default_rng(cfg.seed)
    keep, best_obj, last_gain, pairs = cfg.p0, -np.inf, 0, seed_pairs
    history: list[dict[str, float]] = []
    xw, zw = map_step(x, z, pairs, cfg.reweight)
    for it in range(cfg.max_iterations):
        cut_x, cut_z = xw[: cfg.vocab_cutoff], zw[: cfg.vocab_cutoff]
        pairs, obj = _induce(cut_x, cut_z, cfg.csls_k, keep, rng, cfg.backend)
        xw, zw = map_step(x, z, pairs, cfg.reweight)
        history.append(
            {"iteration": float(it), "keep": keep, "objective": obj, "pairs": float(len(pairs))}
        )
        if obj - best_obj >= cfg.threshold:
            best_obj, last_gain = obj, it
        if it - last_gain >= cfg.patience:
            if keep >= 1.0:
                break
            keep, last_gain = min(1.0, 2.0 * keep), it
        log.debug("self-learning %d: p=%.2f objective=%.6f pairs=%d", it, keep, obj, len(pairs))
    return xw, zw, history
