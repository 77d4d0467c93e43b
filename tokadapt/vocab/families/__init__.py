"""One adapter per tokenizer family behind a small protocol (load, eligible pieces, append,
write, validate), chosen once per input by :func:`adapter_for`.

* :mod:`.unigram` — Unigram ``tokenizer.json`` (+ SentencePiece Unigram ``.model``);
* :mod:`.bpe` — BPE ``tokenizer.json``: byte-level (GPT-2, Llama-3, Qwen2, Tekken) and
  character-level with ``</w>``/``##`` markers;
* :mod:`.spm_bpe` — SentencePiece BPE with byte fallback (Llama-2, Mistral ``tokenizer.model``);
* :mod:`.wordpiece` — WordPiece ``tokenizer.json`` / ``vocab.txt``.
"""

from __future__ import annotations

from typing import Any, Protocol

from tokadapt.vocab.manifest import NewPiece
from tokadapt.vocab.merge import MergedPiece
from tokadapt.vocab.source import TokenizerSource
from tokadapt.vocab.validate import validate_extension

Merges = list[tuple[str, str]]


class FamilyAdapter(Protocol):
    """What extend-vocab needs from a family; the loading itself is :func:`load_source`."""

    #: what the family's scores mean in the manifest (``logprob``, ``neg_rank``, ``neg_id``)
    score_kind: str

    def eligible(self, src: TokenizerSource) -> set[int]:
        """Ids never romanized (special, added, control, unknown, byte pieces ...)."""
        ...

    def append(
        self, src: TokenizerSource, merged: list[MergedPiece]
    ) -> tuple[list[NewPiece], Merges]:
        """The new pieces with their ids (after every existing id) and any appended merges."""
        ...

    def tokenizer_json(self, src: TokenizerSource, new: list[NewPiece], merges: Merges) -> Any:
        """The extended ``tokenizer.json`` as a dict."""
        ...

    def side_files(
        self, src: TokenizerSource, new: list[NewPiece], merged: list[MergedPiece]
    ) -> dict[str, bytes]:
        """Other files to write (the extended ``.model``, ``vocab.txt``)."""
        ...


def validate(src: TokenizerSource, raw: bytes, manifest: Any) -> None:
    """Every family: every old id and every new id checked through ``tokenizers``."""
    validate_extension(src.tokjson, raw, manifest)


def adapter_for(src: TokenizerSource) -> FamilyAdapter:
    from tokadapt.vocab.families import bpe, spm_bpe, unigram, wordpiece

    if src.family == "unigram":
        return unigram.UnigramAdapter()
    if src.family == "wordpiece":
        return wordpiece.WordPieceAdapter()
    if src.spm_proto is not None:
        return spm_bpe.SentencePieceBpeAdapter()
    return bpe.BpeAdapter()
