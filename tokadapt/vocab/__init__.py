"""Transliterate-merge vocabulary extension (TransMI's vocabulary stages) for Unigram, BPE and
WordPiece tokenizers: :func:`extend_vocab` and the manifest it writes."""

from __future__ import annotations

from tokadapt.vocab.extend import ExtendResult, extend_vocab
from tokadapt.vocab.manifest import MERGE_MODES, Manifest, NewPiece

__all__ = ["MERGE_MODES", "ExtendResult", "Manifest", "NewPiece", "extend_vocab"]
