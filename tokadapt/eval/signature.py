"""Reproducibility signatures in the style of sacrebleu: the one builder every printed score uses.

``bli|src:en|tgt:ru|method:procrustes|retrieval:csls|k:10|norm:unit,center,unit|seed:dict|
rng:0|backend:torch|translit:0.1.0|uroman-data:1.3.1.1+a84755018…|lcode:-|impl:cpp|
tokadapt:0.1.0|numpy:2.4.6|faiss:1.15.1|torch:2.13.0``

Every signature carries the romanizer's own (:func:`translit.signature`): its version, the
uroman release its data tables were *verified* to be, their hash, the language code and the
backend — whether or not the score romanized anything, so two scores compare only when the
romanizer matches too.
"""

from __future__ import annotations

import importlib.metadata
from collections.abc import Mapping

import translit

_VERSIONED = ("tokadapt", "numpy", "faiss-cpu", "torch")
_SHORT = {"faiss-cpu": "faiss"}


def _version(dist: str) -> str:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return "none"


def versions() -> dict[str, str]:
    found = {_SHORT.get(d, d): _version(d) for d in _VERSIONED}
    if found["faiss"] == "none":
        found["faiss"] = _version("faiss-gpu-cu12")
    return found


def signature(kind: str, fields: Mapping[str, object], *, lang: str | None = None) -> str:
    """``kind|key:value|...|translit:…|uroman-data:…|lcode:…|impl:…|tokadapt:…|numpy:…``.

    ``fields`` in the given order, then the romanizer's signature (``lang``: the ISO 639-3 code
    the score's romanization used, if one), then library versions.
    """
    parts = [kind] + [f"{k}:{_fmt(v)}" for k, v in fields.items()]
    parts.append(translit.signature(lang))
    parts += [f"{k}:{v}" for k, v in versions().items()]
    return "|".join(parts)


def _fmt(value: object) -> str:
    if isinstance(value, (list, tuple)):
        return ",".join(str(v) for v in value)
    if value is None:
        return "none"
    return str(value)
