"""Length-bucketed batches for the alignment loop: pad to the batch's longest side, not 128.

The trainer's data stream is cut into *windows* of ``chunks`` global batches; :func:`plan_window`
sorts a window's items by a cheap length key (:func:`length_key`, computed from the text alone,
so every DataLoader worker can plan a window without romanizing or tokenizing it), cuts the
sorted items into the window's global batches and shuffles their order (seeded by the window).
A batch of 20-token sentences is then padded to ~20, not to the longest sentence of a random
batch. The plan is a pure function of (seed, window, items): resuming at any batch, any number
of workers and any number of ranks (a rank takes its slice of each global batch) see the same
batches, and every item of the window lands in exactly one batch.

:class:`LengthBuckets` is the same idea as a map-style batch sampler over known lengths, and
:func:`pad_pairs` pads both sides of a batch to one width, rounded up to a multiple of 8.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence

import torch

from tokadapt.errors import ConfigError

PAD_MULTIPLE = 8


def length_key(text: str) -> int:
    """Sort key of a pair: characters of the original. On real UDHR sentences in 9 scripts it
    pads a little less than UTF-8 bytes and within 4 points of exact token counts, which would
    need every worker to tokenize whole windows (benchmarks/results/bucketing.md)."""
    return len(text)


def plan_window(
    keys: Sequence[int], chunks: int, width: int, *, seed: int, window: int, bucketed: bool
) -> list[list[int]]:
    """Split a window of ``len(keys)`` items into ``chunks`` global batches of ``width``.

    ``bucketed``: items sorted by key (ties by position), batch order shuffled by
    ``(seed, window)``; otherwise consecutive items in stream order (a short last window gives
    fewer batches). Returns item indices per batch; every index appears exactly once.
    """
    n = len(keys)
    if width < 1 or chunks < 1 or n > chunks * width:
        raise ConfigError(f"bad window: {n} items for {chunks} batches of {width}")
    order = sorted(range(n), key=lambda i: (keys[i], i)) if bucketed else list(range(n))
    batches = [order[i : i + width] for i in range(0, n, width)]
    if bucketed:
        random.Random(f"tokadapt-buckets:{seed}:{window}").shuffle(batches)
    return batches


def padding_fraction(widths: Sequence[int], lengths: Sequence[Sequence[int]]) -> float:
    """Share of padded positions: batch ``b`` holds ``lengths[b]`` tokens per row at
    ``widths[b]`` columns."""
    total = sum(w * len(lens) for w, lens in zip(widths, lengths, strict=True))
    real = sum(sum(lens) for lens in lengths)
    return 1.0 - real / total if total else 0.0


#: :func:`length_groups`' cost model, in token units: a row of width ``w`` costs
#: ``w * (1 + w / GROUP_ATTENTION)`` (attention grows with the width) and each forward
#: ``GROUP_OVERHEAD`` more (kernel launches, per-layer Python, small-GEMM inefficiency). Set
#: from a quick timing of e5-small forward+backward shapes on 2 CPU threads in bf16 and not
#: tuned; ``benchmarks/align_length_groups.py``'s least-squares fit gives 127 and 741 tokens,
#: with up to 47 % error (``benchmarks/results/length_groups.md``).
GROUP_ATTENTION = 256.0
GROUP_OVERHEAD = 512.0


def length_groups(
    widths: Sequence[int],
    max_groups: int,
    *,
    overhead: float | None = None,
    attention: float | None = None,
) -> list[list[int]]:
    """Rows ``0..len(widths)-1`` cut into at most ``max_groups`` groups of similar width, each
    to be run as its own forward trimmed to its widest row.

    Rows are sorted by width (ties by position) and cut where the modelled cost — every row
    padded to its group's width, plus ``overhead`` per group — is least (exact dynamic
    programme over the sorted order, O(max_groups * n^2)). Each group lists its rows in that
    order, widest last; every row is in exactly one group. One group (``max_groups`` 1) is the
    whole batch padded to its widest row. ``overhead`` and ``attention`` default to
    :data:`GROUP_OVERHEAD` and :data:`GROUP_ATTENTION` (read at each call).
    """
    overhead = GROUP_OVERHEAD if overhead is None else overhead
    attention = GROUP_ATTENTION if attention is None else attention
    if max_groups < 1:
        raise ConfigError(f"max_groups must be >= 1, got {max_groups}")
    order = sorted(range(len(widths)), key=lambda i: (widths[i], i))
    n = len(order)
    if n == 0:
        return []
    unit = [float(widths[i]) * (1.0 + widths[i] / attention) for i in order]
    inf = float("inf")
    # best[k][j]: least cost of the first j sorted rows in exactly k groups; cut[k][j]: the
    # start of the last of those groups
    best = [[inf] * (n + 1) for _ in range(max_groups + 1)]
    cut = [[0] * (n + 1) for _ in range(max_groups + 1)]
    best[0][0] = 0.0
    for k in range(1, max_groups + 1):
        prev, row, cuts = best[k - 1], best[k], cut[k]
        for j in range(k, n + 1):
            cost_j = unit[j - 1]  # the group ending at sorted row j-1 pads to its width
            for i in range(k - 1, j):
                if prev[i] == inf:
                    continue
                c = prev[i] + (j - i) * cost_j + overhead
                if c < row[j]:
                    row[j], cuts[j] = c, i
    k = min(range(1, max_groups + 1), key=lambda g: (best[g][n], g))
    groups: list[list[int]] = []
    j = n
    while k > 0:
        i = cut[k][j]
        groups.append(order[i:j])
        j, k = i, k - 1
    groups.reverse()
    return groups


#: ``length_groups`` -1 (auto) on CPU: a 2x32-row batch of UDHR sentences in 8 scripts is
#: about half padding in one forward; there the cut averages 2.2 forwards of the 8 allowed
AUTO_GROUPS = 8


def resolve_groups(groups: int, device: torch.device) -> tuple[int, str]:
    """``(forwards at most, note)`` for ``AlignConfig.length_groups``: a given value is kept
    (0 and 1: one forward); -1 (auto) is :data:`AUTO_GROUPS` on CPU and 1 elsewhere. On CUDA
    the cut reads the mask on the host, which waits for the device, and the step loop never
    does; pass a value to group there too."""
    if groups >= 0:
        return max(1, groups), ""
    if device.type == "cpu":
        return AUTO_GROUPS, f"rows run by length ({AUTO_GROUPS} forwards per batch at most)"
    return 1, "rows run as one padded forward (auto: --length-groups N groups on this device too)"


class LengthBuckets(torch.utils.data.Sampler[list[int]]):
    """Batch sampler: sort pairs by length inside windows of ``window`` batches, shuffle batches."""

    def __init__(
        self, lengths: Sequence[int], batch_size: int, *, window: int = 50, seed: int = 0
    ) -> None:
        if batch_size < 1 or window < 1:
            raise ConfigError(f"batch_size and window must be >= 1, got {batch_size}, {window}")
        self.lengths = torch.as_tensor(list(lengths))
        self.batch_size, self.window, self.seed, self.epoch = batch_size, window, seed, 0

    def set_epoch(self, epoch: int) -> None:
        self.epoch = epoch

    def batches(self) -> list[list[int]]:
        gen = torch.Generator().manual_seed(self.seed + self.epoch)
        perm = torch.randperm(len(self.lengths), generator=gen)
        span = self.batch_size * self.window
        out: list[list[int]] = []
        for start in range(0, len(perm), span):
            chunk = perm[start : start + span]
            chunk = chunk[torch.argsort(self.lengths[chunk], stable=True)]
            out += [
                chunk[i : i + self.batch_size].tolist()
                for i in range(0, len(chunk), self.batch_size)
            ]
        order = torch.randperm(len(out), generator=gen).tolist()
        return [out[i] for i in order]

    def __iter__(self) -> Iterator[list[int]]:
        return iter(self.batches())

    def __len__(self) -> int:
        return -(-len(self.lengths) // self.batch_size)


def pad_pairs(
    originals: Sequence[Sequence[int]], romanized: Sequence[Sequence[int]], pad_id: int
) -> dict[str, torch.Tensor]:
    """``input_ids``/``attention_mask``/``special_tokens_mask`` (2N, L), L = batch max.

    Rows are the originals then the romanizations; each sequence's first and last token
    (the tokenizer's ``<s>``/``</s>``) are marked special.
    """
    seqs = [*originals, *romanized]
    width = max(len(s) for s in seqs)
    width = -(-width // PAD_MULTIPLE) * PAD_MULTIPLE
    ids = torch.full((len(seqs), width), pad_id, dtype=torch.long)
    mask = torch.zeros((len(seqs), width), dtype=torch.long)
    special = torch.zeros((len(seqs), width), dtype=torch.long)
    for row, seq in enumerate(seqs):
        if not seq:
            raise ConfigError(f"sequence {row} of the batch is empty; drop empty pairs first")
        ids[row, : len(seq)] = torch.as_tensor(list(seq), dtype=torch.long)
        mask[row, : len(seq)] = 1
        special[row, [0, len(seq) - 1]] = 1
    return {"input_ids": ids, "attention_mask": mask, "special_tokens_mask": special}
