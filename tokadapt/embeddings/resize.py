"""Write a checkpoint's weights with resized vocabulary tensors.

Rows ``[0, base)`` and every non-vocabulary tensor are copied byte for byte from the source;
rows ``[base, new_vocab)`` are the new rows (this includes unused padding rows that new ids land
on: they are overwritten, never kept); rows beyond the new vocabulary that the checkpoint
already had are copied unchanged. Output is safetensors, one file per input shard.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from tokadapt.embeddings.vocab_tensors import VocabTensors
from tokadapt.io.checkpoint import Checkpoint
from tokadapt.io.hf_dir import SAFETENSORS, SAFETENSORS_INDEX
from tokadapt.io.safetensors_io import OutTensor, from_float32, write_safetensors

Replaced = tuple[np.ndarray, np.ndarray]  # (sorted old ids, their new rows)


def _old_chunks(
    ckpt: Checkpoint, name: str, base: int, row_bytes: int, replaced: Replaced | None
) -> Iterator[bytes | np.ndarray]:
    """Rows ``[0, base)``: copied, except the ``replaced`` ones (``--existing blend``)."""
    done = 0
    if replaced is not None:
        dtype = ckpt.dtype(name)
        for i, row in zip(replaced[0].tolist(), replaced[1], strict=True):
            if i > done:
                yield from ckpt.byte_chunks(name, done * row_bytes, i * row_bytes)
            yield from_float32(np.asarray(row)[None, ...], dtype)
            done = i + 1
    if base > done:
        yield from ckpt.byte_chunks(name, done * row_bytes, base * row_bytes)


def _vocab_chunks(
    ckpt: Checkpoint,
    name: str,
    rows_old: int,
    base: int,
    new_rows: np.ndarray,
    replaced: Replaced | None = None,
) -> Iterator[bytes | np.ndarray]:
    row_bytes = ckpt.itemsize(name) * int(np.prod(ckpt.shape(name)[1:], dtype=np.int64))
    yield from _old_chunks(ckpt, name, base, row_bytes, replaced)
    dtype = ckpt.dtype(name)
    step = 16384
    for start in range(0, len(new_rows), step):
        yield from_float32(new_rows[start : start + step], dtype)
    end_new = base + len(new_rows)
    if rows_old > end_new:
        yield from ckpt.byte_chunks(name, end_new * row_bytes, rows_old * row_bytes)


def _out_tensor(
    ckpt: Checkpoint,
    vt: VocabTensors,
    name: str,
    base: int,
    new_rows: dict[str, np.ndarray],
    replaced: dict[str, Replaced],
) -> OutTensor:
    shape = ckpt.shape(name)
    if name not in vt.all:
        return OutTensor(name, ckpt.dtype(name), shape, lambda: ckpt.byte_chunks(name))
    rows = new_rows[vt.copies.get(name, name)]
    rows = rows.reshape((len(rows), *shape[1:]))
    old = replaced.get(vt.copies.get(name, name))
    if old is not None:
        old = (old[0], old[1].reshape((len(old[1]), *shape[1:])))
    total = max(vt.rows, base + len(rows))
    return OutTensor(
        name,
        ckpt.dtype(name),
        (total, *shape[1:]),
        lambda: _vocab_chunks(ckpt, name, vt.rows, base, rows, old),
    )


def write_weights(
    ckpt: Checkpoint,
    vt: VocabTensors,
    base: int,
    new_rows: dict[str, np.ndarray],
    out: Path,
    replaced: dict[str, Replaced] | None = None,
) -> list[str]:
    """Write every shard to ``out`` as safetensors; returns the file names written.
    ``replaced``: per distinct vocabulary tensor, old rows to overwrite (sorted ids, rows)."""
    written: list[str] = []
    weight_map: dict[str, str] = {}
    total_size = 0
    for shard in ckpt.shards:
        file_name = SAFETENSORS if len(ckpt.shards) == 1 else shard.output_name
        tensors = [_out_tensor(ckpt, vt, n, base, new_rows, replaced or {}) for n in shard.names]
        metadata = dict(shard.st.metadata) if shard.st is not None else {}
        metadata.setdefault("format", "pt")
        total_size += write_safetensors(out / file_name, tensors, metadata)
        weight_map.update({n: file_name for n in shard.names})
        written.append(file_name)
    if len(ckpt.shards) > 1:
        index = {
            "metadata": {"total_size": total_size},
            "weight_map": dict(sorted(weight_map.items())),
        }
        (out / SAFETENSORS_INDEX).write_text(json.dumps(index, indent=2) + "\n")
        written.append(SAFETENSORS_INDEX)
    return written
