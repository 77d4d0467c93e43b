"""Reproducibility signatures in the style of sacrebleu.

``bli|src:en|tgt:ru|method:procrustes|retrieval:csls|k:10|norm:unit,center,unit|seed:dict|
rng:0|backend:torch|tokadapt:0.1.0|numpy:2.4.6|faiss:1.15.1|torch:2.13.0``
"""

from __future__ import annotations

import importlib.metadata
from collections.abc import Mapping

_VERSIONED = ("tokadapt", "numpy", "faiss-cpu", "torch", "translit")
_SHORT = {"faiss-cpu": "faiss"}


def _version(dist: str) -> str:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        if dist == "translit":
            return importlib.metadata.version("tokadapt")
        return "none"


def versions() -> dict[str, str]:
    found = {_SHORT.get(d, d): _version(d) for d in _VERSIONED}
    if found["faiss"] == "none":
        found["faiss"] = _version("faiss-gpu-cu12")
    return found


def signature(kind: str, fields: Mapping[str, object]) -> str:
    """``kind|key:value|...|tokadapt:…|numpy:…`` (fields in the given order, then versions)."""
    parts = [kind] + [f"{k}:{_fmt(v)}" for k, v in fields.items()]
    parts += [f"{k}:{v}" for k, v in versions().items()]
    return "|".join(parts)


def _fmt(value: object) -> str:
    if isinstance(value, (list, tuple)):
        return ",".join(str(v) for v in value)
    if value is None:
        return "none"
    return str(value)
