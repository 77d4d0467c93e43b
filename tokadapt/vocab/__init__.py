"""Transliterate-merge vocabulary extension (TransMI's vocabulary stages) for Unigram, BPE
(byte-level and character-level), SentencePiece BPE with byte fallback and WordPiece tokenizers
(one adapter per family in :mod:`tokadapt.vocab.families`): :func:`extend_vocab` and the manifest
it writes. Every existing id keeps its id; new pieces go after the highest existing id."""

from __future__ import annotations

from tokadapt.vocab.extend import ExtendResult, extend_vocab
from tokadapt.vocab.manifest import MERGE_MODES, Manifest, NewPiece

__all__ = ["MERGE_MODES", "ExtendResult", "Manifest", "NewPiece", "extend_vocab"]
