"""Exact top-k and CSLS computed entirely on one torch device (the ``torch-cuda`` route).

One blocked float32 (optionally TF32) pass proposes ``k' = k + pad`` candidates per query and,
in the same pass, per target (CSLS's reverse neighbourhood; :mod:`tokadapt.eval.kernel_torch`).
The candidates are then rescored in float64 *on the device* (gather of the candidate rows, one
batched product) and sorted by (score desc, index asc). A row is accepted only when its k-th
float64 score exceeds its weakest proposed float32 score by more than :func:`error_bound`:
every unproposed target has an approximate score at most that weakest one, so its exact score
is at most that plus the bound and cannot reach (or tie) the k-th. Rows that fail the proof
(long ties, near-ties at rank k) are recomputed by float64 brute force on the device. The
answer is therefore the float64 brute force's, on CPU torch as on CUDA.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass

import numpy as np
import torch

from tokadapt.eval.exact import PAD, TopK
from tokadapt.eval.kernel_torch import _update

log = logging.getLogger(__name__)

_U32 = 2.0**-24  # unit roundoff of float32
_U_TF32 = 2.0**-11  # TF32 keeps 10 explicit mantissa bits of each input
RESCORE_ROWS = 4096


@dataclass(frozen=True)
class DeviceTopK:
    """:class:`~tokadapt.eval.exact.TopK` as device tensors (float64 scores, int64 indices)."""

    scores: torch.Tensor
    indices: torch.Tensor


def error_bound(d: int, tf32: bool = False) -> float:
    """``c`` with ``|fl(x.y + b) - (x.y + b)| <= c * (|x| |y| + |b|)`` for one float32 product.

    Accumulating ``d`` products in float32 errs by at most ``gamma_d = d u / (1 - d u)`` times
    ``sum |x_i y_i| <= |x| |y|`` (Cauchy-Schwarz), whatever the summation order or blocking;
    TF32 first rounds each input (relative ``u_t = 2^-11``), adding ``(2 u_t + u_t^2) |x| |y|``.
    Adding the (float32-rounded) bias costs two more roundings. A factor 2 covers FMA-free
    kernels and split-K accumulation with one extra rounding per partial sum.
    """
    gamma = (d + 4) * _U32 / (1.0 - (d + 4) * _U32)
    tf = (2.0 * _U_TF32 + _U_TF32**2) if tf32 else 0.0
    return 2.0 * (gamma + tf + 2.0 * _U32)


def _stable_desc(
    scores: torch.Tensor, idx: torch.Tensor, k: int
) -> tuple[torch.Tensor, torch.Tensor]:
    """Top ``k`` per row by (score desc, index asc): index sort, then a stable score sort."""
    idx, order = torch.sort(idx, dim=1, stable=True)
    scores = torch.gather(scores, 1, order)
    scores, order = torch.sort(scores, dim=1, descending=True, stable=True)
    return scores[:, :k], torch.gather(idx, 1, order)[:, :k]


def brute_force(
    q: torch.Tensor, t: torch.Tensor, bias: torch.Tensor | None, k: int, block: int = 8192
) -> tuple[torch.Tensor, torch.Tensor]:
    """Float64 top-k of every row of ``q`` over all of ``t`` (the device reference)."""
    q64 = q.double()
    best_s = torch.full((len(q), 0), -torch.inf, dtype=torch.float64, device=q.device)
    best_i = torch.zeros((len(q), 0), dtype=torch.int64, device=q.device)
    for t0 in range(0, len(t), block):
        tb = t[t0 : t0 + block].double()
        s = q64 @ tb.T
        if bias is not None:
            s += bias[t0 : t0 + block]
        kk = min(k, s.shape[1])
        top_v, top_i = torch.topk(s, kk, dim=1)
        if bool(((s >= top_v[:, -1:]).sum(1) == kk).all()):  # no tie at the block's k-th
            cand_s, cand_i = top_v, top_i + t0
        else:  # ties at the boundary: the whole block, its order settled by the sort below
            cand_s, cand_i = s, torch.arange(t0, t0 + len(tb), device=q.device).expand_as(s)
        best_s, best_i = _stable_desc(
            torch.cat([best_s, cand_s], 1), torch.cat([best_i, cand_i], 1), k
        )
    return best_s, best_i


def rescore(
    q: torch.Tensor,
    t: torch.Tensor,
    bias: torch.Tensor | None,
    cand: torch.Tensor,
    cand_val: torch.Tensor,
    k: int,
    tf32: bool = False,
) -> DeviceTopK:
    """Exact top-k from float32 candidates ``cand`` (n, k'): float64 on the device, verified."""
    n, nt = len(q), len(t)
    k = min(k, nt)
    coef = error_bound(q.shape[1], tf32)
    t_norm = float(t.norm(dim=1).max()) if nt else 0.0
    b_max = float(bias.abs().max()) if bias is not None and nt else 0.0
    scores = torch.empty((n, k), dtype=torch.float64, device=q.device)
    indices = torch.empty((n, k), dtype=torch.int64, device=q.device)
    bad = torch.zeros(n, dtype=torch.bool, device=q.device)
    for r0 in range(0, n, RESCORE_ROWS):
        c = cand[r0 : r0 + RESCORE_ROWS]
        invalid = ((c < 0) | (c >= nt)).any(1)
        c = c.clamp(0, max(nt - 1, 0))
        q64 = q[r0 : r0 + RESCORE_ROWS].double()
        ex = torch.bmm(t[c].double(), q64[:, :, None])[:, :, 0]
        if bias is not None:
            ex += bias[c]
        sc, ix = _stable_desc(ex, c, k)
        scores[r0 : r0 + len(c)], indices[r0 : r0 + len(c)] = sc, ix
        if c.shape[1] < nt:
            tol = coef * (q64.norm(dim=1) * t_norm + b_max) + 1e-30
            floor = cand_val[r0 : r0 + RESCORE_ROWS].double().min(1).values
            srt = torch.sort(c, dim=1).values
            dup = (srt[:, 1:] == srt[:, :-1]).any(1)
            invalid |= (sc[:, k - 1] <= floor + tol) | dup
        bad[r0 : r0 + len(c)] = invalid
    rows = torch.nonzero(bad).flatten()
    if len(rows):
        log.debug(
            "exact fallback on the device for %d of %d rows (near-ties at rank %d)", len(rows), n, k
        )
        fix_s, fix_i = brute_force(q[rows], t, bias, k)
        scores[rows], indices[rows] = fix_s, fix_i
    return DeviceTopK(scores, indices)


def to_numpy(top: DeviceTopK) -> TopK:
    return TopK(top.scores.cpu().numpy(), top.indices.cpu().numpy())


def _propose(
    q: torch.Tensor,
    t: torch.Tensor,
    kq: int,
    kt: int,
    bias32: torch.Tensor | None,
    block_q: int,
    block_t: int,
    tf32: bool,
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """One blocked float32 pass: top-k' per query row and per target column."""
    nq, nt, dev = len(q), len(t), q.device
    row_v = torch.full((nq, kq), -torch.inf, device=dev)
    row_i = torch.full((nq, kq), -1, dtype=torch.int64, device=dev)
    col_v = torch.full((nt, kt), -torch.inf, device=dev)
    col_i = torch.full((nt, kt), -1, dtype=torch.int64, device=dev)
    old = torch.backends.cuda.matmul.allow_tf32
    torch.backends.cuda.matmul.allow_tf32 = tf32 and dev.type == "cuda"
    threads = torch.get_num_threads()
    serial = dev.type == "cpu" and (os.cpu_count() or 1) <= 4  # as kernel_torch: small CPUs
    try:
        with torch.no_grad():
            for q0 in range(0, nq, block_q):
                qb = q[q0 : q0 + block_q]
                rv, ri = row_v[q0 : q0 + block_q], row_i[q0 : q0 + block_q]
                for t0 in range(0, nt, block_t):
                    s = qb @ t[t0 : t0 + block_t].T
                    if bias32 is not None:
                        s += bias32[t0 : t0 + block_t]
                    if serial:  # the many small selection ops: one thread avoids stalls
                        torch.set_num_threads(1)
                    if kq:
                        _update(rv, ri, s, t0, by_column=False)
                    if kt:
                        _update(col_v[t0 : t0 + block_t], col_i[t0 : t0 + block_t], s, q0, True)
                    torch.set_num_threads(threads)
    finally:
        torch.set_num_threads(threads)
        torch.backends.cuda.matmul.allow_tf32 = old
    return row_i, row_v, col_i, col_v


def to_device(x: np.ndarray, device: str | torch.device) -> torch.Tensor:
    return torch.from_numpy(np.ascontiguousarray(x, dtype=np.float32)).to(device)


def mutual(
    q: torch.Tensor,
    t: torch.Tensor,
    kq: int,
    kt: int,
    *,
    bias: torch.Tensor | None = None,
    block_q: int = 4096,
    block_t: int = 16384,
    tf32: bool = False,
) -> tuple[DeviceTopK | None, DeviceTopK | None]:
    """Exact top-``kq`` of each ``q`` row over ``t`` and top-``kt`` of each ``t`` row over ``q``.

    ``q``/``t`` are float32 device tensors; ``bias`` (float64, per target) applies to the
    forward direction only, so it excludes ``kt``.
    """
    if bias is not None and kt:
        raise ValueError("a per-target bias applies to the forward direction only (kt must be 0)")
    pq = min(len(t), kq + PAD) if kq else 0
    pt = min(len(q), kt + PAD) if kt else 0
    b32 = None if bias is None else bias.float()
    ri, rv, ci, cv = _propose(q, t, pq, pt, b32, block_q, block_t, tf32)
    fwd = rescore(q, t, bias, ri, rv, kq, tf32) if kq else None
    bwd = rescore(t, q, None, ci, cv, kt, tf32) if kt else None
    return fwd, bwd


def _bias(bias: np.ndarray | None, device: torch.device) -> torch.Tensor | None:
    return None if bias is None else torch.from_numpy(np.asarray(bias, np.float64)).to(device)


def knn(
    queries: np.ndarray,
    targets: np.ndarray,
    k: int,
    *,
    bias: np.ndarray | None = None,
    device: str = "cuda",
    block_q: int = 4096,
    block_t: int = 16384,
    tf32: bool = False,
) -> TopK:
    """:func:`tokadapt.eval.search.knn` on one device: numpy in, exact numpy top-k out."""
    dev = torch.device(device)
    q, t = to_device(queries, dev), to_device(targets, dev)
    fwd, _ = mutual(q, t, k, 0, bias=_bias(bias, dev), block_q=block_q, block_t=block_t, tf32=tf32)
    assert fwd is not None
    return to_numpy(fwd)


def mutual_knn(
    src: np.ndarray,
    tgt: np.ndarray,
    k: int,
    *,
    device: str = "cuda",
    block_q: int = 4096,
    block_t: int = 16384,
    tf32: bool = False,
) -> tuple[TopK, TopK]:
    """Both directions' exact top-k from one blocked pass on the device."""
    dev = torch.device(device)
    q, t = to_device(src, dev), to_device(tgt, dev)
    fwd, bwd = mutual(q, t, k, k, block_q=block_q, block_t=block_t, tf32=tf32)
    assert fwd is not None and bwd is not None
    return to_numpy(fwd), to_numpy(bwd)


def csls(
    src: np.ndarray,
    tgt: np.ndarray,
    rows: np.ndarray,
    k: int,
    csls_k: int,
    *,
    device: str = "cuda",
    block_q: int = 4096,
    block_t: int = 16384,
    tf32: bool = False,
) -> TopK:
    """Exact CSLS top-``k`` for ``src[rows]``; the embeddings cross to the device once.

    Pass 1 gives both r terms (mean of the exact top-``csls_k`` of each side); pass 2 ranks
    ``cos - r_S(y) / 2`` per query (CSLS's ``2 cos - r_T(x) - r_S(y)`` up to a per-query shift).
    """
    dev = torch.device(device)
    q, t = to_device(src, dev), to_device(tgt, dev)
    kw = {"block_q": block_q, "block_t": block_t, "tf32": tf32}
    fwd, bwd = mutual(q, t, csls_k, csls_k, **kw)  # type: ignore[arg-type]
    assert fwd is not None and bwd is not None
    r_src, r_tgt = fwd.scores.mean(1), bwd.scores.mean(1)
    sel = torch.from_numpy(np.asarray(rows, dtype=np.int64)).to(dev)
    top, _ = mutual(q[sel], t, k, 0, bias=-r_tgt / 2.0, **kw)  # type: ignore[arg-type]
    assert top is not None
    return TopK((2.0 * top.scores - r_src[sel][:, None]).cpu().numpy(), top.indices.cpu().numpy())
