"""Length-bucketed batches for the alignment loop: pad to the batch's longest side, not 128.

:class:`LengthBuckets` groups pairs of similar length (original and romanized side together:
a pair's length is its longer side) so a batch of 20-token sentences is padded to ~20, and
:func:`pad_pairs` pads both sides of a batch to one width, rounded up to a multiple of 8 for
tensor cores. The order is random per epoch (seeded) over batches, not within them.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import torch

from tokadapt.errors import ConfigError

PAD_MULTIPLE = 8


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
