"""A read-only, file-backed row table that never keeps the checkpoint resident in memory.

Indexing a memory map touches (and keeps resident) every page it reads; gathering 100k random
rows of a 250k-row embedding would make the whole matrix resident. :class:`FileRows` answers
``table[a:b]`` and ``table[int_array]`` with plain positioned reads, converting to float32, so
the strategies' peak memory is their output plus one block.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from tokadapt.io.safetensors_io import NP_DTYPES, to_float32

_BLOCK_ROWS = 8192


class FileRows:
    """Rows ``[0, rows)`` of a row-major matrix stored at ``offset`` in ``path``."""

    def __init__(self, path: Path, offset: int, rows: int, cols: int, dtype: str) -> None:
        self.path, self.offset, self.dtype = path, offset, dtype
        self.shape = (rows, cols)
        self._np = np.dtype(NP_DTYPES[dtype])
        self._row_bytes = cols * self._np.itemsize

    def _read(self, start: int, stop: int) -> np.ndarray:
        count = stop - start
        with self.path.open("rb") as handle:
            handle.seek(self.offset + start * self._row_bytes)
            raw = np.fromfile(handle, dtype=self._np, count=count * self.shape[1])
        return to_float32(raw.reshape(count, self.shape[1]), self.dtype)

    def __len__(self) -> int:
        return self.shape[0]

    def __getitem__(self, key: slice | np.ndarray) -> np.ndarray:
        if isinstance(key, slice):
            start, stop, step = key.indices(self.shape[0])
            if step != 1:
                raise IndexError("FileRows supports contiguous slices only")
            return self._read(start, max(start, stop))
        ids = np.asarray(key, dtype=np.int64)
        if ids.size and (ids.min() < 0 or ids.max() >= self.shape[0]):
            raise IndexError(f"row index out of range [0, {self.shape[0]})")
        return self._gather(ids)

    def _gather(self, ids: np.ndarray) -> np.ndarray:
        """Scan the blocks that hold requested rows; pick the rows out of each block."""
        out = np.empty((ids.size, self.shape[1]), dtype=np.float32)
        order = np.argsort(ids, kind="stable")
        sorted_ids = ids[order]
        lo = 0
        while lo < sorted_ids.size:
            start = int(sorted_ids[lo])
            stop = min(start + _BLOCK_ROWS, self.shape[0])
            hi = int(np.searchsorted(sorted_ids, stop, side="left"))
            block = self._read(start, stop)
            out[order[lo:hi]] = block[sorted_ids[lo:hi] - start]
            lo = hi
        return out
