"""WordPiece (``tokenizer.json`` or BERT's ``vocab.txt``): new entries after every id.

WordPiece has no scores; a piece's id stands for its frequency rank (``neg_id``). New ``##``
continuation pieces and word-initial pieces are matched greedily like any other entry.
"""

from __future__ import annotations

import copy
from typing import Any

from tokadapt.vocab.families.bpe import dict_vocab
from tokadapt.vocab.families.common import AppendInOrder
from tokadapt.vocab.manifest import NewPiece
from tokadapt.vocab.merge import MergedPiece
from tokadapt.vocab.source import VOCAB_TXT, TokenizerSource


class WordPieceAdapter(AppendInOrder):
    score_kind = "neg_id"

    def tokenizer_json(
        self, src: TokenizerSource, new: list[NewPiece], merges: list[tuple[str, str]]
    ) -> dict[str, Any]:
        data = dict(src.tokjson)
        model = copy.copy(data["model"])
        model["vocab"] = dict_vocab(src, new)
        data["model"] = model
        return data

    def side_files(
        self, src: TokenizerSource, new: list[NewPiece], merged: list[MergedPiece]
    ) -> dict[str, bytes]:
        if not src.vocab_txt:
            return {}
        lines = [*src.pieces, *(p.piece for p in new)]
        return {VOCAB_TXT: ("\n".join(lines) + "\n").encode("utf-8")}
