"""Shared evaluation layer: exact search kernels, the scoring registry, sentence encoding,
retrieval, the embedding-quality harness, unit normalization and reproducibility signatures.

Used by the stages (``bli``, ``embeddings``, ``align``), the demo and the benchmarks alike; it
imports only :mod:`tokadapt.io`, :mod:`tokadapt.data`, :mod:`tokadapt.errors` and ``translit``.
"""
