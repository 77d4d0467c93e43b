"""SentencePiece ``.model`` files: parse, convert to ``tokenizer.json``, extend with scored pieces.

New pieces are appended to ``ModelProto.pieces`` as NORMAL pieces with their merged score, so
they compete inside SentencePiece's Viterbi search like any other piece (not as pre-split
``add_tokens``). When the ``.model`` is numbered with a constant offset from ``tokenizer.json``
(the fairseq layout of XLM-R's ``sentencepiece.bpe.model``: HF id = spm id + 1), placeholder
CONTROL pieces are inserted first so that every new piece has ``spm id + offset == HF id``.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

from tokadapt.errors import InputFileError, MissingDependencyError
from tokadapt.vocab.merge import MergedPiece

UNIGRAM = 1
BPE_TYPE = 2
NORMAL, UNKNOWN, CONTROL, USER_DEFINED, BYTE = 1, 2, 3, 4, 6


def _pb2() -> Any:
    try:
        from sentencepiece import sentencepiece_model_pb2
    except ImportError as exc:
        raise MissingDependencyError(
            "reading or writing a SentencePiece .model needs 'sentencepiece' and 'protobuf'. "
            "Fix: pip install 'tokadapt[hf]' (or: pip install sentencepiece protobuf)"
        ) from exc
    return sentencepiece_model_pb2


def read_model(path: Path) -> Any:
    """Parse a ``.model`` into a ``ModelProto``; corrupt files and other model types raise."""
    data = path.read_bytes()
    proto = _pb2().ModelProto()
    try:
        proto.ParseFromString(data)
    except Exception as exc:  # protobuf raises DecodeError (a plain Exception subclass)
        raise InputFileError(
            f"{path} is not a SentencePiece model (protobuf parse failed: {exc}); pass the "
            "tokenizer's .model file, tokenizer.json or vocab.txt"
        ) from exc
    if len(proto.pieces) == 0:
        raise InputFileError(f"{path} is not a SentencePiece model: it has no pieces")
    if proto.trainer_spec.model_type not in (UNIGRAM, BPE_TYPE):
        raise InputFileError(
            f"{path} is a SentencePiece model of type {proto.trainer_spec.model_type} "
            "(1 = unigram, 2 = BPE); only Unigram and BPE .model files are supported. Fix: pass "
            "the model's tokenizer.json instead"
        )
    return proto


def to_tokenizer_json(proto: Any) -> dict[str, Any]:
    """A Hugging Face ``tokenizer.json`` equivalent to a Unigram ``ModelProto``."""
    from tokenizers import Regex, Tokenizer, decoders, normalizers, pre_tokenizers
    from tokenizers.models import Unigram

    vocab = [(p.piece, float(p.score)) for p in proto.pieces]
    unk = [i for i, p in enumerate(proto.pieces) if p.type == UNKNOWN]
    tok = Tokenizer(Unigram(vocab, unk[0] if unk else None, bool(proto.trainer_spec.byte_fallback)))
    steps: list[Any] = []
    charsmap = proto.normalizer_spec.precompiled_charsmap
    if charsmap:
        steps.append(normalizers.Precompiled(charsmap))
    if proto.normalizer_spec.remove_extra_whitespaces:
        steps.append(normalizers.Replace(Regex(" {2,}"), " "))
    if steps:
        tok.normalizer = normalizers.Sequence(steps)
    scheme = "always" if proto.normalizer_spec.add_dummy_prefix else "never"
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme=scheme)
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme=scheme)
    data: dict[str, Any] = json.loads(tok.to_str())
    data["added_tokens"] = [
        {
            "id": i,
            "content": p.piece,
            "single_word": False,
            "lstrip": False,
            "rstrip": False,
            "normalized": False,
            "special": p.type != USER_DEFINED,
        }
        for i, p in enumerate(proto.pieces)
        if p.type in (UNKNOWN, CONTROL, USER_DEFINED)
    ]
    return data


def from_tokenizer_json(data: dict[str, Any]) -> bytes:
    """A SentencePiece Unigram ``.model`` with the pieces, ids and scores of a Unigram
    ``tokenizer.json`` (added tokens become CONTROL pieces, ``unk_id`` the UNKNOWN piece; a
    ``Precompiled`` normalizer becomes the nmt_nfkc charsmap)."""
    model = data["model"]
    if model.get("type") != "Unigram":
        raise InputFileError(
            f"only a Unigram tokenizer.json converts to a .model, got {model.get('type')!r}"
        )
    pb2 = _pb2()
    proto = pb2.ModelProto()
    special = {t["id"] for t in data.get("added_tokens", [])}
    unk_id = model.get("unk_id")
    for i, (piece, score) in enumerate(model["vocab"]):
        kind = UNKNOWN if i == unk_id else (CONTROL if i in special else NORMAL)
        proto.pieces.append(pb2.ModelProto.SentencePiece(piece=piece, score=score, type=kind))
    spec = proto.trainer_spec
    spec.model_type, spec.vocab_size = UNIGRAM, len(model["vocab"])
    spec.unk_id = unk_id if unk_id is not None else 0
    spec.byte_fallback = bool(model.get("byte_fallback"))
    ids = {t["content"]: t["id"] for t in data.get("added_tokens", [])}
    spec.bos_id, spec.eos_id = ids.get("<s>", -1), ids.get("</s>", -1)
    spec.pad_id = ids.get("<pad>", -1)
    norm = proto.normalizer_spec
    charsmap = _precompiled_charsmap(data.get("normalizer"))
    norm.name = "nmt_nfkc" if charsmap else "identity"
    norm.precompiled_charsmap = charsmap
    norm.remove_extra_whitespaces = bool(charsmap)
    norm.add_dummy_prefix = norm.escape_whitespaces = True
    blob: bytes = proto.SerializeToString(deterministic=True)
    return blob


def _precompiled_charsmap(normalizer: dict[str, Any] | None) -> bytes:
    steps = (normalizer or {}).get("normalizers", [normalizer] if normalizer else [])
    for step in steps:
        if step.get("type") == "Precompiled":
            return base64.b64decode(step["precompiled_charsmap"])
    return b""


def id_offset(proto: Any, piece_to_id: dict[str, int], path: Path) -> int:
    """The constant ``HF id - spm id`` over NORMAL pieces, or an error naming the mismatch."""
    offset: int | None = None
    for spm_id, p in enumerate(proto.pieces):
        if p.type != NORMAL:
            continue
        hf_id = piece_to_id.get(p.piece)
        if hf_id is None:
            raise InputFileError(
                f"{path}: piece {p.piece!r} (spm id {spm_id}) is not in tokenizer.json"
            )
        if offset is None:
            offset = hf_id - spm_id
        elif hf_id - spm_id != offset:
            raise InputFileError(
                f"{path}: piece {p.piece!r} has spm id {spm_id} but tokenizer.json id {hf_id}; "
                f"the .model and tokenizer.json are numbered differently (offset {offset} expected)"
            )
    return offset or 0


def extend_model(
    proto: Any, new: list[MergedPiece], offset: int, base_vocab_size: int, hf_pieces: list[str]
) -> bytes:
    """Serialized ``ModelProto`` with placeholders up to the base size, then the new pieces."""
    pb2 = _pb2()
    out = pb2.ModelProto()
    out.CopyFrom(proto)
    while len(out.pieces) + offset < base_vocab_size:
        hf_id = len(out.pieces) + offset
        out.pieces.append(
            pb2.ModelProto.SentencePiece(piece=hf_pieces[hf_id], score=0.0, type=CONTROL)
        )
    if len(out.pieces) + offset != base_vocab_size:
        raise InputFileError(
            f"the .model has {len(proto.pieces)} pieces (offset {offset}), more than "
            f"tokenizer.json's {base_vocab_size} ids; they do not describe the same tokenizer"
        )
    for m in new:
        out.pieces.append(pb2.ModelProto.SentencePiece(piece=m.piece, score=m.score, type=NORMAL))
    data: bytes = out.SerializeToString(deterministic=True)
    return data
