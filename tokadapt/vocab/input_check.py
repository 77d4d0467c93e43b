"""Validate the shape of a parsed ``tokenizer.json`` before anything indexes into it.

A hand-edited or truncated-then-repaired file can hold a ``null`` vocabulary, string or NaN
scores, an ``unk_id`` outside the vocabulary or added tokens without ids. Each of these raises
:class:`DataError` naming the file, the JSON key and what is allowed, instead of a ``TypeError``
deep inside the merge. Used by every tokenizer family's loader.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from tokadapt.errors import DataError


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _fail(path: Path, key: str, problem: str) -> DataError:
    return DataError(
        f"{path}: {key} {problem}; the file is not a valid tokenizer.json (regenerate it with "
        "tokenizers/transformers save_pretrained)"
    )


def _unigram(path: Path, model: dict[str, Any]) -> int:
    vocab = model.get("vocab")
    if not isinstance(vocab, list) or not vocab:
        raise _fail(
            path, "model.vocab", f"must be a non-empty list of [piece, score], found {vocab!r:.40}"
        )
    for i, entry in enumerate(vocab):
        ok = isinstance(entry, list | tuple) and len(entry) == 2 and isinstance(entry[0], str)
        score = entry[1] if ok else None
        if not ok or not isinstance(score, int | float) or isinstance(score, bool):
            raise _fail(path, f"model.vocab[{i}]", f"must be [piece, number], found {entry!r:.60}")
        if not math.isfinite(score):
            raise _fail(path, f"model.vocab[{i}]", f"has a non-finite score {score}")
    unk = model.get("unk_id")
    if unk is not None and (not _is_int(unk) or not 0 <= unk < len(vocab)):
        raise _fail(
            path, "model.unk_id", f"must be null or an id in 0..{len(vocab) - 1}, found {unk!r}"
        )
    return len(vocab)


def _mapping(path: Path, model: dict[str, Any]) -> int:
    vocab = model.get("vocab")
    if not isinstance(vocab, dict) or not vocab:
        raise _fail(
            path, "model.vocab", f"must be a non-empty object piece -> id, found {vocab!r:.40}"
        )
    seen: dict[int, str] = {}
    for piece, idx in vocab.items():
        if not _is_int(idx) or idx < 0:
            raise _fail(path, f"model.vocab[{piece!r}]", f"must be an id >= 0, found {idx!r}")
        if idx in seen:
            raise _fail(path, "model.vocab", f"gives id {idx} to both {seen[idx]!r} and {piece!r}")
        seen[idx] = piece
    unk = model.get("unk_token")
    if unk is not None and not isinstance(unk, str):
        raise _fail(path, "model.unk_token", f"must be null or a string, found {unk!r}")
    merges = model.get("merges", [])
    if model.get("type") == "BPE" and not isinstance(merges, list):
        raise _fail(path, "model.merges", f"must be a list, found {merges!r:.40}")
    for i, merge in enumerate(merges if isinstance(merges, list) else []):
        pair = (
            isinstance(merge, list) and len(merge) == 2 and all(isinstance(m, str) for m in merge)
        )
        if not pair and not (isinstance(merge, str) and " " in merge):
            raise _fail(path, f"model.merges[{i}]", f"must be 'a b' or [a, b], found {merge!r:.40}")
    return max(seen) + 1


def _added(path: Path, data: dict[str, Any]) -> None:
    added = data.get("added_tokens", [])
    if added is None:
        return
    if not isinstance(added, list):
        raise _fail(path, "added_tokens", f"must be a list, found {added!r:.40}")
    for i, token in enumerate(added):
        if not isinstance(token, dict) or not _is_int(token.get("id")) or token["id"] < 0:
            raise _fail(
                path, f"added_tokens[{i}]", f"needs an integer id >= 0, found {token!r:.60}"
            )
        if not isinstance(token.get("content"), str):
            raise _fail(path, f"added_tokens[{i}]", "needs a string content")


def validate_tokenizer_json(path: str | Path, data: Any) -> int:
    """Raise :class:`DataError` unless ``data`` has a usable shape; returns the vocabulary size."""
    path = Path(path)
    if not isinstance(data, dict) or not isinstance(data.get("model"), dict):
        raise _fail(path, "the top level", "needs a 'model' object")
    model = data["model"]
    kind = model.get("type")
    if kind == "Unigram":
        size = _unigram(path, model)
    elif kind in ("BPE", "WordPiece", "WordLevel"):
        size = _mapping(path, model)
    else:
        raise DataError(
            f"{path}: tokenizer model type {kind!r} is not supported; supported: Unigram, BPE, "
            "WordPiece"
        )
    _added(path, data)
    return size
