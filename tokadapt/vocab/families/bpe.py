"""BPE ``tokenizer.json`` (byte-level GPT-2/Llama-3/Qwen2/Tekken, character-level with markers).

A new token needs merges that build it; they are appended after every original merge (see
:mod:`tokadapt.vocab.bpe`), with intermediates added as extra new tokens. Every appended merge
must produce a token holding a Latin letter, so text without one is merged exactly as before
(``ignore_merges`` and digit-splitting pre-tokenizers are untouched: new tokens hold letters,
which the pre-tokenizers keep together).
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Callable
from typing import Any

from tokadapt.data.scripts import char_script
from tokadapt.errors import InputFileError
from tokadapt.vocab.bpe import BpeState
from tokadapt.vocab.families.common import new_piece
from tokadapt.vocab.manifest import NewPiece
from tokadapt.vocab.merge import MergedPiece
from tokadapt.vocab.romanize import byte_decoder
from tokadapt.vocab.source import TokenizerSource

log = logging.getLogger(__name__)
Merges = list[tuple[str, str]]


def has_latin_letter_fn(src: TokenizerSource, state: BpeState) -> Callable[[str], bool]:
    """Does a BPE token's text (markers removed; byte-level decoded) contain a Latin letter?"""
    markers = [m for m in (state.prefix, state.suffix) if m]

    def keep(token: str) -> bool:
        if src.byte_level:
            text = bytes(byte_decoder()[c] for c in token).decode("utf-8", errors="ignore")
        else:
            text = token
            for marker in markers:
                text = text.replace(marker, "")
        return any(char_script(c) == "Latin" for c in text)

    return keep


def _intermediate(i: int, token: str, score: float) -> NewPiece:
    return NewPiece(
        id=i, piece=token, sources=[], source_scores=[], score=score, kind="bpe_intermediate"
    )


def dict_vocab(src: TokenizerSource, new: list[NewPiece]) -> dict[str, int]:
    """The model vocabulary with the added tokens pinned at their ids and the new pieces."""
    vocab_map = dict(src.tokjson["model"]["vocab"])
    # added tokens outside the model vocabulary would be renumbered after the new pieces when
    # tokenizers loads the file (it ignores their "id"): pin them in the model vocabulary
    for idx, content in sorted(src.added.items()):
        vocab_map.setdefault(content, idx)
    for p in new:
        if p.piece in vocab_map:
            raise InputFileError(f"internal: new piece {p.piece!r} already in the vocabulary")
        vocab_map[p.piece] = p.id
    return vocab_map


class BpeAdapter:
    score_kind = "neg_rank"

    def eligible(self, src: TokenizerSource) -> set[int]:
        return set(src.protected)

    def append(
        self, src: TokenizerSource, merged: list[MergedPiece]
    ) -> tuple[list[NewPiece], Merges]:
        base = src.base_vocab_size
        state = BpeState.from_model(src.tokjson["model"])
        state.keep = has_latin_letter_fn(src, state)
        new: list[NewPiece] = []
        intermediate: dict[str, int] = {}  # piece -> index in new
        for m in merged:
            if m.piece in intermediate:  # an earlier token needed it as an intermediate
                k = intermediate.pop(m.piece)
                new[k] = new_piece(base + k, m)
                continue
            added = state.add_token(m.piece, base + len(new))
            if added is None:
                log.debug("no merge path produces %r; dropped", m.piece)
                continue
            for tok in added[:-1]:
                intermediate[tok] = len(new)
                new.append(_intermediate(base + len(new), tok, m.score))
            new.append(new_piece(base + len(new), m))
        return new, state.appended

    def tokenizer_json(
        self, src: TokenizerSource, new: list[NewPiece], merges: Merges
    ) -> dict[str, Any]:
        data = dict(src.tokjson)
        model = copy.copy(data["model"])
        model["vocab"] = dict_vocab(src, new)
        old = list(model.get("merges", []))
        as_str = bool(old) and isinstance(old[0], str)
        old.extend(f"{a} {b}" if as_str else [a, b] for a, b in merges)
        model["merges"] = old
        data["model"] = model
        return data

    def side_files(
        self, src: TokenizerSource, new: list[NewPiece], merged: list[MergedPiece]
    ) -> dict[str, bytes]:
        return {}
