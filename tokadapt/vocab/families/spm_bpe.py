"""SentencePiece BPE with byte fallback: the BPE adapter plus the extended ``.model``.

The ``tokenizer.json`` side is plain BPE (:mod:`.bpe`); the ``.model`` gets the same new pieces
in id order (which is the order of their appended merges) with scores below every existing
piece, so ``sentencepiece`` and ``tokenizers`` agree (:mod:`tokadapt.vocab.spm_bpe`). Byte
pieces ``<0x..>``, control and unknown pieces are not eligible.
"""

from __future__ import annotations

from tokadapt.vocab import spm, spm_bpe
from tokadapt.vocab.families.bpe import BpeAdapter
from tokadapt.vocab.manifest import NewPiece
from tokadapt.vocab.merge import MergedPiece
from tokadapt.vocab.source import TokenizerSource


class SentencePieceBpeAdapter(BpeAdapter):
    score_kind = "neg_rank"

    def eligible(self, src: TokenizerSource) -> set[int]:
        pieces = src.spm_proto.pieces if src.spm_proto is not None else []
        return set(src.protected) | {i for i, p in enumerate(pieces) if p.type != spm.NORMAL}

    def side_files(
        self, src: TokenizerSource, new: list[NewPiece], merged: list[MergedPiece]
    ) -> dict[str, bytes]:
        if src.spm_proto is None or src.spm_name is None:
            return {}
        return {src.spm_name: spm_bpe.extend_model(src.spm_proto, [p.piece for p in new])}
