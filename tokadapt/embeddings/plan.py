"""From an extended tokenizer and its manifest to an :class:`InitRequest`, with the checks.

The extended tokenizer must be an extension of the model's tokenizer: the same pieces at every
original id, then exactly the manifest's new pieces. The original tokenizer (the model's, or an
explicit ``base_tokenizer``) also segments each new piece for ``subword-mean``.
"""

from __future__ import annotations

import json
import logging
from functools import lru_cache
from pathlib import Path
from typing import Any

from tokadapt.embeddings.strategies import InitRequest
from tokadapt.errors import ConfigError, InputFileError, ShapeError
from tokadapt.io.tokenizer import load_tokenizer
from tokadapt.vocab.input_check import validate_tokenizer_json
from tokadapt.vocab.manifest import Manifest
from tokadapt.vocab.source import effective_added_ids

log = logging.getLogger(__name__)
_VALIDATED = ("Unigram", "BPE", "WordPiece")


def vocab_list(tokenizer: Any, where: Path) -> list[str]:
    """Pieces by id (``""`` for a hole in the id space)."""
    vocab: dict[str, int] = tokenizer.get_vocab(with_added_tokens=True)
    return _by_id(vocab, where)


def _by_id(vocab: dict[str, int], where: Path) -> list[str]:
    if not vocab:
        raise InputFileError(f"{where}: the tokenizer has no tokens")
    if min(vocab.values()) < 0:
        raise InputFileError(f"{where}: negative token id {min(vocab.values())}")
    pieces = [""] * (max(vocab.values()) + 1)
    for piece, idx in sorted(vocab.items(), key=lambda kv: (kv[1], kv[0])):
        if not pieces[idx]:
            pieces[idx] = piece
    return pieces


def read_vocab(path: Path) -> list[str]:
    """Pieces by id of the tokenizer at ``path``: straight from ``tokenizer.json`` when there
    is one (fast, light), otherwise through ``tokenizers``/``transformers``. Added tokens get
    the ids ``tokenizers`` gives them on load."""
    return read_tokenizer(path)[0]


def read_tokenizer(path: Path) -> tuple[list[str], set[str]]:
    """``(pieces by id, contents of the added/special tokens)`` (cached per file version)."""
    file = path if path.is_file() else path / "tokenizer.json"
    stamp = file.stat().st_mtime_ns if file.is_file() else 0
    pieces, added = _read_tokenizer_cached(str(path), stamp)
    return list(pieces), set(added)


@lru_cache(maxsize=4)
def _read_tokenizer_cached(name: str, stamp: int) -> tuple[tuple[str, ...], frozenset[str]]:
    pieces, added = _read_tokenizer(Path(name))
    return tuple(pieces), frozenset(added)


def _read_tokenizer(path: Path) -> tuple[list[str], set[str]]:
    file = path if path.is_file() else path / "tokenizer.json"
    if not file.is_file():
        tok = load_tokenizer(path)
        added = {t.content for t in tok.get_added_tokens_decoder().values()}
        return vocab_list(tok, path), added
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
        raw = data["model"]["vocab"]
        listed = list(data.get("added_tokens") or [])
    except (json.JSONDecodeError, UnicodeDecodeError, KeyError, TypeError) as exc:
        raise InputFileError(f"{file}: not a tokenizer.json ({exc})") from exc
    if isinstance(data["model"], dict) and data["model"].get("type") in _VALIDATED:
        validate_tokenizer_json(file, data)  # null vocab, bad scores/ids -> DataError
    if isinstance(raw, list):  # Unigram: [piece, score] in id order
        model_ids = {str(e[0]): i for i, e in reversed(list(enumerate(raw)))}
        vocab = dict(model_ids)
    else:
        model_ids = {str(p): int(i) for p, i in raw.items()}
        vocab = dict(model_ids)
    added_ids = effective_added_ids(model_ids, len(raw), listed)
    vocab.update(added_ids)
    pieces = _by_id(vocab, file)
    if isinstance(raw, list):
        pieces[: len(raw)] = [str(e[0]) for e in raw]
    return pieces, set(added_ids)


def check_extension(
    base: list[str], extended: list[str], manifest: Manifest, base_path: Path, ext_path: Path
) -> None:
    if manifest.base_vocab_size != len(base):
        raise ShapeError(
            f"{ext_path}: the manifest extends a vocabulary of {manifest.base_vocab_size} pieces "
            f"but the model's tokenizer {base_path} has {len(base)}; extend the model's own "
            "tokenizer (tokadapt extend-vocab MODEL_DIR ...)"
        )
    if len(extended) != manifest.new_vocab_size:
        raise ShapeError(
            f"{ext_path}: the tokenizer has {len(extended)} pieces but its manifest "
            f"says {manifest.new_vocab_size}"
        )
    for idx, (old, new) in enumerate(zip(base, extended, strict=False)):
        if old != new:
            raise ShapeError(
                f"{ext_path} is not an extension of {base_path}: id {idx} is {new!r} there "
                f"but {old!r} in the model's tokenizer; extend the model's own tokenizer"
            )
    for piece in manifest.new_pieces:
        if extended[piece.id] != piece.piece:
            raise InputFileError(
                f"{ext_path}: id {piece.id} is {extended[piece.id]!r} but the "
                f"manifest says {piece.piece!r}"
            )


def _subwords(base_tokenizer: Any, pieces: list[str]) -> list[list[int]]:
    """Each piece segmented by the original tokenizer's model, special tokens removed."""
    special = {idx for idx, tok in base_tokenizer.get_added_tokens_decoder().items() if tok.special}
    model = base_tokenizer.model
    return [[t.id for t in model.tokenize(p) if t.id not in special] for p in pieces]


def build_request(manifest: Manifest, base_path: Path, *, all_subwords: bool) -> InitRequest:
    """The request for ``manifest``; subword segmentations are computed for every piece when
    ``all_subwords``, else only for pieces without sources (the fallback)."""
    base = manifest.base_vocab_size
    for p in manifest.new_pieces:
        if len(p.sources) != len(p.source_scores) or (
            p.sources and not 0 <= min(p.sources) <= max(p.sources) < base
        ):
            raise InputFileError(
                f"manifest entry for {p.piece!r} (id {p.id}) has sources {p.sources} outside "
                f"the original vocabulary [0, {base}) or without matching scores"
            )
    if manifest.mode not in ("max", "min", "mean"):
        raise ConfigError(f"manifest mode {manifest.mode!r} is not max, min or mean")
    pieces = [p.piece for p in manifest.new_pieces]
    wanted = [i for i, p in enumerate(manifest.new_pieces) if all_subwords or not p.sources]
    subwords: list[list[int]] = [[] for _ in pieces]
    if wanted:
        segmented = _subwords(load_tokenizer(base_path), [pieces[i] for i in wanted])
        for i, ids in zip(wanted, segmented, strict=True):
            subwords[i] = ids
    return InitRequest(
        pieces=pieces,
        sources=[p.sources for p in manifest.new_pieces],
        source_scores=[p.source_scores for p in manifest.new_pieces],
        subwords=subwords,
        mode=manifest.mode,
    )
