"""Blocked torch kernel (CPU or CUDA): top-k' candidates for rows *and* columns in one pass.

The similarity matrix is produced block by block (``bq`` queries x ``bt`` targets, so memory is
bounded by the block size). Each block updates two running top-k' lists: per query over targets
(kNN) and, optionally, per target over queries (the reverse neighbourhood CSLS needs). After the
first block, only entries above a row's/column's current k'-th best value are touched: one
comparison per entry and a tiny merge, instead of a selection over the whole block.
"""

from __future__ import annotations

import os

import numpy as np
import torch

Proposal = tuple[np.ndarray, np.ndarray]


GROUP = 16


def _grouped(
    s: torch.Tensor, thr: torch.Tensor, k: int, by_column: bool
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Entries of block ``s`` (m, w) above their owner's threshold: (owners, others, values).

    Owners are rows (kNN direction) or columns (reverse direction). A max over 16 strided
    rows/columns (one vectorized pass) marks the few groups that can hold a candidate; only
    those are gathered. An owner without a full top-k yet (threshold -inf) takes the k-th
    largest group maximum as its threshold: k distinct entries reach it, so nothing of the
    block's top-k is lost.
    """
    m, w = s.shape
    step = (m if by_column else w) // GROUP
    # gm: the max over 16 strided rows (cols) — (step, w) for columns, (m, step) for rows
    gm = s.view(GROUP, step, w).amax(0) if by_column else s.view(m, GROUP, step).amax(1)
    fresh = torch.isneginf(thr)
    if bool(fresh.any()):
        rows_first = gm.T.contiguous() if by_column else gm  # topk along contiguous rows
        kth = torch.topk(rows_first, k, dim=1).values[:, -1]
        thr = torch.where(fresh, torch.nextafter(kth, torch.full_like(kth, -torch.inf)), thr)
    if by_column:
        j, owner = (gm > thr[None, :]).nonzero(as_tuple=True)
    else:
        owner, j = (gm > thr[:, None]).nonzero(as_tuple=True)
    other = j[:, None] + torch.arange(GROUP, device=s.device) * step
    flat = other * w + owner[:, None] if by_column else owner[:, None] * w + other
    vals = torch.take(s, flat)
    keep = vals > thr[owner][:, None]
    return owner[:, None].expand_as(other)[keep], other[keep], vals[keep]


def _direct(
    s: torch.Tensor, thr: torch.Tensor, k: int, by_column: bool
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Small or ragged blocks: each owner's block top-k plus everything above its threshold."""
    block = s.T if by_column else s
    kk = min(k, block.shape[1])
    v, i = torch.topk(block, kk, dim=1)
    owner = torch.arange(block.shape[0], device=s.device).repeat_interleave(kk)
    return owner, i.reshape(-1), v.reshape(-1)


def _merge(
    vals: torch.Tensor,
    idx: torch.Tensor,
    owner: torch.Tensor,
    other: torch.Tensor,
    cand: torch.Tensor,
    offset: int,
) -> None:
    """Merge candidates (owner row, index, value) into sorted top-k ``vals``/``idx`` in place."""
    if owner.numel() == 0:
        return
    owner, order = torch.sort(owner, stable=True)
    other, cand = other[order], cand[order]
    counts = torch.bincount(owner, minlength=vals.shape[0])
    width = int(counts.max())
    starts = torch.cumsum(counts, 0) - counts
    pos = torch.arange(owner.numel(), device=owner.device) - starts[owner]
    pv = torch.full((vals.shape[0], width), -torch.inf, dtype=vals.dtype, device=vals.device)
    pi = torch.full((vals.shape[0], width), -1, dtype=torch.int64, device=vals.device)
    pv[owner, pos] = cand
    pi[owner, pos] = other + offset
    all_v, all_i = torch.cat([vals, pv], 1), torch.cat([idx, pi], 1)
    v, j = torch.topk(all_v, vals.shape[1], dim=1)
    vals.copy_(v)
    idx.copy_(torch.gather(all_i, 1, j))


def _update(
    vals: torch.Tensor, idx: torch.Tensor, s: torch.Tensor, offset: int, by_column: bool
) -> None:
    """Fold block ``s`` into the running top-k of its rows (or of its columns)."""
    k = vals.shape[1]
    groups = (s.shape[0] if by_column else s.shape[1]) // GROUP
    ragged = (s.shape[0] if by_column else s.shape[1]) % GROUP
    find = _direct if ragged or groups < k else _grouped
    owner, other, cand = find(s, vals[:, -1], k, by_column)
    _merge(vals, idx, owner, other, cand, offset)


def propose(
    queries: np.ndarray,
    targets: np.ndarray,
    kq: int,
    *,
    kt: int = 0,
    bias: np.ndarray | None = None,
    block_q: int = 4096,
    block_t: int = 16384,
    device: str = "cpu",
    serial_selection: bool | None = None,
) -> tuple[Proposal | None, Proposal | None]:
    """Candidates (indices, float32 scores): per query (``kq``), per target (``kt``)."""
    dev = torch.device(device)
    q_all = torch.from_numpy(np.ascontiguousarray(queries, dtype=np.float32)).to(dev)
    t_all = torch.from_numpy(np.ascontiguousarray(targets, dtype=np.float32)).to(dev)
    b_all = None if bias is None else torch.from_numpy(bias.astype(np.float32)).to(dev)
    nq, nt = len(q_all), len(t_all)
    row_v = torch.full((nq, kq), -torch.inf, device=dev)
    row_i = torch.full((nq, kq), -1, dtype=torch.int64, device=dev)
    col_v = torch.full((nt, kt), -torch.inf, device=dev)
    col_i = torch.full((nt, kt), -1, dtype=torch.int64, device=dev)
    threads = torch.get_num_threads()
    # On small, busy CPUs the many small selection ops stall in thread start-up: run them on
    # one thread (default: when there are at most 4 cores). The matrix products use them all.
    if serial_selection is None:
        serial_selection = (os.cpu_count() or 1) <= 4
    serial = dev.type == "cpu" and serial_selection
    with torch.no_grad():
        for q0 in range(0, nq, block_q):
            qb = q_all[q0 : q0 + block_q]
            rv, ri = row_v[q0 : q0 + block_q], row_i[q0 : q0 + block_q]
            for t0 in range(0, nt, block_t):
                s = qb @ t_all[t0 : t0 + block_t].T
                if b_all is not None:
                    s += b_all[t0 : t0 + block_t]
                if serial:  # small selection ops: one thread avoids oversubscription stalls
                    torch.set_num_threads(1)
                try:
                    if kq:
                        _update(rv, ri, s, t0, by_column=False)
                    if kt:
                        _update(col_v[t0 : t0 + block_t], col_i[t0 : t0 + block_t], s, q0, True)
                finally:
                    torch.set_num_threads(threads)
    rows = (row_i.cpu().numpy(), row_v.cpu().numpy()) if kq else None
    cols = (col_i.cpu().numpy(), col_v.cpu().numpy()) if kt else None
    return rows, cols
