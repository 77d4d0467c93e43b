"""Embedding rows beyond the tokenizer: checking the base, padding to a multiple.

A checkpoint may have more rows than its tokenizer has ids (Qwen2: 151,936 rows for 151,646
ids). New ids start right after the highest *tokenizer* id, so they take those padding rows
first; those rows are re-initialized by the strategy like every new row (never handed out
stale). Rows the checkpoint has beyond the new vocabulary are kept as they are, and rows added
only to reach ``pad_to_multiple_of`` get the mean of the old rows (what ``transformers``'
``resize_token_embeddings(mean_resizing=True)`` gives new rows): no id maps to them.
"""

from __future__ import annotations

import numpy as np

from tokadapt.embeddings.plan import read_tokenizer
from tokadapt.embeddings.provenance import (
    check_rows,
    check_same_vocab,
    check_special_ids,
    has_tokenizer,
    special_ids,
)
from tokadapt.errors import ConfigError
from tokadapt.io.checkpoint import Checkpoint
from tokadapt.io.safetensors_io import to_float32


def padded_rows(rows: int, multiple: int | None) -> int:
    if multiple is None:
        return rows
    if multiple < 1:
        raise ConfigError(f"pad_to_multiple_of must be a positive integer, got {multiple}")
    return -(-rows // multiple) * multiple


def check_base(ckpt: Checkpoint, rows: int, base_path: object) -> None:
    """Refuse a base tokenizer that is not the checkpoint's own (see :mod:`.provenance`)."""
    from pathlib import Path

    base_path = Path(str(base_path))
    pieces, added = read_tokenizer(base_path)
    if base_path != ckpt.dir and has_tokenizer(ckpt.dir):
        check_same_vocab(read_tokenizer(ckpt.dir)[0], pieces, ckpt.dir, base_path)
    check_rows(len(pieces), rows, ckpt.dir, base_path)
    check_special_ids(special_ids(ckpt.dir, ckpt.config), pieces, added, ckpt.dir, base_path)


def add_padding(
    new_rows: dict[str, np.ndarray],
    base: int,
    total_rows: int,
    rows_old: int,
    mean: np.ndarray,
    ckpt: Checkpoint,
    widths: list[int],
) -> dict[str, np.ndarray]:
    """Extend each tensor's new rows so that they cover ``[base, total_rows)`` when padding
    beyond the checkpoint's rows is needed (old rows in between are carried over exactly)."""
    first = next(iter(new_rows.values()))
    end_new = base + len(first)
    if total_rows <= max(rows_old, end_new):
        return new_rows
    bounds = np.cumsum([0, *widths])
    out = {}
    for k, (name, rows) in enumerate(new_rows.items()):
        kept = to_float32(ckpt.array(name)[end_new:rows_old], ckpt.dtype(name))
        kept = kept.reshape(len(kept), rows.shape[1])
        pad_count = total_rows - max(rows_old, end_new)
        pad = np.broadcast_to(mean[bounds[k] : bounds[k + 1]], (pad_count, rows.shape[1]))
        out[name] = np.concatenate([rows, kept, pad]).astype(np.float32)
    return out
