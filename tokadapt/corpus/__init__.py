# ruff: noqa: E402  (pyarrow is checked first, for the install hint)
"""Corpus romanization as a dataset operation (stage layer; uses translit).

* :func:`romanize_table` / :func:`romanize_texts`: the Arrow kernel (per-row or per-column
  language, GIL-free batches);
* :func:`romanize_dataset` (Hugging Face ``datasets``) and :func:`romanize_ray_dataset`
  (Ray Data ``map_batches``);
* :func:`romanize_corpus`: files in, Parquet shards out, exactly once and resumable, on this
  machine's cores (``local``) or a Ray cluster (``ray``) — ``tokadapt romanize-corpus``.

``datasets`` and ``ray`` are optional: ``pip install "tokadapt[scale]"``.
"""

from __future__ import annotations

from tokadapt.errors import require

require("pyarrow", "scale")

from tokadapt.corpus.batch import RomanizeSpec, romanize_table, romanize_texts
from tokadapt.corpus.hf import romanize_dataset
from tokadapt.corpus.ray_data import romanize_ray_dataset
from tokadapt.corpus.romanizer import make_romanizer, romanizer_signature
from tokadapt.corpus.run import CorpusSummary, romanize_corpus

__all__ = [
    "CorpusSummary",
    "RomanizeSpec",
    "make_romanizer",
    "romanize_corpus",
    "romanize_dataset",
    "romanize_ray_dataset",
    "romanize_table",
    "romanize_texts",
    "romanizer_signature",
]
