"""Pieces shared by the family adapters: a manifest entry from a merged piece, and the
append-in-order behaviour of the families without merges (Unigram, WordPiece)."""

from __future__ import annotations

from tokadapt.vocab.manifest import NewPiece
from tokadapt.vocab.merge import MergedPiece
from tokadapt.vocab.source import TokenizerSource


def new_piece(i: int, m: MergedPiece) -> NewPiece:
    return NewPiece(
        id=i,
        piece=m.piece,
        sources=list(m.sources),
        source_scores=list(m.source_scores),
        score=m.score,
        chosen=m.chosen,
    )


def appended_in_order(base: int, merged: list[MergedPiece]) -> list[NewPiece]:
    """Families without merges: the new pieces take the ids after ``base`` in order."""
    return [new_piece(base + k, m) for k, m in enumerate(merged)]


class AppendInOrder:
    """``eligible`` and ``append`` of a family whose new pieces need no merges."""

    def eligible(self, src: TokenizerSource) -> set[int]:
        return set(src.protected)

    def append(
        self, src: TokenizerSource, merged: list[MergedPiece]
    ) -> tuple[list[NewPiece], list[tuple[str, str]]]:
        return appended_in_order(src.base_vocab_size, merged), []
