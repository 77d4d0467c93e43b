"""Vocabulary mode: romanize tokenizer pieces while keeping subword markers intact.

A piece is split into ``prefix + payload + suffix``; only the payload is romanized:

* ``▁`` (U+2581, SentencePiece word start) and ``Ġ`` (U+0120, GPT-2 byte-level space) prefixes,
* ``##`` (WordPiece continuation) prefix,
* ``</w>`` (character-level BPE word end) suffix,
* byte-fallback pieces ``<0x41>`` and bracketed special tokens (``<s>``, ``[CLS]``, ``<|im_end|>``)
  are returned unchanged.

The reference romanization of a piece is therefore ``prefix + uroman(payload) + suffix``.
"""

from __future__ import annotations

import re
from typing import NamedTuple

SPM_SPACE = "\u2581"
BYTE_LEVEL_SPACE = "\u0120"
WORDPIECE_CONT = "##"
BPE_END_OF_WORD = "</w>"

_PREFIXES = (SPM_SPACE, BYTE_LEVEL_SPACE, WORDPIECE_CONT)
_BYTE_FALLBACK = re.compile(r"<0x[0-9A-Fa-f]{2}>")
_SPECIAL = re.compile(r"<[^<>\s]{1,40}>|\[[A-Z_]{2,20}\]|<\|[^|\s]{1,60}\|>")


class PieceParts(NamedTuple):
    prefix: str
    payload: str
    suffix: str


def split_piece(piece: str) -> PieceParts:
    """Split ``piece`` into marker prefix, payload and marker suffix.

    Byte-fallback and special tokens come back whole in ``prefix`` with an empty payload, so
    that ``"".join(split_piece(p)) == p`` always holds.
    """
    if _BYTE_FALLBACK.fullmatch(piece) or _SPECIAL.fullmatch(piece):
        return PieceParts(piece, "", "")
    prefix = ""
    for marker in _PREFIXES:
        if piece.startswith(marker) and len(piece) > len(marker):
            prefix = marker
            break
    suffix = BPE_END_OF_WORD if piece.endswith(BPE_END_OF_WORD) and len(piece) > 4 else ""
    payload = piece[len(prefix) : len(piece) - len(suffix)]
    return PieceParts(prefix, payload, suffix)
