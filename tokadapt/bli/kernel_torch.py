"""Blocked torch kernel (CPU or CUDA): top-k' candidates for rows *and* columns in one pass.

The similarity matrix is produced block by block (``bq`` queries x ``bt`` targets, so memory is
bounded by the block size). Each block updates two running top-k' lists: per query over targets
(kNN) and, optionally, per target over queries (the reverse neighbourhood CSLS needs). After the
first block, only entries above a row's/column's current k'-th best value are touched: one
comparison per entry and a tiny merge, instead of a selection over the whole block.
"""

from __future__ import annotations

import numpy as np
import torch

Proposal = tuple[np.ndarray, np.ndarray]


def _merge(vals: torch.Tensor, idx: torch.Tensor, s: torch.Tensor, offset: int) -> None:
    """Update sorted top-k ``vals``/``idx`` (m, k) in place with block ``s`` (m, w)."""
    k = vals.shape[1]
    thr = vals[:, -1]
    if bool(torch.isneginf(thr).any()):
        kk = min(k, s.shape[1])
        v, i = torch.topk(s, kk, dim=1)
        all_v, all_i = torch.cat([vals, v], 1), torch.cat([idx, i + offset], 1)
    else:
        r, c = (s > thr[:, None]).nonzero(as_tuple=True)
        if r.numel() == 0:
            return
        counts = torch.bincount(r, minlength=s.shape[0])
        width = int(counts.max())
        starts = torch.cumsum(counts, 0) - counts
        pos = torch.arange(r.numel(), device=s.device) - starts[r]
        pv = torch.full((s.shape[0], width), -torch.inf, dtype=s.dtype, device=s.device)
        pi = torch.full((s.shape[0], width), -1, dtype=torch.int64, device=s.device)
        pv[r, pos] = s[r, c]
        pi[r, pos] = c + offset
        all_v, all_i = torch.cat([vals, pv], 1), torch.cat([idx, pi], 1)
    v, j = torch.topk(all_v, k, dim=1)
    vals.copy_(v)
    idx.copy_(torch.gather(all_i, 1, j))


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
    with torch.no_grad():
        for q0 in range(0, nq, block_q):
            qb = q_all[q0 : q0 + block_q]
            rv, ri = row_v[q0 : q0 + block_q], row_i[q0 : q0 + block_q]
            for t0 in range(0, nt, block_t):
                s = qb @ t_all[t0 : t0 + block_t].T
                if b_all is not None:
                    s += b_all[t0 : t0 + block_t]
                if kq:
                    _merge(rv, ri, s, t0)
                if kt:
                    _merge(col_v[t0 : t0 + block_t], col_i[t0 : t0 + block_t], s.T, q0)
    rows = (row_i.cpu().numpy(), row_v.cpu().numpy()) if kq else None
    cols = (col_i.cpu().numpy(), col_v.cpu().numpy()) if kt else None
    return rows, cols
