"""Transliteration Contrastive Modeling (TCM) loss and sentence pooling.

For ``N`` pairs (original ``a_i``, romanization ``b_i``) the ``2N`` vectors are interleaved as
``x_{2i} = a_i, x_{2i+1} = b_i``. With ``s_jk = <x_j, x_k> / T`` (vectors L2-normalized first for
the cosine similarity) and the diagonal excluded, every row is a ``2N-1``-way classification
whose answer is its pair partner:

    TCM = mean_j  -log( exp(s_{j,p(j)}) / sum_{k != j} exp(s_jk) ),   p(2i) = 2i+1, p(2i+1) = 2i

Under DDP the vectors of all ranks are gathered first (:func:`gather_with_grad`), so every
sequence meets the negatives of the whole global micro-batch, not only its own GPU's.
(TransliCo's code computes the same mean over its per-GPU micro-batch and, per the anchor study,
multiplies it by 0.5 before applying the weight; our weight multiplies the plain mean.)
"""

from __future__ import annotations

import math
from collections.abc import Callable

import torch
import torch.nn.functional as nnf
from torch import nn

from tokadapt.align import bucketing
from tokadapt.align.config import DistillMetric, Pooling, Similarity
from tokadapt.align.distributed import gather_with_grad
from tokadapt.errors import ConfigError


def pool(
    hidden: torch.Tensor,
    attention_mask: torch.Tensor,
    special_tokens_mask: torch.Tensor | None,
    pooling: Pooling,
) -> torch.Tensor:
    """Sentence vectors from ``hidden`` (B, L, d): CLS (position 0) or a mean.

    ``mean`` averages the positions where ``attention_mask`` is 1 and ``special_tokens_mask``
    is 0 (``<s>``, ``</s>``, ``[CLS]``, ``[SEP]`` excluded; a row with no text token falls back
    to all attended positions); ``mean-all`` every attended position, special tokens included
    (sentence-transformers' and the e5 model card's mean pooling).
    """
    if pooling == "cls":
        return hidden[:, 0]
    if pooling not in ("mean", "mean-all"):
        raise ConfigError(f"pooling must be 'mean', 'mean-all' or 'cls', got {pooling!r}")
    keep = attention_mask.bool()
    if special_tokens_mask is not None and pooling == "mean":
        text = keep & ~special_tokens_mask.bool()
        keep = torch.where(text.any(dim=1, keepdim=True), text, keep)
    weights = keep.to(hidden.dtype).unsqueeze(-1)
    return (hidden * weights).sum(dim=1) / weights.sum(dim=1).clamp_min(1.0)


def pool_by_length(
    hidden_of: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
    input_ids: torch.Tensor,
    attention_mask: torch.Tensor,
    special: torch.Tensor | None,
    pooling: Pooling,
    groups_at_most: int,
) -> torch.Tensor:
    """Each row's pooled vector of ``hidden_of(ids, mask)`` (the hidden states to pool); with
    ``groups_at_most`` > 1 the rows run as up to that many forwards of similar width
    (:func:`bucketing.length_groups`), each trimmed to its widest row, and come back in order.

    A row's vector does not depend on the other rows of its forward (padding is masked and no
    dropout mixes rows), so grouping only skips padding; the GEMM shapes differ, so
    low-precision sums may round differently. Trimming drops trailing columns only, so
    left-padded batches and absolute positions are left as they are.
    """
    if groups_at_most <= 1 or input_ids.shape[0] < 2:
        return pool(hidden_of(input_ids, attention_mask), attention_mask, special, pooling)
    cols = torch.arange(1, attention_mask.shape[1] + 1, device=attention_mask.device)
    widths = ((attention_mask != 0) * cols).amax(dim=1).tolist()  # last attended column + 1
    groups = bucketing.length_groups(widths, groups_at_most)
    parts = []
    for rows in groups:
        width = max(1, widths[rows[-1]])
        idx = torch.tensor(rows, device=input_ids.device)
        ids, mask = input_ids[idx, :width], attention_mask[idx, :width]
        spec = None if special is None else special[idx, :width]
        parts.append(pool(hidden_of(ids, mask), mask, spec, pooling))
    out = parts[0] if len(parts) == 1 else torch.cat(parts)
    order = torch.tensor([i for rows in groups for i in rows], device=out.device)
    inverse = torch.empty_like(order)
    inverse[order] = torch.arange(order.numel(), device=out.device)
    return out.index_select(0, inverse)


def tcm_logits(
    x: torch.Tensor, temperature: torch.Tensor | float, similarity: Similarity
) -> torch.Tensor:
    """The (2N, 2N) similarity matrix with the diagonal at -inf (float32)."""
    x = x.float()
    if similarity == "cosine":
        x = nnf.normalize(x, dim=-1)
    sim = x @ x.T / temperature
    eye = torch.eye(sim.shape[0], dtype=torch.bool, device=sim.device)
    return sim.masked_fill(eye, float("-inf"))


def tcm_loss(
    orig: torch.Tensor,
    rom: torch.Tensor,
    temperature: torch.Tensor | float = 1.0,
    similarity: Similarity = "dot",
    *,
    gather: bool = True,
) -> torch.Tensor:
    """TCM loss of local pair vectors ``orig``/``rom`` (N, d), negatives from every rank."""
    if orig.shape != rom.shape or orig.dim() != 2:
        raise ValueError(
            f"orig and rom must both be (N, d); got {tuple(orig.shape)} and {tuple(rom.shape)}"
        )
    x = torch.stack([orig, rom], dim=1).reshape(-1, orig.shape[-1])
    if gather:
        x = gather_with_grad(x)
    n = x.shape[0]
    if n < 4:
        # one pair has no negative: the loss is identically zero (kept on the graph)
        return x.sum() * 0.0
    logits = tcm_logits(x, temperature, similarity)
    target = torch.arange(n, device=x.device) ^ 1
    return nnf.cross_entropy(logits, target)


def distill_loss(
    student: torch.Tensor, teacher: torch.Tensor, metric: DistillMetric = "cosine"
) -> torch.Tensor:
    """Distance of each student vector to its (detached) teacher vector, averaged.

    ``cosine``: ``mean(1 - cos(s_i, t_i))`` (0 when aligned, at most 2). ``mse``: the mean
    squared difference over rows and dimensions (Reimers & Gurevych 2020), which also keeps the
    vectors' norms."""
    if student.shape != teacher.shape:
        raise ValueError(
            f"student and teacher must have the same shape; got {tuple(student.shape)} "
            f"and {tuple(teacher.shape)}"
        )
    if metric == "mse":
        return nnf.mse_loss(student.float(), teacher.float().detach())
    if metric != "cosine":
        raise ConfigError(f"distill_metric must be 'mse' or 'cosine', got {metric!r}")
    cos = nnf.cosine_similarity(student.float(), teacher.float().detach(), dim=-1)
    return (1.0 - cos).mean()


class TCMHead(nn.Module):
    """Holds the (optionally learnable) temperature; forward computes :func:`tcm_loss`."""

    def __init__(self, temperature: float, similarity: Similarity, learnable: bool) -> None:
        super().__init__()
        if similarity not in ("dot", "cosine"):
            raise ConfigError(f"similarity must be 'dot' or 'cosine', got {similarity!r}")
        self.similarity: Similarity = similarity
        log_t = torch.tensor(math.log(temperature), dtype=torch.float32)
        if learnable:
            self.log_temperature = nn.Parameter(log_t)
        else:
            self.register_buffer("log_temperature", log_t)

    @property
    def temperature(self) -> torch.Tensor:
        return self.log_temperature.exp().clamp(min=1e-3, max=100.0)

    def forward(self, orig: torch.Tensor, rom: torch.Tensor) -> torch.Tensor:
        return tcm_loss(orig, rom, self.temperature, self.similarity)
