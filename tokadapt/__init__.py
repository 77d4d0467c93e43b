"""tokadapt: adapt multilingual language models to romanized / transliterated text.

Stages: transliterate-merge vocabulary extension (:mod:`tokadapt.vocab`), embedding
initialization (:mod:`tokadapt.embeddings`), contrastive script alignment (:mod:`tokadapt.align`)
and measurement (:mod:`tokadapt.bli`, :mod:`tokadapt.eval.retrieval`).
"""

from __future__ import annotations

from tokadapt.errors import (
    ConfigError,
    DataError,
    InputFileError,
    MissingDependencyError,
    OutputExistsError,
    OutputOverlapError,
    ShapeError,
    TokadaptError,
)

__version__ = "0.1.0"


def __getattr__(name: str) -> object:
    """``tokadapt.adapt`` / ``Adapted`` without importing the heavy stages at package import."""
    if name in ("adapt", "Adapted"):
        from tokadapt import api as module

        return getattr(module, name)
    raise AttributeError(f"module 'tokadapt' has no attribute {name!r}")


__all__ = [
    "Adapted",
    "ConfigError",
    "DataError",
    "InputFileError",
    "MissingDependencyError",
    "OutputExistsError",
    "OutputOverlapError",
    "ShapeError",
    "TokadaptError",
    "__version__",
    "adapt",
]
