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
