"""Row blocks of big (memory-mapped) matrices, with the process's memory kept in view.

A matrix loaded with ``np.load(path, mmap_mode="r")`` costs no memory until it is read, but
every page read stays *resident* in the process (file-backed RSS) until the process drops it,
and a read of one random row maps the whole fault-around window (64 KiB) around it: gathering
50,000 random rows of a 3 GB mapping made 2.2 GB resident here.
:func:`block` and :func:`gather` copy the rows asked for and then drop the mapping's resident
pages (``madvise(MADV_DONTNEED)``; the OS page cache keeps them, so a reread is cheap), so a
pass over a 3 GB mapped matrix raises the peak RSS by one block, not by 3 GB. For arrays in
memory both are plain copies.

:func:`rss_bytes` and :func:`peak_rss_bytes` read the process's current and peak resident set
(``/proc/self/statm``; ``getrusage``), which the ``--max-memory`` plans are checked against.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import mmap
import os
import resource
import sys
from typing import Any

import numpy as np

#: rows read per step from a mapping: each read maps the kernel's fault-around window (64 KiB
#: of page cache) into the process, so a step can add up to ``GATHER_ROWS * 64 KiB`` of RSS
GATHER_ROWS = 1024
FAULT_AROUND = 65536


def _mapping(x: np.ndarray) -> Any:
    """The ``mmap`` object behind ``x`` (a ``np.memmap`` or a view of one), else None."""
    node: Any = x
    while node is not None:
        mm = getattr(node, "_mmap", None)
        if mm is not None:
            return mm
        node = getattr(node, "base", None)
    return None


def is_mapped(x: np.ndarray) -> bool:
    return _mapping(x) is not None


def release(x: np.ndarray) -> None:
    """Drop the resident pages of ``x``'s file mapping (no-op for arrays in memory)."""
    mm = _mapping(x)
    if mm is not None and hasattr(mmap, "MADV_DONTNEED") and not mm.closed:
        mm.madvise(mmap.MADV_DONTNEED)


def block(x: np.ndarray, start: int, stop: int, dtype: type = np.float32) -> np.ndarray:
    """A contiguous ``dtype`` copy of rows ``start:stop``; mapped pages released after."""
    out: np.ndarray = np.array(x[start:stop], dtype=dtype, order="C", copy=True)
    release(x)
    return out


def gather(x: np.ndarray, ids: np.ndarray, dtype: type = np.float64) -> np.ndarray:
    """``x[ids]`` as a ``dtype`` copy (any shape of ``ids``); mapped pages released every
    :data:`GATHER_ROWS` rows."""
    flat = np.asarray(ids, dtype=np.int64).ravel()
    order = np.argsort(flat, kind="stable")  # sorted reads: sequential pages, fewer faults
    rows: np.ndarray = np.empty((len(flat), x.shape[1]), dtype=dtype)
    step = GATHER_ROWS if is_mapped(x) else max(1, len(flat))
    for start in range(0, len(flat), step):
        part = order[start : start + step]
        rows[part] = x[flat[part]]
        release(x)
    return rows.reshape(*np.shape(ids), x.shape[1])


def rss_bytes() -> int:
    """The process's current resident set (anonymous + file-backed pages)."""
    try:
        with open("/proc/self/statm") as handle:
            return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:  # not Linux: the peak is an upper bound of the current value
        return peak_rss_bytes()


def peak_rss_bytes() -> int:
    """The process's peak resident set so far.

    Linux: ``VmHWM`` of this address space. ``ru_maxrss`` is not used there: it survives
    ``fork`` + ``exec``, so a child started by a large process reports its parent's peak.
    Elsewhere ``ru_maxrss`` (bytes on macOS).
    """
    try:
        with open("/proc/self/status") as handle:
            for line in handle:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return int(peak if sys.platform == "darwin" else peak * 1024)


def trim() -> None:
    """Return freed heap memory to the OS (glibc ``malloc_trim``), so that :func:`rss_bytes`
    measures what is held, not what was freed (a no-op elsewhere)."""
    name = ctypes.util.find_library("c")
    if sys.platform.startswith("linux") and name:
        ctypes.CDLL(name).malloc_trim(0)
