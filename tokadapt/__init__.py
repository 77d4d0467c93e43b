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

__all__ = [
    "ConfigError",
    "DataError",
    "InputFileError",
    "MissingDependencyError",
    "OutputExistsError",
    "OutputOverlapError",
    "ShapeError",
    "TokadaptError",
    "__version__",
]
