"""Streaming safetensors: read tensors as memory maps, write a file tensor by tensor.

The format: an 8-byte little-endian header length, a JSON header (``name -> {dtype, shape,
data_offsets}`` plus optional ``__metadata__``), then the raw little-endian bytes. Reading through
``numpy.memmap`` and writing row ranges straight from the source keeps the peak memory near the
size of the rows that really change, and keeps every untouched byte bit-identical.
"""

from __future__ import annotations

import json
import struct
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

from tokadapt.errors import DataError, InputFileError

#: safetensors dtype -> numpy storage dtype (BF16 is stored as raw uint16)
NP_DTYPES: dict[str, str] = {
    "F64": "<f8",
    "F32": "<f4",
    "F16": "<f2",
    "BF16": "<u2",
    "I64": "<i8",
    "I32": "<i4",
    "I16": "<i2",
    "I8": "i1",
    "U8": "u1",
    "BOOL": "?",
}
FLOAT_DTYPES = ("F64", "F32", "F16", "BF16")
_CHUNK_BYTES = 64 << 20
_MAX_HEADER = 100 << 20  # the safetensors format's own limit
#: byte sizes of the dtypes the format defines (those tokadapt cannot read are refused on use)
_ITEMSIZE = {
    **{k: np.dtype(v).itemsize for k, v in NP_DTYPES.items()},
    "U16": 2,
    "U32": 4,
    "U64": 8,
    "F8_E4M3": 1,
    "F8_E5M2": 1,
}


@dataclass(frozen=True)
class TensorInfo:
    name: str
    dtype: str
    shape: tuple[int, ...]
    begin: int  # absolute file offsets
    end: int


def _tensor_info(path: Path, name: str, entry: Any, start: int, file_size: int) -> TensorInfo:
    """One header entry, checked: known dtype, integer shape, offsets inside the file that
    match the shape (a corrupt header raises :class:`DataError` naming file and tensor)."""
    try:
        dtype, shape, offsets = entry["dtype"], entry["shape"], entry["data_offsets"]
        if dtype not in _ITEMSIZE:
            raise ValueError(f"unknown dtype {dtype!r}")
        if not isinstance(shape, list) or not all(
            isinstance(d, int) and not isinstance(d, bool) and d >= 0 for d in shape
        ):
            raise ValueError(f"shape {shape!r} is not a list of sizes")
        begin, end = (int(o) for o in offsets)
        if not all(isinstance(o, int) and not isinstance(o, bool) for o in offsets):
            raise ValueError(f"data_offsets {offsets!r} are not integers")
        expected = int(np.prod(shape, dtype=np.int64)) * _ITEMSIZE[dtype]
        if not 0 <= begin <= end or end - begin != expected or start + end > file_size:
            raise ValueError(
                f"data_offsets {offsets} do not fit shape {shape} of {dtype} in a file of "
                f"{file_size} bytes"
            )
    except (KeyError, TypeError, ValueError) as exc:
        raise DataError(
            f"{path}: tensor {name!r} has a corrupt header entry ({exc}); re-download or re-save "
            "the checkpoint"
        ) from exc
    return TensorInfo(name, dtype, tuple(shape), start + begin, start + end)


class SafetensorsFile:
    """Header of one ``.safetensors`` file plus memory-mapped access to its tensors."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        try:
            file_size = self.path.stat().st_size
            with self.path.open("rb") as handle:
                (size,) = struct.unpack("<Q", handle.read(8))
                if size > min(file_size - 8, _MAX_HEADER):
                    raise ValueError(f"header length {size} exceeds the file ({file_size} bytes)")
                header = json.loads(handle.read(size).decode("utf-8"))
        except (OSError, struct.error, ValueError) as exc:
            raise DataError(
                f"{self.path}: not a readable safetensors file ({exc}); the file is truncated "
                "or not safetensors: re-download or re-save it"
            ) from exc
        if not isinstance(header, dict):
            raise DataError(f"{self.path}: the safetensors header is not a JSON object")
        metadata = header.pop("__metadata__", None) or {}
        self.metadata: dict[str, str] = metadata if isinstance(metadata, dict) else {}
        start = 8 + size
        self.tensors = {
            name: _tensor_info(self.path, name, v, start, file_size) for name, v in header.items()
        }
        self._map: np.memmap | None = None

    def array(self, name: str) -> np.ndarray:
        """The tensor as a read-only numpy view (BF16 as uint16 bit patterns)."""
        info = self.tensors[name]
        if info.dtype not in NP_DTYPES:
            raise InputFileError(f"{self.path}: tensor {name} has unsupported dtype {info.dtype}")
        if self._map is None:
            self._map = np.memmap(self.path, dtype=np.uint8, mode="r")
        raw = self._map[info.begin : info.end]
        return raw.view(NP_DTYPES[info.dtype]).reshape(info.shape)

    def byte_chunks(self, name: str, begin: int = 0, end: int | None = None) -> Iterator[bytes]:
        """Raw bytes ``[begin, end)`` of tensor ``name`` (relative offsets), in chunks."""
        info = self.tensors[name]
        stop = info.end if end is None else info.begin + end
        with self.path.open("rb") as handle:
            handle.seek(info.begin + begin)
            remaining = stop - info.begin - begin
            while remaining > 0:
                chunk = handle.read(min(_CHUNK_BYTES, remaining))
                if not chunk:
                    raise InputFileError(f"{self.path}: truncated inside tensor {name}")
                remaining -= len(chunk)
                yield chunk


def to_float32(array: np.ndarray, dtype: str) -> np.ndarray:
    """Values of a stored tensor as float32 (BF16 widened exactly)."""
    if dtype == "BF16":
        return (array.astype(np.uint32) << 16).view(np.float32)
    if dtype not in FLOAT_DTYPES:
        raise InputFileError(f"embedding tensors must be floating point, found {dtype}")
    return array.astype(np.float32, copy=False)


def from_float32(values: np.ndarray, dtype: str) -> np.ndarray:
    """float32 values in a storage dtype (BF16 with round-to-nearest-even)."""
    values = np.ascontiguousarray(values, dtype=np.float32)
    if dtype == "BF16":
        bits = values.view(np.uint32)
        rounded = bits + (0x7FFF + ((bits >> 16) & 1))
        return (rounded >> 16).astype(np.uint16)
    return values.astype(NP_DTYPES[dtype])


@dataclass
class OutTensor:
    """A tensor to write: its header facts and a producer of its bytes in order."""

    name: str
    dtype: str
    shape: tuple[int, ...]
    chunks: Callable[[], Iterable[bytes | np.ndarray]]

    @property
    def nbytes(self) -> int:
        return int(np.prod(self.shape, dtype=np.int64)) * np.dtype(NP_DTYPES[self.dtype]).itemsize


def write_safetensors(path: Path, tensors: list[OutTensor], metadata: dict[str, str]) -> int:
    """Write ``tensors`` (in order) to ``path``; returns the data size in bytes."""
    header: dict[str, Any] = {"__metadata__": metadata} if metadata else {}
    offset = 0
    for tensor in tensors:
        header[tensor.name] = {
            "dtype": tensor.dtype,
            "shape": list(tensor.shape),
            "data_offsets": [offset, offset + tensor.nbytes],
        }
        offset += tensor.nbytes
    blob = json.dumps(header, separators=(",", ":")).encode("utf-8")
    blob += b" " * (-len(blob) % 8)
    with path.open("wb") as handle:
        handle.write(struct.pack("<Q", len(blob)))
        handle.write(blob)
        for tensor in tensors:
            _write_tensor(handle, tensor)
    return offset


def _write_tensor(handle: BinaryIO, tensor: OutTensor) -> None:
    written = 0
    for chunk in tensor.chunks():
        data = np.ascontiguousarray(chunk) if isinstance(chunk, np.ndarray) else chunk
        view = memoryview(data)  # type: ignore[arg-type]
        handle.write(view)
        written += view.nbytes
    if written != tensor.nbytes:  # an internal invariant, not user input
        raise RuntimeError(f"tensor {tensor.name}: wrote {written} bytes, expected {tensor.nbytes}")
