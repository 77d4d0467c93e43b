"""Memory plan of an approximate FAISS index (``--csls-index hnsw|ivf|ivfpq`` x ``--max-memory``).

One index is alive at a time (CSLS indexes the source side, searches it with every target for
``r_S``, frees it, then indexes the target side). The process's peak resident set is then about

    baseline (what the process holds when the search starts: interpreter, libraries, inputs in
    memory; memory-mapped inputs count only for the pages read)
    + the index (codes + ids + coarse centroids, or the HNSW graph)
    + one query block (queries, their padded copies, FAISS's coarse lists and results, the
      exact rescoring's pair arrays: :func:`tokadapt.eval.rescore.work_bytes`)
    + the per-row results (``r`` terms, top-k).

:func:`plan` picks, for each index kind, the most precise encoding whose estimate fits the
budget (``ivf``/``hnsw``: float32 ``flat``, then 8-bit ``sq8``; ``ivfpq``: 4-bit product
quantization, FAISS fast-scan, ``d/8`` bytes a vector) and the largest query block that fits.
Coded (approximate) scores only *select* candidates: every candidate is rescored exactly in
float64, and coarser codes fetch more candidates.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

from tokadapt.errors import ConfigError
from tokadapt.eval import rows
from tokadapt.eval.rescore import work_bytes

HNSW_M = 32
ENCODINGS: dict[str, tuple[str, ...]] = {
    "hnsw": ("flat", "sq8"),
    "ivf": ("flat", "sq8"),
    "ivfpq": ("pq4",),
}
CANDIDATE_FACTOR = {"flat": 1, "sq8": 2, "pq4": 4}
PAD = 8
MAX_QUERY_BLOCK = 262144
MIN_QUERY_BLOCK = 64
COARSE_SCRATCH = 4096 * 1024 * 4 * 2  # FAISS's blocked coarse-quantizer distances
SLACK = 128 * 2**20  # allocator, BLAS and FAISS scratch not modelled above
#: recall@k is measured on SAMPLE query rows; its exact search visits BLOCK_ENTRIES
#: similarities at a time (:mod:`tokadapt.eval.recall`)
SAMPLE = 1000
BLOCK_ENTRIES = 2**20
TRAIN_PER_LIST = 39  # FAISS's k-means wants >= 39 points per centroid
PQ_MIN_ROWS = 1024  # fewer rows: ivfpq keeps float32 codes (PQ training needs data)


@dataclass(frozen=True)
class IndexPlan:
    kind: str
    encoding: str
    dim: int  # index dimension: the vectors (+ a bias column) zero-padded to a multiple of 4
    n: int
    nlist: int
    nprobe: int
    candidates: int  # per query, before exact rescoring
    query_block: int
    index_bytes: int
    estimate_bytes: int  # estimated peak resident set of the whole process

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def padded_dim(d: int, bias: bool) -> int:
    return 4 * math.ceil((d + int(bias)) / 4)


def ivf_lists(n: int) -> tuple[int, int]:
    """``(nlist, nprobe)``: ``2 sqrt(n)`` lists (at least 39 points each), 1/4 of them probed
    (at most 16: the search cost then grows like ``sqrt(n)`` per query)."""
    nlist = max(1, min(int(2 * math.sqrt(n)), n // TRAIN_PER_LIST))
    return nlist, max(1, min(16, nlist // 4))


def code_bytes(encoding: str, dim: int) -> int:
    return {"flat": 4 * dim, "sq8": dim, "pq4": dim // 8 + 1}[encoding]


def index_bytes(kind: str, encoding: str, n: int, dim: int, nlist: int) -> int:
    codes = n * code_bytes(encoding, dim)
    if kind == "hnsw":
        return codes + n * (2 * HNSW_M * 4 + 16) + 2 * dim * 4  # level-0 links, levels, SQ ranges
    fastscan_pad = nlist * 32 * code_bytes(encoding, dim) if encoding == "pq4" else 0
    return codes + n * 8 + nlist * dim * 4 + fastscan_pad  # codes, ids, centroids, blocks of 32


def _work(dim: int, nlist: int, cand: int, block: int) -> int:
    """One query block: float32 copies, FAISS's coarse lists and results, exact rescoring."""
    search = block * (dim * 8 + cand * 12 + 16 * 12) + COARSE_SCRATCH
    recall = BLOCK_ENTRIES * 32 + SAMPLE * dim * 8  # the sampled exact search, after the block
    rescore = work_bytes(block, cand, dim) + rows.GATHER_ROWS * rows.FAULT_AROUND
    return max(search + rescore, recall)


def _one(
    kind: str,
    encoding: str,
    n: int,
    d: int,
    k: int,
    bias: bool,
    room: int | None,
    base: int,
    block: int = MAX_QUERY_BLOCK,
    lists: tuple[int | None, int | None] = (None, None),
) -> IndexPlan | None:
    dim = padded_dim(d, bias)
    nlist, nprobe = ivf_lists(n) if kind != "hnsw" else (0, 0)
    if kind != "hnsw":
        nlist = min(n, lists[0] or nlist)
        nprobe = min(nlist, lists[1] or nprobe)
    cand = min(n, CANDIDATE_FACTOR[encoding] * k + PAD)
    size = index_bytes(kind, encoding, n, dim, nlist)
    train = min(n, TRAIN_PER_LIST * max(nlist, 256)) * dim * 4 * 2 if encoding != "flat" else 0
    fixed = size + SLACK
    if room is not None:
        while block > MIN_QUERY_BLOCK and fixed + _work(dim, nlist, cand, block) > room:
            block //= 2
        if fixed + max(_work(dim, nlist, cand, block), train) > room:
            return None
    estimate = base + fixed + max(_work(dim, nlist, cand, block), train)
    return IndexPlan(kind, encoding, dim, n, nlist, nprobe, cand, block, size, estimate)


def plan(
    kind: str,
    n: int,
    d: int,
    k: int,
    *,
    bias: bool = False,
    budget: int | None = None,
    baseline: int = 0,
    rows_bytes: int = 0,
    nlist: int | None = None,
    nprobe: int | None = None,
) -> IndexPlan:
    """The plan for indexing ``n`` vectors of dimension ``d`` searched for ``k`` neighbours.

    ``baseline`` is the process's resident set now; ``rows_bytes`` the per-row results that
    will be held besides the index; ``nlist``/``nprobe`` override :func:`ivf_lists`. Raises
    ConfigError when nothing fits ``budget``.
    """
    if kind not in ENCODINGS:
        raise ConfigError(f"index kind must be one of {', '.join(ENCODINGS)}, got {kind!r}")
    base = baseline + rows_bytes
    room = None if budget is None else budget - base
    encodings = ENCODINGS[kind] if kind != "ivfpq" or n >= PQ_MIN_ROWS else ("flat",)
    for encoding in encodings:
        found = _one(kind, encoding, n, d, k, bias, room, base, lists=(nlist, nprobe))
        if found is not None:
            return found
    small = _one(kind, encodings[-1], n, d, k, bias, None, base, MIN_QUERY_BLOCK, (nlist, nprobe))
    assert small is not None and budget is not None
    other = "" if kind == "ivfpq" else " or use --csls-index ivfpq (4-bit codes)"
    raise ConfigError(
        f"--max-memory {budget / 1e9:.2f} GB cannot hold a {kind} index of {n:,} x {d} vectors: "
        f"the process already holds {baseline / 1e9:.2f} GB and the smallest {kind} plan "
        f"needs {small.estimate_bytes / 1e9:.2f} GB in all. Fix: raise --max-memory, pass "
        f"memory-mapped inputs (np.load(..., mmap_mode='r')){other}"
    )
