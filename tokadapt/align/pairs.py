"""Micro-batches of (sentence, romanization) pairs, made on the fly in DataLoader workers.

Which items rank ``r`` gets in batch ``k`` is decided by :mod:`tokadapt.align.feeds`: windows
of the global stream (text files or shards), length-bucketed (``bucket_window`` global
batches per window; 0 keeps the stream order), each global batch of ``batch_size *
world_size`` items split across ranks, batches spread round-robin over DataLoader workers. A
batch depends only on ``(seed, k, rank)``: resuming at batch ``k`` continues bit for bit.

Each worker romanizes with :class:`translit.Romanizer` (language code per line; shards with a
precomputed ``rom_column`` skip this), drops pairs
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

A text-file line ``text<TAB>translation`` (:class:`~tokadapt.align.sources.TextSource`, or a
shard or dataset row read with ``translation_column``; a tab inside a row's text is a space)
romanizes only ``text``; the translations of the batch's pairs travel as ``trans_ids``/
``trans_mask``/``trans_special`` with ``trans_index`` (the pairs they belong to) for the
``distill`` recipe's translation term (:mod:`tokadapt.align.model`). A text cut to its budget
loses its translation.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

import torch
from torch.utils.data import IterableDataset, get_worker_info

import translit
import translit.schemes
from tokadapt.align import pivot
from tokadapt.align.feeds import Feed, ItemBatches, ShardFeed, TextFeed
from tokadapt.align.sentences import cut_to_budget, dedup_key, split_translation
from tokadapt.align.shards import ShardSource, merge_shards
from tokadapt.align.sources import Source
from tokadapt.errors import ConfigError

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
        bucket_window: int = 0,
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
        self.items = ItemBatches(
            self._feed(),
            batch_size,
            rank=rank,
            world_size=world_size,
            chunks=_window_chunks(bucket_window, sum(self.counts), batch_size * world_size),
            bucketed=bucket_window > 0,
            seed=seed,
            start=start_chunk,
        )

    def _feed(self) -> Feed:
        shards = [s for s in self.sources if isinstance(s, ShardSource)]
        if not shards:
            return TextFeed(self.sources, self.counts, self.seed, self.shuffle_buffer)
        if len(shards) < len(self.sources):
            raise ConfigError(
                "give either text files or shards (.parquet/.arrow, directories of them) as "
                "--train, not both; turn text files into shards with tokadapt romanize-corpus"
            )
        if shards[0].rom_column and len(self.schemes) > 1:
            raise ConfigError(
                f"a precomputed romanization column ({shards[0].rom_column}) holds one scheme; "
                f"drop --rom-column to romanize with {','.join(self.schemes)} on the fly"
            )
        return ShardFeed(merge_shards(shards, self.seed))

    def __iter__(self) -> Iterator[dict[str, Any]]:
        worker = get_worker_info()
        n_workers, worker_id = (1, 0) if worker is None else (worker.num_workers, worker.id)
        for k, (items, ids) in self.items.iterate(worker_id, n_workers):
            yield self.make_batch(items, k, ids)

    def romanize(self, items: Sequence[Any], chunk: int = 0) -> list[str]:
        """Romanize each item; with several schemes one is drawn per pair (seeded by chunk).

        An item ``(text, lang, rom)`` (a shard's precomputed column) keeps its ``rom``."""
        out = [""] * len(items)
        pick = random.Random(self.seed * 1_000_003 + chunk)
        by_lang: dict[tuple[str, str | None], list[int]] = {}
        for i, (_, lang, *pre) in enumerate(items):
            if pre:
                out[i] = pre[0]
                continue
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

    def make_batch(
        self, items: Sequence[Any], chunk: int, ids: Sequence[int] | None = None
    ) -> dict[str, Any]:
        """Tensors of one rank batch (``items``: ``(text, lang[, rom])``; ``ids``: sample ids)."""
        # a tab separates a translation: text files' lines, and rows of shards and datasets read
        # with a translation column (their own tabs are spaces by then), each source on its own
        split = [split_translation(t) for t, *_ in items]
        items = [(t, *rest) for (t, _), (_, *rest) in zip(split, items, strict=True)]
        translations = [tr for _, tr in split]
        if self.rom_max_length is not None:
            cut = cut_to_budget(self.tokenizer, [item[0] for item in items], self.max_length)
            # a precomputed romanization covers the whole text: redo it when the text was cut;
            # a translation covers the whole text too: a cut text loses it
            translations = [
                tr if c == item[0] else None
                for c, item, tr in zip(cut, items, translations, strict=True)
            ]
            items = [
                item if c == item[0] else (c, item[1]) for c, item in zip(cut, items, strict=True)
            ]
        roms = self.romanize(items, chunk)
        pairs = [
            (item[0], r.strip(), tr)
            for item, r, tr in zip(items, roms, translations, strict=True)
            if r.strip() and r.strip() != item[0]
        ]
        if self.rom_max_length is not None:
            pairs = _unique_pairs(pairs)
        kept_all = not pairs
        if kept_all:
            pairs = [(item[0], item[0], None) for item in items]
        enc = self._tokenize([p[0] for p in pairs], [p[1] for p in pairs])
        special = enc["special_tokens_mask"].bool() | ~enc["attention_mask"].bool()
        batch: dict[str, Any] = {
            "chunk": chunk,
            "ids": list(ids) if ids is not None else [],
            "lengths": enc["attention_mask"].sum(1).tolist(),
            "raw": len(items),
            "pairs": len(pairs),
            "dropped": len(items) - (0 if kept_all else len(pairs)),
            "input_ids": enc["input_ids"],
            "attention_mask": enc["attention_mask"],
            "special_tokens_mask": special.to(torch.uint8),
        }
        if any(p[2] is not None for p in pairs):
            batch.update(self._translations([p[2] for p in pairs]))
        if self.mlm_probability is not None:
            gen = torch.Generator().manual_seed(_chunk_seed(self.seed, chunk, self.rank))
            batch["teacher_ids"] = enc["input_ids"]
            batch["input_ids"], batch["labels"] = mask_tokens(
                enc["input_ids"], special, self.tokenizer, self.mlm_probability, gen
            )
            chosen = batch["labels"] != -100  # flat positions per side: no sync in the model
            n = len(pairs)
            batch["mlm_index_orig"] = chosen[:n].flatten().nonzero().flatten()
            batch["mlm_index_rom"] = chosen[n:].flatten().nonzero().flatten()
        return batch

    def _translations(self, translations: list[str | None]) -> dict[str, torch.Tensor]:
        """The translations of the pairs that have one, tokenized (``max_length``), and
        ``trans_index``: which pairs they belong to."""
        index = [i for i, tr in enumerate(translations) if tr is not None]
        enc = pivot.tokenize(self.tokenizer, [str(translations[i]) for i in index], self.max_length)
        return {
            "trans_index": torch.tensor(index, dtype=torch.long),
            "trans_ids": enc["input_ids"],
            "trans_mask": enc["attention_mask"],
            "trans_special": enc["special_tokens_mask"],
        }

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


def _window_chunks(bucket_window: int, total: int, width: int) -> int:
    """Global batches per window, at most one epoch's worth: a longer window would hold rows
    twice, and sorting by length would put both copies in one batch (a false negative)."""
    return max(1, min(bucket_window, total // width))


def _unique_pairs(pairs: list[tuple[str, str, str | None]]) -> list[tuple[str, str, str | None]]:
    seen: set[str] = set()
    kept = []
    for pair in pairs:
        key = dedup_key(pair[0])
        if key not in seen:
            seen.add(key)
            kept.append(pair)
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
