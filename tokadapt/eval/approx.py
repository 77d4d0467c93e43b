"""Approximate CSLS with a FAISS index (HNSW, IVF or IVF-PQ), within a memory budget.

CSLS needs ``r_S(y)``, the mean similarity of every target ``y`` to its ``k`` nearest sources,
``r_T(x)`` for every query ``x`` over the targets, then the best targets by
``2 cos(x, y) - r_T(x) - r_S(y)``. Exact, that is two full ``n_s x n_t`` passes. Here:

1. the source side is indexed and searched with every target: ``r_S``; the index is freed;
2. the target side is indexed with one extra column ``-r_S(y) / 2``; the queries searched
   with a ``0`` in that column give their cosine neighbours (``r_T``), with a ``1`` their best
   ``cos - r_S / 2``, i.e. the CSLS ranking (candidates of both probes, merged: with the bias
   alone IVF probed the wrong lists for 12 % of the queries at 100k words).

Every candidate the index returns is rescored exactly in float64 from the original vectors and
sorted by (score desc, index asc), so the only approximation is a missed candidate. Recall@k of
each stage against an exact search on a seeded sample (:mod:`tokadapt.eval.recall`) goes to the
scope's report. Index and block sizes come from :mod:`tokadapt.eval.approx_plan`; inputs may be
memory-mapped (:mod:`tokadapt.eval.rows` reads them block by block).
"""

from __future__ import annotations

import logging
import time
from typing import Any

import numpy as np

from tokadapt.eval import approx_index, recall, rows
from tokadapt.eval.approx_index import Side
from tokadapt.eval.approx_plan import IndexPlan, plan
from tokadapt.eval.budget import Limits
from tokadapt.eval.exact import TopK

log = logging.getLogger(__name__)


def _index(scope: Limits, data: Side, k: int, held_bytes: int) -> tuple[Any, IndexPlan]:
    """Plan (under the scope's budget) and build the index of ``data``."""
    rows.trim()  # what earlier stages freed is not held: plan against what is
    p = plan(
        scope.csls_index,
        len(data.matrix),
        data.matrix.shape[1],
        k,
        bias=data.bias is not None,
        budget=scope.max_memory,
        baseline=rows.rss_bytes(),
        rows_bytes=held_bytes,
        nlist=scope.nlist,
        nprobe=scope.nprobe,
    )
    log.info("building a %s index (%s codes) of %d x %d rows", p.kind, p.encoding, p.n, p.dim)
    start = time.perf_counter()
    index = approx_index.build(data, p)
    scope.report.setdefault("indexes", []).append(
        {"plan": p.as_dict(), "build_s": round(time.perf_counter() - start, 2)}
    )
    return index, p


def _stage(
    scope: Limits,
    name: str,
    built: tuple[Any, IndexPlan],
    data: Side,
    queries: Side,
    k: int,
    col: float,
    probes: tuple[float, ...] | None = None,
) -> TopK:
    """Search ``queries`` in the built index; recall@k on a sample goes to the report."""
    start = time.perf_counter()
    top = approx_index.search(*built, data, queries, k, col, probes)
    seconds = time.perf_counter() - start
    rec = recall.sampled(queries, data, top, k, col, size=scope.recall_sample)
    rec |= {"queries": len(queries), "search_s": round(seconds, 2)}
    scope.report.setdefault("stages", {})[name] = rec
    log.info("approximate %s (%s): recall@%d %.4f", name, scope.csls_index, k, rec["recall"])
    return top


def _held(*shapes: tuple[int, int]) -> int:
    """Bytes of TopK results (float64 + int64) of the given shapes, plus r terms."""
    return sum(n * (16 * k + 16) for n, k in shapes)


def csls(
    src: np.ndarray, tgt: np.ndarray, query_rows: np.ndarray, k: int, csls_k: int, scope: Limits
) -> TopK:
    """Approximate CSLS top-``k`` of ``src[query_rows]`` over ``tgt`` (exactly rescored)."""
    kt, ks, k = min(csls_k, len(src)), min(csls_k, len(tgt)), min(k, len(tgt))
    queries = Side(src, rows=np.asarray(query_rows, dtype=np.int64))
    nq = len(queries)
    built = _index(scope, Side(src), kt, _held((len(tgt), kt)))
    r_tgt = _mean(_stage(scope, "r_S: targets over sources", built, Side(src), Side(tgt), kt, 0))
    del built
    target = Side(tgt, bias=-r_tgt / 2.0)
    built = _index(scope, target, max(ks, k), _held((len(tgt), 0), (nq, ks), (nq, k)))
    r_src = _mean(_stage(scope, "r_T: queries over targets", built, target, queries, ks, 0.0))
    top = _stage(scope, "CSLS ranking", built, target, queries, k, 1.0, (0.0, 1.0))
    del built
    _finish(scope)
    return TopK(2.0 * top.scores - r_src[:, None], top.indices)


def neighbourhood_means(
    src: np.ndarray, tgt: np.ndarray, k: int, scope: Limits
) -> tuple[np.ndarray, np.ndarray]:
    """Approximate ``(r_src, r_tgt)`` for every row of both sides; recall goes to the report."""
    ks, kt = min(k, len(tgt)), min(k, len(src))
    built = _index(scope, Side(tgt), ks, _held((len(src), ks)))
    r_src = _mean(_stage(scope, "r_T: sources over targets", built, Side(tgt), Side(src), ks, 0))
    del built
    built = _index(scope, Side(src), kt, _held((len(src), 0), (len(tgt), kt)))
    r_tgt = _mean(_stage(scope, "r_S: targets over sources", built, Side(src), Side(tgt), kt, 0))
    del built
    _finish(scope)
    return r_src, r_tgt


def _finish(scope: Limits) -> None:
    scope.report["csls_index"] = scope.csls_index
    scope.report["peak_rss_bytes"] = rows.peak_rss_bytes()
    if scope.max_memory is not None:
        scope.report["max_memory_bytes"] = scope.max_memory


def _mean(top: TopK) -> np.ndarray:
    """Mean of each row's finite scores (a row short of ``k`` neighbours averages fewer)."""
    finite = np.isfinite(top.scores)
    total = np.where(finite, top.scores, 0.0).sum(1)
    return np.asarray(total / np.maximum(finite.sum(1), 1))
