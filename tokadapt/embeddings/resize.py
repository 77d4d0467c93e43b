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


def _vocab_chunks(
    ckpt: Checkpoint, name: str, rows_old: int, base: int, new_rows: np.ndarray
) -> Iterator[bytes | np.ndarray]:
    row_bytes = ckpt.itemsize(name) * int(np.prod(ckpt.shape(name)[1:], dtype=np.int64))
    yield from ckpt.byte_chunks(name, 0, base * row_bytes)
    dtype = ckpt.dtype(name)
    step = 16384
    for start in range(0, len(new_rows), step):
        yield from_float32(new_rows[start : start + step], dtype)
    end_new = base + len(new_rows)
    if rows_old > end_new:
        yield from ckpt.byte_chunks(name, end_new * row_bytes, rows_old * row_bytes)


def _out_tensor(
    ckpt: Checkpoint, vt: VocabTensors, name: str, base: int, new_rows: dict[str, np.ndarray]
) -> OutTensor:
    shape = ckpt.shape(name)
    if name not in vt.all:
        return OutTensor(name, ckpt.dtype(name), shape, lambda: ckpt.byte_chunks(name))
    rows = new_rows[vt.copies.get(name, name)]
    rows = rows.reshape((len(rows), *shape[1:]))
    total = max(vt.rows, base + len(rows))
    return OutTensor(
        name,
        ckpt.dtype(name),
        (total, *shape[1:]),
        lambda: _vocab_chunks(ckpt, name, vt.rows, base, rows),
    )


def write_weights(
    ckpt: Checkpoint, vt: VocabTensors, base: int, new_rows: dict[str, np.ndarray], out: Path
) -> list[str]:
    """Write every shard to ``out`` as safetensors; returns the file names written."""
    written: list[str] = []
    weight_map: dict[str, str] = {}
    total_size = 0
    for shard in ckpt.shards:
        file_name = SAFETENSORS if len(ckpt.shards) == 1 else shard.output_name
        tensors = [_out_tensor(ckpt, vt, n, base, new_rows) for n in shard.names]
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
