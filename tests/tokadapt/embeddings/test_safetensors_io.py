"""Our streaming safetensors writer/reader against the safetensors library and torch."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tokadapt.embeddings.filerows import FileRows
from tokadapt.io.safetensors_io import (
    OutTensor,
    SafetensorsFile,
    from_float32,
    to_float32,
    write_safetensors,
)


def test_written_file_loads_with_the_safetensors_library(tmp_path: Path) -> None:
    import torch
    from safetensors.torch import load_file

    rng = np.random.default_rng(0)
    f32 = rng.normal(size=(7, 3)).astype(np.float32)
    i64 = np.arange(5, dtype=np.int64)
    bf16 = from_float32(rng.normal(size=(4, 2)), "BF16")
    tensors = [
        OutTensor("a.f32", "F32", f32.shape, lambda: [f32[:3], f32[3:].tobytes()]),
        OutTensor("b.i64", "I64", i64.shape, lambda: [i64]),
        OutTensor("c.bf16", "BF16", bf16.shape, lambda: [bf16]),
    ]
    path = tmp_path / "x.safetensors"
    write_safetensors(path, tensors, {"format": "pt"})
    loaded = load_file(str(path))
    assert np.array_equal(loaded["a.f32"].numpy(), f32)
    assert np.array_equal(loaded["b.i64"].numpy(), i64)
    assert loaded["c.bf16"].dtype == torch.bfloat16
    assert np.array_equal(loaded["c.bf16"].float().numpy(), to_float32(bf16, "BF16"))
    ours = SafetensorsFile(path)
    assert ours.metadata == {"format": "pt"} and np.array_equal(ours.array("a.f32"), f32)


def test_short_producer_is_an_error(tmp_path: Path) -> None:
    t = OutTensor("a", "F32", (4,), lambda: [np.zeros(3, np.float32)])
    with pytest.raises(RuntimeError, match="wrote 12 bytes, expected 16"):
        write_safetensors(tmp_path / "y.safetensors", [t], {})


def test_bfloat16_rounding_matches_torch() -> None:
    import torch

    values = np.random.default_rng(1).normal(scale=3.0, size=10000).astype(np.float32)
    ties = np.array([1.0 + 2**-8, 1.0 + 3 * 2**-8, -(1.0 + 2**-8)], dtype=np.float32)
    values = np.concatenate([values, ties])
    want = torch.from_numpy(values).to(torch.bfloat16).view(torch.int16).numpy().view(np.uint16)
    assert np.array_equal(from_float32(values, "BF16"), want)
    back = torch.from_numpy(want.view(np.int16)).view(torch.bfloat16).float().numpy()
    assert np.array_equal(to_float32(want, "BF16"), back)


@pytest.mark.parametrize("dtype", ["F32", "F16", "BF16"])
def test_file_rows_equal_in_memory_indexing(
    tmp_path: Path, dtype: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tokadapt.embeddings import filerows

    monkeypatch.setattr(filerows, "_BLOCK_ROWS", 4)
    table = from_float32(np.random.default_rng(2).normal(size=(23, 5)), dtype)
    path = tmp_path / "rows.bin"
    path.write_bytes(b"HEAD" + table.tobytes())
    rows = FileRows(path, 4, 23, 5, dtype)
    full = to_float32(table, dtype)
    ids = np.array([22, 0, 5, 5, 13, 1, 22, 7])
    assert np.array_equal(rows[ids], full[ids])
    assert np.array_equal(rows[3:17], full[3:17]) and rows[0:0].shape == (0, 5)
    with pytest.raises(IndexError):
        rows[np.array([23])]
