"""A memory budget for the similarity search (``--max-memory 4GB``).

The search kernels hold, besides the embeddings themselves, the running top-k' candidate lists
of both directions (``(n_q * k_q + n_t * k_t) * 12`` bytes), the exact float64 results and one
similarity block of ``block_q x block_t`` entries with its selection temporaries. Under a
budget, :func:`plan_blocks` gives the largest block (targets first, then queries) whose
estimate fits; the answer is the same for every block size (blocks only change how the
similarity matrix is visited; :mod:`tokadapt.eval.exact` makes the top-k exact), so the bounded
and unbounded runs return identical results. The embeddings are not counted: load them with
``np.load(..., mmap_mode="r")`` to let the OS page them.

The budget is set for a scope with :func:`limits` (a context variable, so every kernel call
inside ``run_bli`` sees it without threading a parameter through each stage).
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, Literal

from tokadapt.errors import ConfigError

Index = Literal["exact", "hnsw", "ivf", "ivfpq"]
INDEXES: tuple[Index, ...] = ("exact", "hnsw", "ivf", "ivfpq")
#: bytes per similarity-block entry: float32 scores plus selection temporaries (measured on
#: the numpy and torch kernels: argpartition/topk indices, masks, transposed copies)
BLOCK_ENTRY_BYTES = 32
CANDIDATE_BYTES = 12  # float32 score + int64 index
RESULT_BYTES = 16  # float64 score + int64 index
_UNITS = {"": 1, "B": 1, "KB": 10**3, "MB": 10**6, "GB": 10**9, "TB": 10**12}
_UNITS |= {"KIB": 2**10, "MIB": 2**20, "GIB": 2**30, "TIB": 2**40}


@dataclass(frozen=True)
class Limits:
    """Scale options of one search scope; ``report`` collects what an approximate index saw."""

    max_memory: int | None = None
    csls_index: Index = "exact"
    report: dict[str, Any] = field(default_factory=dict, compare=False)
    #: approximate indexes: IVF lists and lists probed (None: the plan's rule), recall sample
    nlist: int | None = None
    nprobe: int | None = None
    recall_sample: int = 1000


_CURRENT: ContextVar[Limits] = ContextVar("tokadapt_bli_limits", default=Limits())  # noqa: B039


def current() -> Limits:
    return _CURRENT.get()


@contextlib.contextmanager
def limits(
    max_memory: int | str | None = None,
    csls_index: str = "exact",
    *,
    nlist: int | None = None,
    nprobe: int | None = None,
    recall_sample: int = 1000,
) -> Iterator[Limits]:
    """Scope in which the search kernels respect ``max_memory`` and use ``csls_index``."""
    if csls_index not in INDEXES:
        raise ConfigError(f"csls index must be one of {', '.join(INDEXES)}, got {csls_index!r}")
    for name, value in (("nlist", nlist), ("nprobe", nprobe), ("recall_sample", recall_sample)):
        if value is not None and value < 1:
            raise ConfigError(f"{name} must be >= 1, got {value}")
    budget = parse_memory(max_memory) if isinstance(max_memory, str) else max_memory
    scope = Limits(budget, csls_index, {}, nlist, nprobe, recall_sample)
    token = _CURRENT.set(scope)
    try:
        yield scope
    finally:
        _CURRENT.reset(token)


def parse_memory(text: str) -> int:
    """``"4GB"``, ``"512MiB"``, ``"2.5G"`` or a byte count -> bytes."""
    match = re.fullmatch(r"\s*([0-9]*\.?[0-9]+)\s*([KMGT]?I?B?)\s*", text.upper())
    unit = match.group(2) if match else ""
    if unit and not unit.endswith("B"):
        unit += "B"
    if not match or unit not in _UNITS:
        raise ConfigError(
            f"memory size {text!r} is not understood; write a number with a unit, like 4GB, "
            "512MB or 2GiB"
        )
    return int(float(match.group(1)) * _UNITS[unit])


def fixed_bytes(nq: int, nt: int, kq: int, kt: int) -> int:
    """Candidate lists of both directions plus their exact float64 results."""
    return (nq * kq + nt * kt) * CANDIDATE_BYTES + (nq * kq + nt * kt) * RESULT_BYTES


def plan_blocks(
    nq: int, nt: int, kq: int, kt: int, budget: int, block_q: int, block_t: int
) -> tuple[int, int]:
    """The largest ``(block_q, block_t)`` (at most the given defaults) that fits ``budget``."""
    room = budget - fixed_bytes(nq, nt, kq, kt)
    min_block = 64 * 64 * BLOCK_ENTRY_BYTES
    if room < min_block:
        need = fixed_bytes(nq, nt, kq, kt) + min_block
        raise ConfigError(
            f"--max-memory {budget / 1e9:.2f} GB is too small for {nq} x {nt} vectors with "
            f"k={max(kq, kt)} candidates: the candidate lists alone need "
            f"{fixed_bytes(nq, nt, kq, kt) / 1e9:.2f} GB. Allow at least {need / 1e9:.2f} GB"
        )
    entries = room // BLOCK_ENTRY_BYTES
    bt = max(64, min(block_t, nt, entries // 64))
    bq = max(1, min(block_q, nq, entries // bt))
    return bq, bt
