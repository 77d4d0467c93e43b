"""SentencePiece BPE with byte fallback (the Llama-2 / Mistral ``tokenizer.model`` family).

Conversion to ``tokenizer.json``: a ``tokenizers`` BPE over the ``.model``'s pieces (same ids),
merges from ``transformers``' ``generate_merges`` ordered by the merged piece's score (what
SentencePiece's BPE does: the adjacent pair whose concatenation has the highest score merges
first), ``byte_fallback`` and ``fuse_unk`` as SentencePiece, a normalizer that does what the
``NormalizerSpec`` says (dummy prefix, ``▁`` for spaces, collapsing extra whitespace) and the
Llama decoder. (``transformers``' own ``LlamaConverter`` needs a slow tokenizer object and its
BPE path fails in transformers 5.x, hence this small converter.)

Extension: the new pieces (romanized pieces and the BPE intermediates that reach them) are
appended to ``ModelProto.pieces`` as NORMAL pieces in the order of the merges appended to
``tokenizer.json``, with scores below every existing piece and decreasing in that order, so
SentencePiece applies them last and in the same order as ``tokenizers``. Byte pieces
(``<0x..>``), control and unknown pieces are never romanized.
"""

from __future__ import annotations

import json
from typing import Any

from tokadapt.vocab.spm import BYTE, CONTROL, NORMAL, UNKNOWN, USER_DEFINED, _pb2

SPM_BPE = 2


def _normalizer(spec: Any) -> Any:
    from tokenizers import Regex, normalizers

    steps: list[Any] = []
    if spec.precompiled_charsmap:
        steps.append(normalizers.Precompiled(spec.precompiled_charsmap))
    if spec.remove_extra_whitespaces:
        steps += [
            normalizers.Strip(left=True, right=True),
            normalizers.Replace(Regex(" {2,}"), " "),
        ]
    if spec.add_dummy_prefix:
        steps.append(normalizers.Prepend("▁"))
    if spec.escape_whitespaces:
        steps.append(normalizers.Replace(" ", "▁"))
    return normalizers.Sequence(steps)


def _decoder(add_dummy_prefix: bool) -> Any:
    from tokenizers import decoders

    steps = [decoders.Replace("▁", " "), decoders.ByteFallback(), decoders.Fuse()]
    if add_dummy_prefix:
        steps.append(decoders.Strip(content=" ", left=1, right=0))
    return decoders.Sequence(steps)


def to_tokenizer_json(proto: Any) -> dict[str, Any]:
    """A ``tokenizer.json`` equivalent to a SentencePiece BPE ``ModelProto`` (same ids)."""
    from tokenizers import AddedToken, Tokenizer
    from tokenizers.models import BPE
    from transformers.convert_slow_tokenizer import generate_merges

    pieces = list(proto.pieces)
    vocab = {p.piece: i for i, p in enumerate(pieces)}
    scores = {p.piece: float(p.score) for p in pieces if p.type == NORMAL}
    skip = [p.piece for p in pieces if p.type != NORMAL]
    merges = generate_merges(vocab, scores, skip_tokens=skip)
    unk = next((p.piece for p in pieces if p.type == UNKNOWN), None)
    model = BPE(
        vocab,
        merges,
        unk_token=unk,
        fuse_unk=True,
        byte_fallback=bool(proto.trainer_spec.byte_fallback),
    )
    tok = Tokenizer(model)
    tok.normalizer = _normalizer(proto.normalizer_spec)
    tok.decoder = _decoder(proto.normalizer_spec.add_dummy_prefix)
    tok.add_tokens(
        [
            AddedToken(p.piece, normalized=False, special=p.type != USER_DEFINED)
            for p in pieces
            if p.type in (UNKNOWN, CONTROL, USER_DEFINED)
        ]
    )
    data: dict[str, Any] = json.loads(tok.to_str())
    return data


def extend_model(proto: Any, new_pieces: list[str]) -> bytes:
    """Serialized ``ModelProto`` with ``new_pieces`` appended (NORMAL, decreasing scores below
    every existing piece)."""
    pb2 = _pb2()
    out = pb2.ModelProto()
    out.CopyFrom(proto)
    low = min((p.score for p in proto.pieces if p.type == NORMAL), default=0.0)
    for k, piece in enumerate(new_pieces):
        out.pieces.append(
            pb2.ModelProto.SentencePiece(piece=piece, score=low - 1.0 - k, type=NORMAL)
        )
    out.trainer_spec.vocab_size = len(out.pieces)
    data: bytes = out.SerializeToString(deterministic=True)
    return data


def is_byte_piece(proto: Any, idx: int) -> bool:
    return bool(proto.pieces[idx].type == BYTE)
