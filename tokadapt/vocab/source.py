"""Read the tokenizer to extend: ``tokenizer.json``, a SentencePiece ``.model`` or ``vocab.txt``.

Every input becomes one :class:`TokenizerSource`: the Hugging Face ``tokenizer.json`` as a dict
(converted when the input is a ``.model`` or ``vocab.txt``), the pieces and their scores by id,
the ids that are never touched (special, added, control and unknown tokens), and the side files
to extend as well (``.model``, ``vocab.txt``) or to carry over (``tokenizer_config.json`` …).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from tokadapt.errors import InputFileError
from tokadapt.io.hashing import sha256_bytes
from tokadapt.vocab import spm, spm_bpe
from tokadapt.vocab.input_check import validate_tokenizer_json
from tokadapt.vocab.manifest import Family

log = logging.getLogger(__name__)

TOKENIZER_JSON = "tokenizer.json"
VOCAB_TXT = "vocab.txt"
SPM_NAMES = ("sentencepiece.bpe.model", "spiece.model", "tokenizer.model", "sentencepiece.model")
CARRIED = (
    "tokenizer_config.json",
    "special_tokens_map.json",
    "chat_template.jinja",
    "chat_template.json",
    "added_tokens.json",
)
_FAMILIES: dict[str, Family] = {"Unigram": "unigram", "BPE": "bpe", "WordPiece": "wordpiece"}


@dataclass
class TokenizerSource:
    path: Path
    family: Family
    tokjson: dict[str, Any]
    pieces: list[str]
    scores: list[float]
    protected: set[int]
    files: dict[str, str] = field(default_factory=dict)  # file name -> sha256
    spm_proto: Any = None
    spm_name: str | None = None
    spm_offset: int = 0
    vocab_txt: bool = False
    carried: dict[str, bytes] = field(default_factory=dict)
    #: added tokens by the id ``tokenizers`` gives them (special, control, reserved ...)
    added: dict[int, str] = field(default_factory=dict)

    @property
    def base_vocab_size(self) -> int:
        return len(self.pieces)

    @cached_property
    def byte_level(self) -> bool:
        return self.family == "bpe" and "ByteLevel" in json.dumps(self.tokjson.get("pre_tokenizer"))


def _find_spm(directory: Path) -> Path | None:
    for name in SPM_NAMES:
        if (directory / name).is_file():
            return directory / name
    found = sorted(directory.glob("*.model"))
    return found[0] if found else None


def load_source(path: str | Path) -> TokenizerSource:
    """Load a tokenizer directory or file; unsupported or corrupt inputs raise InputFileError."""
    path = Path(path)
    if not path.exists():
        raise InputFileError(f"input {path} does not exist; pass a tokenizer directory or file")
    directory = path if path.is_dir() else None
    tj = path / TOKENIZER_JSON if directory else (path if path.suffix == ".json" else None)
    model = _find_spm(path) if directory else (path if path.suffix == ".model" else None)
    vocab = path / VOCAB_TXT if directory else (path if path.suffix == ".txt" else None)
    files: dict[str, bytes] = {}
    if tj is not None and tj.is_file():
        files[tj.name] = tj.read_bytes()
        data = _parse_json(tj, files[tj.name])
    elif model is not None or (vocab is not None and vocab.is_file()):
        data = None
    else:
        raise InputFileError(
            f"{path}: no tokenizer found; expected tokenizer.json, a SentencePiece .model "
            "or a WordPiece vocab.txt (or a directory holding one)"
        )
    proto = None
    if model is not None:
        files[model.name] = model.read_bytes()
        proto = spm.read_model(model)
        if data is None:
            is_bpe = proto.trainer_spec.model_type == spm.BPE_TYPE
            data = (spm_bpe.to_tokenizer_json if is_bpe else spm.to_tokenizer_json)(proto)
    has_vocab = vocab is not None and vocab.is_file() and (data is None or _is_wordpiece(data))
    if has_vocab:
        assert vocab is not None
        files[vocab.name] = vocab.read_bytes()
        if data is None:
            data = _wordpiece_json(vocab, files[vocab.name])
    assert data is not None
    src = _from_json(path, data)
    src.files = {name: sha256_bytes(b) for name, b in sorted(files.items())}
    src.vocab_txt = has_vocab
    if proto is not None:
        assert model is not None
        expected = "bpe" if proto.trainer_spec.model_type == spm.BPE_TYPE else "unigram"
        if src.family != expected:
            raise InputFileError(
                f"{model}: a SentencePiece {expected} .model next to a {src.family} "
                "tokenizer.json; they do not describe the same tokenizer"
            )
        src.spm_proto, src.spm_name = proto, model.name
        src.spm_offset = spm.id_offset(proto, {p: i for i, p in enumerate(src.pieces)}, model)
        if expected == "bpe":
            _check_spm_bpe(src, proto, model)
    if directory:
        src.carried = {
            n: (directory / n).read_bytes() for n in CARRIED if (directory / n).is_file()
        }
    return src


def _check_spm_bpe(src: TokenizerSource, proto: Any, model: Path) -> None:
    """A BPE ``.model`` and its ``tokenizer.json`` must share every id; byte pieces are kept."""
    if src.spm_offset != 0 or len(proto.pieces) != src.base_vocab_size:
        raise InputFileError(
            f"{model}: {len(proto.pieces)} pieces (offset {src.spm_offset}) but tokenizer.json "
            f"has {src.base_vocab_size} ids; a BPE .model must be numbered like its tokenizer.json"
        )
    src.protected |= {i for i, p in enumerate(proto.pieces) if p.type != spm.NORMAL}


def _parse_json(path: Path, raw: bytes) -> dict[str, Any]:
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputFileError(
            f"{path} is not valid UTF-8 JSON ({exc}); is the file truncated?"
        ) from exc
    if not isinstance(data, dict) or not isinstance(data.get("model"), dict):
        raise InputFileError(f"{path} is not a Hugging Face tokenizer.json (no 'model' object)")
    if data["model"].get("type") in ("Unigram", "BPE", "WordPiece"):
        validate_tokenizer_json(path, data)  # shapes (null vocab, NaN scores, bad unk_id)
    return data


def _is_wordpiece(data: dict[str, Any]) -> bool:
    return data.get("model", {}).get("type") == "WordPiece"


def _wordpiece_json(path: Path, raw: bytes) -> dict[str, Any]:
    from tokenizers.implementations import BertWordPieceTokenizer

    try:
        lines = raw.decode("utf-8").splitlines()
    except UnicodeDecodeError as exc:
        raise InputFileError(f"{path} is not UTF-8 text: {exc}") from exc
    vocab = {line.rstrip("\r\n"): i for i, line in enumerate(lines) if line.strip()}
    if "[UNK]" not in vocab:
        raise InputFileError(
            f"{path}: a WordPiece vocab.txt needs an [UNK] line (none in {len(vocab)} lines)"
        )
    if len(vocab) != len(lines):
        raise InputFileError(
            f"{path}: blank or duplicate lines; every line must be one distinct piece"
        )
    lowercase = not any(p.lower() != p for p in vocab if not p.startswith("["))
    tok = BertWordPieceTokenizer(vocab=vocab, lowercase=lowercase)
    data: dict[str, Any] = json.loads(tok.to_str())
    return data


def effective_added_ids(
    model_ids: dict[str, int], model_size: int, added: list[dict[str, Any]]
) -> dict[str, int]:
    """The ids ``tokenizers`` really gives the added tokens when it loads the file.

    It ignores the ``id`` fields: in file order, a token gets its model-vocabulary id when the
    model has it, otherwise the next id after the model vocabulary and the added tokens so far.
    """
    ids: dict[str, int] = {}
    for tok in added:
        content = str(tok["content"])
        if content in ids:
            continue
        if content in model_ids:
            ids[content] = model_ids[content]
            continue
        top = max(ids.values(), default=None)
        ids[content] = (
            top + 1 if top is not None and (top >= model_size or not model_size) else (model_size)
        )
    return ids


def _added_by_id(
    path: Path, data: dict[str, Any], model_ids: dict[str, int], size: int
) -> dict[int, str]:
    listed = data.get("added_tokens") or []
    real = effective_added_ids(model_ids, size, listed)
    for tok in listed:
        if int(tok["id"]) != real[str(tok["content"])]:
            log.warning(
                "%s: added token %r says id %s but tokenizers loads it as id %d; keeping %d",
                path,
                tok["content"],
                tok["id"],
                real[str(tok["content"])],
                real[str(tok["content"])],
            )
    return {i: c for c, i in real.items()}


def _from_json(path: Path, data: dict[str, Any]) -> TokenizerSource:
    model = data["model"]
    family = _FAMILIES.get(model.get("type", ""))
    if family is None:
        raise InputFileError(
            f"{path}: tokenizer model type {model.get('type')!r} is not supported; "
            "supported: Unigram, BPE, WordPiece"
        )
    if family == "unigram":
        vocab = model["vocab"]
        pieces = [str(p) for p, _ in vocab]
        scores = [float(s) for _, s in vocab]
        model_ids = {p: i for i, p in reversed(list(enumerate(pieces)))}
        added = _added_by_id(path, data, model_ids, len(pieces))
        protected = set(added)
        if model.get("unk_id") is not None:
            protected.add(int(model["unk_id"]))
    else:
        by_id = {int(i): str(p) for p, i in model["vocab"].items()}
        added = _added_by_id(path, data, dict(model["vocab"]), len(model["vocab"]))
        pieces, scores = [], []
        protected = set(added)
        size = max([*by_id, *added, -1]) + 1
        from tokadapt.vocab.bpe import merge_ranks

        ranks = merge_ranks(model) if family == "bpe" else {}
        for i in range(size):
            pieces.append(by_id.get(i, added.get(i, "")))
            scores.append(
                -float(ranks[pieces[i]] + 1)
                if pieces[i] in ranks
                else (0.0 if family == "bpe" else -float(i))
            )
        protected |= {i for i in range(size) if i not in by_id}
        if model.get("unk_token") in model["vocab"]:
            protected.add(int(model["vocab"][model["unk_token"]]))
    extra = {i: c for i, c in added.items() if i >= len(pieces)}
    for i in sorted(extra):
        pieces.append(extra[i])
        scores.append(0.0)
    return TokenizerSource(
        path=path,
        family=family,
        tokjson=data,
        pieces=pieces,
        scores=scores,
        protected=protected,
        added=added,
    )
