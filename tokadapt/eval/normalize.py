"""Embedding normalization chains (``unit``, ``center``, ``unitdim``), e.g. ``unit,center,unit``."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from tokadapt.errors import ConfigError

STEPS = ("unit", "center", "unitdim", "none")


def parse_chain(chain: str | Sequence[str]) -> tuple[str, ...]:
    """``"unit,center,unit"`` -> ``("unit", "center", "unit")``; validates every step."""
    steps = tuple(s.strip() for s in chain.split(",")) if isinstance(chain, str) else tuple(chain)
    steps = tuple(s for s in steps if s)
    for step in steps:
        if step not in STEPS:
            raise ConfigError(f"normalization step must be one of {', '.join(STEPS)}, got {step!r}")
    return tuple(s for s in steps if s != "none")


def unit(x: np.ndarray) -> np.ndarray:
    """Rows scaled to length 1, float32 (zero rows stay zero): the project's one unit-normalizer."""
    x = np.asarray(x, dtype=np.float32)
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    return x / np.where(norms > 0, norms, 1.0)


def normalize(x: np.ndarray, chain: str | Sequence[str] = "unit") -> np.ndarray:
    """Apply the steps in order and return a new float32 array."""
    out = np.array(x, dtype=np.float32, copy=True)
    for step in parse_chain(chain):
        if step == "unit":
            out = unit(out)
        elif step == "center":
            out = (out - out.mean(0, keepdims=True)).astype(np.float32)
        else:
            std = out.std(0, keepdims=True)
            out = (out / np.where(std > 0, std, 1.0)).astype(np.float32)
    return out
