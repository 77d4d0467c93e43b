"""The one registry of retrieval criteria: nn, csls, isf, margin (used by BLI and retrieval).

* ``nn``: cosine (inner product of unit vectors).
* ``csls``: ``2 cos(x, y) - r_T(x) - r_S(y)`` where ``r_T(x)`` is the mean similarity of ``x`` to
  its ``k`` nearest targets and ``r_S(y)`` that of ``y`` to its ``k`` nearest source words. Both
  neighbourhoods come from one pass over the source x target similarities; the ranking is then
  one more kNN with a per-target bias ``-r_S(y) / 2`` (an extra dimension for FAISS).
* ``isf``: inverted softmax (Smith et al. 2017):
  ``beta cos(x, y) - log sum_x' exp(beta cos(x', y))`` over the source vocabulary;
  ranked as ``cos + bias`` with ``bias = -logsumexp / beta``.
* ``margin``: the ratio margin of Artetxe & Schwenk (2019),
  ``cos(x, y) / ((r_T(x) + r_S(y)) / 2)`` with ``k = 4`` neighbours, exact in float64.

Adding a criterion is one function decorated with :func:`method` here: the CLIs' ``choices=``,
the validation of :func:`translate` and the retrieval harness all read :data:`METHODS`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from tokadapt.errors import ConfigError
from tokadapt.eval import search
from tokadapt.eval.budget import current as current_limits
from tokadapt.eval.exact import TopK

CSLS_K = 10
ISF_BETA = 30.0
MARGIN_K = 4


@dataclass(frozen=True)
class Params:
    """Hyper-parameters of the criteria (each method reads the ones it needs)."""

    csls_k: int = CSLS_K
    isf_beta: float = ISF_BETA
    margin_k: int = MARGIN_K
    backend: str = "auto"


#: ``(src, tgt, query_rows, k, params) -> TopK`` over all of ``tgt``.
Method = Callable[[np.ndarray, np.ndarray, np.ndarray, int, Params], TopK]
METHODS: dict[str, Method] = {}
#: other names accepted for a method (the retrieval CLI's historical ``cosine``)
ALIASES: dict[str, str] = {"cosine": "nn"}


def method(name: str) -> Callable[[Method], Method]:
    """Register a retrieval criterion under ``name``."""

    def add(fn: Method) -> Method:
        METHODS[name] = fn
        return fn

    return add


@method("nn")
def _nn(src: np.ndarray, tgt: np.ndarray, rows: np.ndarray, k: int, p: Params) -> TopK:
    return search.knn(src[rows], tgt, k, backend=p.backend)


@method("csls")
def _csls(src: np.ndarray, tgt: np.ndarray, rows: np.ndarray, k: int, p: Params) -> TopK:
    if p.csls_k < 1:
        raise ConfigError(f"csls k must be >= 1, got {p.csls_k}")
    if search.resolve_backend(p.backend) == "torch-cuda" and current_limits().csls_index == "exact":
        from tokadapt.eval import kernel_device  # both passes and float64 on the device

        kk = search.exact.candidate_count(max(k, p.csls_k), max(len(src), len(tgt)))
        blocks = search.device_blocks(len(src), len(tgt), kk, kk, search.BLOCK_Q, search.BLOCK_T)
        return kernel_device.csls(src, tgt, rows, k, p.csls_k, **blocks)
    if current_limits().csls_index != "exact":  # every stage from an approximate index
        from tokadapt.eval import approx

        return approx.csls(src, tgt, rows, k, p.csls_k, current_limits())
    r_src, r_tgt = search.neighbourhood_means(src, tgt, p.csls_k, backend=p.backend)
    top = search.knn(src[rows], tgt, k, bias=-r_tgt / 2.0, backend=p.backend)
    return TopK(2.0 * top.scores - r_src[rows][:, None], top.indices)


@method("isf")
def _isf(src: np.ndarray, tgt: np.ndarray, rows: np.ndarray, k: int, p: Params) -> TopK:
    bias = isf_bias(src, tgt, p.isf_beta)
    return search.knn(src[rows], tgt, k, bias=bias, backend=p.backend)


@method("margin")
def _margin(src: np.ndarray, tgt: np.ndarray, rows: np.ndarray, k: int, p: Params) -> TopK:
    r_src, r_tgt = search.neighbourhood_means(src, tgt, p.margin_k, backend=p.backend)
    t64 = tgt.astype(np.float64)
    k = min(k, len(tgt))
    scores, indices = np.empty((len(rows), k)), np.empty((len(rows), k), dtype=np.int64)
    for s in range(0, len(rows), 1024):
        block = rows[s : s + 1024]
        cos = src[block].astype(np.float64) @ t64.T
        score = cos / ((r_src[block, None] + r_tgt[None, :]) / 2.0)
        idx = np.broadcast_to(np.arange(len(tgt)), score.shape)
        order = np.lexsort((idx, -score), axis=-1)[:, :k]
        scores[s : s + len(block)] = np.take_along_axis(score, order, 1)
        indices[s : s + len(block)] = order
    return TopK(scores, indices)


RETRIEVALS: tuple[str, ...] = tuple(METHODS)


def canonical(name: str) -> str:
    """The registered name for ``name`` (resolving aliases); ConfigError for an unknown one."""
    name = ALIASES.get(name, name)
    if name not in METHODS:
        raise ConfigError(f"retrieval must be one of {', '.join(METHODS)}, got {name!r}")
    return name


def isf_bias(
    src: np.ndarray, tgt: np.ndarray, beta: float = ISF_BETA, block: int = 4096
) -> np.ndarray:
    """``-log(sum_x exp(beta cos(x, y))) / beta`` per target, blocked, in float64."""
    budget = current_limits().max_memory
    width = len(tgt) if budget is None else max(1, budget // (3 * 8 * block))
    if width < len(tgt):  # bounded: target slices (same per-target sums, so same result)
        return np.concatenate(
            [isf_bias(src, tgt[t : t + width], beta, block) for t in range(0, len(tgt), width)]
        )
    t64 = tgt.astype(np.float64)
    running = np.full(len(tgt), -np.inf)
    for s in range(0, len(src), block):
        z = beta * (src[s : s + block].astype(np.float64) @ t64.T)
        m = np.maximum(z.max(0), running)
        running = m + np.log(np.exp(running - m) + np.exp(z - m).sum(0))
    return -running / beta


def translate(
    src: np.ndarray,
    tgt: np.ndarray,
    query_rows: np.ndarray | None,
    k: int,
    *,
    retrieval: str = "nn",
    csls_k: int = CSLS_K,
    isf_beta: float = ISF_BETA,
    margin_k: int = MARGIN_K,
    backend: str = "auto",
) -> TopK:
    """Top-``k`` targets for ``src[query_rows]`` (all rows if None) under ``retrieval``.

    ``src``/``tgt`` should be unit-length and already mapped into one space. Scores are the
    criterion's value (cosine, CSLS, ISF's ``cos + bias`` or the margin), float64, ties by
    target index.
    """
    fn = METHODS[canonical(retrieval)]
    rows = np.arange(len(src)) if query_rows is None else np.asarray(query_rows, dtype=np.int64)
    return fn(src, tgt, rows, k, Params(csls_k, isf_beta, margin_k, backend))


def csls_matrix(src: np.ndarray, tgt: np.ndarray, csls_k: int = CSLS_K) -> np.ndarray:
    """Dense CSLS scores (small inputs only): the reference the blocked path is tested against."""
    sim = src.astype(np.float64) @ tgt.astype(np.float64).T
    kt, ks = min(csls_k, sim.shape[1]), min(csls_k, sim.shape[0])
    r_src = -np.sort(-sim, axis=1)[:, :kt].mean(1)
    r_tgt = -np.sort(-sim, axis=0)[:ks, :].mean(0)
    return 2 * sim - r_src[:, None] - r_tgt[None, :]
