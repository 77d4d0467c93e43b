"""Sentence retrieval evaluation (the SR-T / SR-B protocol): top-k accuracy of parallel rows.

Row ``i`` of ``src`` should retrieve row ``i`` of ``tgt``; any criterion of the scoring
registry (:mod:`tokadapt.eval.scoring`: ``cosine``/``nn``, ``csls``, ``isf``, ``margin``), exact
and deterministic. Vectors come from :func:`tokadapt.eval.encode.encode_texts`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from tokadapt.errors import ConfigError, ShapeError
from tokadapt.eval import scoring as registry
from tokadapt.eval.normalize import unit

#: the names ``--scoring`` accepts: the registry's methods and their aliases (``cosine`` = nn)
SCORINGS: tuple[str, ...] = (*registry.ALIASES, *registry.METHODS)


def top_k_accuracy(
    src: np.ndarray,
    tgt: np.ndarray,
    ks: Sequence[int] = (1, 5, 10),
    scoring: str = "cosine",
    backend: str = "auto",
) -> dict[str, float]:
    """Fraction of rows ``i`` whose top-k targets contain ``tgt[i]``: ``{"top1": 0.93, ...}``.

    Keys are ``f"top{k}"``, values fractions in [0, 1]. Ties go to the lower target index.
    """
    if scoring not in SCORINGS:
        raise ConfigError(f"scoring must be one of {', '.join(SCORINGS)}, got {scoring!r}")
    src, tgt = np.asarray(src), np.asarray(tgt)
    if src.ndim != 2 or src.shape != tgt.shape:
        raise ShapeError(f"src {src.shape} and tgt {tgt.shape} must be 2-D arrays of equal shape")
    if len(src) == 0 or not ks or min(ks) < 1:
        raise ConfigError(f"need at least one row and ks >= 1, got {len(src)} rows, ks={ks}")
    if not (np.isfinite(src).all() and np.isfinite(tgt).all()):
        raise ShapeError("src/tgt contain NaN or inf values")
    a, b = unit(src), unit(tgt)
    k = min(max(ks), len(b))
    top = registry.translate(a, b, None, k, retrieval=scoring, backend=backend).indices
    hits = top == np.arange(len(a))[:, None]
    return {f"top{kk}": float(hits[:, :kk].any(1).mean()) for kk in ks}
