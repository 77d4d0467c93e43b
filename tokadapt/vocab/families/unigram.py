"""Unigram (``tokenizer.json``; also its SentencePiece ``.model``): scored pieces appended.

New pieces compete in Viterbi with their merged log-probabilities. When the input has a
``.model``, it is extended with the same pieces (with placeholders for a fairseq id offset).
"""

from __future__ import annotations

import copy
from typing import Any

from tokadapt.vocab import spm
from tokadapt.vocab.families.common import AppendInOrder
from tokadapt.vocab.manifest import NewPiece
from tokadapt.vocab.merge import MergedPiece
from tokadapt.vocab.source import TokenizerSource


class UnigramAdapter(AppendInOrder):
    score_kind = "logprob"

    def tokenizer_json(
        self, src: TokenizerSource, new: list[NewPiece], merges: list[tuple[str, str]]
    ) -> dict[str, Any]:
        data = dict(src.tokjson)
        model = copy.copy(data["model"])
        vocab = list(model["vocab"])
        # added tokens after the model vocabulary take their ids in the model vocabulary
        vocab.extend([src.pieces[i], 0.0] for i in range(len(vocab), src.base_vocab_size))
        vocab.extend([p.piece, p.score] for p in new)
        model["vocab"] = vocab
        data["model"] = model
        return data

    def side_files(
        self, src: TokenizerSource, new: list[NewPiece], merged: list[MergedPiece]
    ) -> dict[str, bytes]:
        if src.spm_proto is None or src.spm_name is None:
            return {}
        blob = spm.extend_model(
            src.spm_proto, merged, src.spm_offset, src.base_vocab_size, src.pieces
        )
        return {src.spm_name: blob}
