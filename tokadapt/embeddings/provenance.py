"""Is the extended tokenizer really an extension of *this checkpoint's* tokenizer?

``init-embeddings`` writes new rows after the base vocabulary; a base tokenizer that is not the
model's own would put them over trained rows. Checked before anything is written:

* when the checkpoint directory has a tokenizer and another ``base_tokenizer`` is given, the two
  must have identical vocabularies (every piece at every id);
* the checkpoint's embedding rows may exceed the base vocabulary only by padding
  (:data:`MAX_PADDING_ROWS`: Qwen2 pads 151,646 ids to 151,936 rows);
* the special-token ids in ``config.json`` / ``generation_config.json`` (bos/eos/pad/unk …)
  must name tokens of the base tokenizer that are special or added tokens.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tokadapt.errors import ShapeError

#: the largest plausible gap between a tokenizer's ids and its model's embedding rows
MAX_PADDING_ROWS = 1024
_ID_KEYS = (
    "bos_token_id",
    "eos_token_id",
    "pad_token_id",
    "unk_token_id",
    "decoder_start_token_id",
)
_TOKENIZER_FILES = ("tokenizer.json", "tokenizer_config.json", "tokenizer.model", "vocab.txt")


def has_tokenizer(model_dir: Path) -> bool:
    return any((model_dir / name).is_file() for name in _TOKENIZER_FILES)


def check_same_vocab(
    model_vocab: list[str], base: list[str], model_dir: Path, base_path: Path
) -> None:
    if model_vocab == base:
        return
    first = next(
        (i for i, (a, b) in enumerate(zip(model_vocab, base, strict=False)) if a != b),
        min(len(model_vocab), len(base)),
    )
    found = base[first] if first < len(base) else "<end>"
    own = model_vocab[first] if first < len(model_vocab) else "<end>"
    raise ShapeError(
        f"--base-tokenizer {base_path} is not the tokenizer of {model_dir}: id {first} is "
        f"{found!r} there but {own!r} in the checkpoint's own tokenizer ({len(base)} vs "
        f"{len(model_vocab)} ids); new rows would overwrite trained ones. Fix: extend the "
        "checkpoint's own tokenizer (tokadapt extend-vocab MODEL_DIR ...) and drop --base-tokenizer"
    )


def check_rows(base: int, rows: int, model_dir: Path, base_path: Path) -> None:
    if base > rows:
        raise ShapeError(
            f"the tokenizer {base_path} has {base} ids but {model_dir} has only {rows} embedding "
            "rows; the tokenizer does not belong to this model. Fix: extend the checkpoint's own "
            "tokenizer"
        )
    if rows - base > MAX_PADDING_ROWS:
        raise ShapeError(
            f"the tokenizer {base_path} has {base} ids but {model_dir} has {rows} embedding rows "
            f"(at most {MAX_PADDING_ROWS} padding rows are plausible); the tokenizer does not "
            "belong to this model. Fix: extend the checkpoint's own tokenizer"
        )


def special_ids(model_dir: Path, config: dict[str, Any]) -> dict[str, int]:
    """``{"config.json:eos_token_id": 2, ...}`` from the config and generation config."""
    found: dict[str, int] = {}
    sources = [("config.json", config)]
    gen = model_dir / "generation_config.json"
    if gen.is_file():
        sources.append((gen.name, json.loads(gen.read_text(encoding="utf-8"))))
    for name, data in sources:
        for key in _ID_KEYS:
            values = data.get(key)
            for value in values if isinstance(values, list) else [values]:
                if isinstance(value, int) and value >= 0:
                    found[f"{name}:{key}"] = value
    return found


def check_special_ids(
    ids: dict[str, int], base: list[str], added: set[str], model_dir: Path, base_path: Path
) -> None:
    for where, idx in sorted(ids.items()):
        token = base[idx] if idx < len(base) else None
        if token is None or token not in added:
            raise ShapeError(
                f"{model_dir}/{where} = {idx}, but in the tokenizer {base_path} that id is "
                f"{token!r}, not a special or added token; the tokenizer does not belong to this "
                "model. Fix: extend the checkpoint's own tokenizer"
            )
