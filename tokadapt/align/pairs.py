"""Micro-batches of (sentence, romanization) pairs, made on the fly in DataLoader workers.

The raw stream (:func:`tokadapt.align.sources.raw_stream`) is cut into *global chunks* of
``batch_size * world_size`` lines; rank ``r`` takes lines ``[r*B, (r+1)*B)`` of every chunk, so
the global batch is the same for any number of processes. DataLoader worker ``w`` builds the
chunks ``k`` with ``(k - start) % num_workers == w``; the DataLoader's round-robin then returns
chunks in order. A batch depends only on ``(seed, k, rank)``: resuming at chunk ``k`` skips the
earlier lines without romanizing them and continues bit for bit.

Each worker romanizes with :class:`translit.Romanizer` (language code per line), drops pairs
whose romanization equals the input (Latin text, digits; if a chunk would be left empty its
pairs are kept so that every rank still takes part in the step), tokenizes both sides into one
padded (2N, L) batch (rows ``[0, N)`` originals, ``[N, 2N)`` romanizations) and, for
MLM, masks 15 % of text tokens (80 % mask / 10 % random / 10 % kept) with a generator seeded by
the chunk.

With a romanized-side budget (``rom_max_length``; the ``sentence`` recipe) pairs stay pairs:
the original is first cut to the text its ``max_length`` tokens cover and *that* text is
romanized (:func:`~tokadapt.align.sentences.cut_to_budget`), the romanization gets its own,
larger budget, and near-duplicate originals within a batch are dropped (a duplicate would be
its own partner's negative).
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

import torch
from torch.utils.data import IterableDataset, get_worker_info

import translit
import translit.schemes
from tokadapt.align.sentences import cut_to_budget, dedup_key
from tokadapt.align.sources import Item, Source, raw_stream

if TYPE_CHECKING:
    from translit.schemes import RomanizerLike


class PairStream(IterableDataset):  # type: ignore[type-arg,unused-ignore]
    """Endless stream of tokenized pair batches for one rank (see module docstring)."""

    def __init__(
        self,
        sources: Sequence[Source],
        tokenizer: Any,
        *,
        batch_size: int,
        max_length: int,
        seed: int = 0,
        shuffle_buffer: int = 10000,
        mlm_probability: float | None = None,
        rank: int = 0,
        world_size: int = 1,
        start_chunk: int = 0,
        counts: Sequence[int] | None = None,
        pad_to_multiple_of: int | None = None,
        schemes: str | Sequence[str] = "uroman",
        rom_max_length: int | None = None,
    ) -> None:
        self.sources = list(sources)
        self.counts = list(counts) if counts is not None else [s.count() for s in self.sources]
        self.tokenizer = tokenizer
        self.batch_size = batch_size
        self.max_length = max_length
        self.seed = seed
        self.shuffle_buffer = shuffle_buffer
        self.mlm_probability = mlm_probability
        self.rank = rank
        self.world_size = world_size
        self.start_chunk = start_chunk
        self.pad_to_multiple_of = pad_to_multiple_of
        self.schemes = translit.schemes.parse_schemes(
            schemes if isinstance(schemes, str) else list(schemes)
        )
        self._romanizers: dict[tuple[str, str | None], RomanizerLike] = {}
        for spec in self.schemes:  # bad schemes or language codes fail here, not in a worker
            for lang in {getattr(src, "lang", None) for src in self.sources}:
                self._romanizers[(spec, lang)] = translit.make_romanizer(
                    spec, lang, errors="replace"
                )
        self.rom_max_length = rom_max_length

    def __iter__(self) -> Iterator[dict[str, Any]]:
        worker = get_worker_info()
        n_workers, worker_id = (1, 0) if worker is None else (worker.num_workers, worker.id)
        raw = raw_stream(self.sources, self.counts, self.seed, self.shuffle_buffer)
        width = self.batch_size * self.world_size
        lo, hi = self.rank * self.batch_size, (self.rank + 1) * self.batch_size
        for k in itertools.count():
            chunk = list(itertools.islice(raw, width))
            if k >= self.start_chunk and (k - self.start_chunk) % n_workers == worker_id:
                yield self.make_batch(chunk[lo:hi], k)

    def romanize(self, items: Sequence[Item], chunk: int = 0) -> list[str]:
        """Romanize each item; with several schemes one is drawn per pair (seeded by chunk)."""
        out = [""] * len(items)
        pick = random.Random(self.seed * 1_000_003 + chunk)
        by_lang: dict[tuple[str, str | None], list[int]] = {}
        for i, (_, lang) in enumerate(items):
            spec = self.schemes[0] if len(self.schemes) == 1 else pick.choice(self.schemes)
            by_lang.setdefault((spec, lang), []).append(i)
        for key, idx in by_lang.items():
            rom = self._romanizers.get(key)
            if rom is None:
                rom = self._romanizers.setdefault(
                    key, translit.make_romanizer(key[0], key[1], errors="replace")
                )
            for i, r in zip(
                idx, rom.romanize_batch([items[i][0] for i in idx], num_threads=1), strict=True
            ):
                out[i] = r
        return out

    def make_batch(self, items: Sequence[Item], chunk: int) -> dict[str, Any]:
        if self.rom_max_length is not None:
            cut = cut_to_budget(self.tokenizer, [t for t, _ in items], self.max_length)
            items = [(c, lang) for c, (_, lang) in zip(cut, items, strict=True)]
        roms = self.romanize(items, chunk)
        pairs = [
            (t, r.strip())
            for (t, _), r in zip(items, roms, strict=True)
            if r.strip() and r.strip() != t
        ]
        if self.rom_max_length is not None:
            pairs = _unique_pairs(pairs)
        kept_all = not pairs
        if kept_all:
            pairs = [(t, t) for t, _ in items]
        enc = self._tokenize([p[0] for p in pairs], [p[1] for p in pairs])
        special = enc["special_tokens_mask"].bool() | ~enc["attention_mask"].bool()
        batch: dict[str, Any] = {
            "chunk": chunk,
            "raw": len(items),
            "pairs": len(pairs),
            "dropped": len(items) - (0 if kept_all else len(pairs)),
            "input_ids": enc["input_ids"],
            "attention_mask": enc["attention_mask"],
            "special_tokens_mask": special.to(torch.uint8),
        }
        if self.mlm_probability is not None:
            gen = torch.Generator().manual_seed(_chunk_seed(self.seed, chunk, self.rank))
            batch["teacher_ids"] = enc["input_ids"]
            batch["input_ids"], batch["labels"] = mask_tokens(
                enc["input_ids"], special, self.tokenizer, self.mlm_probability, gen
            )
        return batch

    def _tokenize(self, orig: list[str], rom: list[str]) -> Any:
        """One padded (2N, L) batch: originals at ``max_length``, romanizations at
        ``rom_max_length`` (or ``max_length``)."""
        args = {"truncation": True, "return_special_tokens_mask": True}
        if self.rom_max_length is None:
            return self.tokenizer(
                orig + rom,
                max_length=self.max_length,
                padding=True,
                pad_to_multiple_of=self.pad_to_multiple_of,
                return_tensors="pt",
                **args,
            )
        a = self.tokenizer(orig, max_length=self.max_length, **args)
        b = self.tokenizer(rom, max_length=self.rom_max_length, **args)
        keys = ("input_ids", "attention_mask", "special_tokens_mask")
        both = {k: list(a[k]) + list(b[k]) for k in keys}
        return self.tokenizer.pad(
            both, padding=True, pad_to_multiple_of=self.pad_to_multiple_of, return_tensors="pt"
        )


def _unique_pairs(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    seen: set[str] = set()
    kept = []
    for orig, rom in pairs:
        key = dedup_key(orig)
        if key not in seen:
            seen.add(key)
            kept.append((orig, rom))
    return kept


def _chunk_seed(seed: int, chunk: int, rank: int) -> int:
    return ((seed * 1_000_003 + chunk) * 8191 + rank) % (2**62)


def mask_tokens(
    input_ids: torch.Tensor,
    special: torch.Tensor,
    tokenizer: Any,
    probability: float,
    gen: torch.Generator,
) -> tuple[torch.Tensor, torch.Tensor]:
    """BERT masking: choose ``probability`` of the text tokens; 80/10/10 mask/random/keep."""
    ids = input_ids.clone()
    labels = input_ids.clone()
    chosen = (torch.rand(ids.shape, generator=gen) < probability) & ~special
    labels[~chosen] = -100
    action = torch.rand(ids.shape, generator=gen)
    to_mask = chosen & (action < 0.8)
    to_random = chosen & (action >= 0.8) & (action < 0.9)
    ids[to_mask] = tokenizer.mask_token_id
    randoms = torch.randint(len(tokenizer), ids.shape, generator=gen)
    ids[to_random] = randoms[to_random]
    return ids, labels
