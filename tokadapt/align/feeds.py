"""Which items each rank's batch ``k`` holds: windows of the global stream, bucketed, split
across DDP ranks and DataLoader workers without overlap.

The global stream (text files: :func:`tokadapt.align.sources.raw_stream`; shards:
:class:`tokadapt.align.shards.ShardRows` by position) is cut into *windows* of ``chunks``
global batches of ``width = batch_size * world_size`` items. A window is planned by
:func:`tokadapt.align.bucketing.plan_window` (sorted by length when bucketed); global batch
``k = window * chunks + i`` is the plan's ``i``-th batch and rank ``r`` takes its slice
``[r*B, (r+1)*B)``, so the global batch does not depend on the number of ranks. DataLoader
worker ``w`` of ``W`` builds the batches ``k`` with ``(k - start) % W == w``; the DataLoader's
round robin returns them in order. Every item of a window lands in exactly one rank's batch.

Resuming at batch ``start`` replans the window that holds it: text files are re-read up to
there (not romanized), shards are read only from there on (positions are computed).

Every item carries an id for the sample log: the row id for shards (its storage position),
the CRC-32 of the text for text files.
"""

from __future__ import annotations

import dataclasses
import itertools
import logging
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from torch.utils.data import IterableDataset, get_worker_info

from tokadapt.align.bucketing import length_key, plan_window
from tokadapt.align.shards import ShardRows, ShardSource
from tokadapt.align.sources import RowsSource, SentenceSplit, Source, raw_stream
from tokadapt.errors import ConfigError

log = logging.getLogger(__name__)
Window = tuple[list[Any], list[int]]  # items, ids


class Feed(Protocol):
    def windows(self, size: int, first: int, wanted: Any) -> Iterator[tuple[int, Window]]:
        """``(j, window j)`` for ``j >= first`` with ``wanted(j)``; windows hold ``size`` items."""
        ...  # pragma: no cover


@dataclass
class TextFeed:
    """Text sources, read in order (windows before ``first`` are read and skipped)."""

    sources: Sequence[Source]
    counts: Sequence[int]
    seed: int
    buffer: int

    def windows(self, size: int, first: int, wanted: Any) -> Iterator[tuple[int, Window]]:
        raw = raw_stream(self.sources, self.counts, self.seed, self.buffer)
        for j in itertools.count():
            items = list(itertools.islice(raw, size))
            if j >= first and wanted(j):
                yield j, (items, [zlib.crc32(t.encode("utf-8")) for t, *_ in items])


@dataclass
class ShardFeed:
    """Shards read by position: a window nobody here needs is never read."""

    rows: ShardRows

    def windows(self, size: int, first: int, wanted: Any) -> Iterator[tuple[int, Window]]:
        for j in itertools.count(first):
            if wanted(j):
                rows = [self.rows.at(q) for q in range(j * size, (j + 1) * size)]
                yield j, ([item for _, item in rows], [i for i, _ in rows])


@dataclass
class ItemBatches(IterableDataset):  # type: ignore[type-arg,unused-ignore]
    """This rank's item batches from ``start`` on (module doc); as a torch ``IterableDataset``
    it yields ``(k, (items, ids))`` for the DataLoader worker it runs in."""

    feed: Feed
    batch_size: int
    rank: int = 0
    world_size: int = 1
    chunks: int = 1
    bucketed: bool = False
    seed: int = 0
    start: int = 0

    def __post_init__(self) -> None:
        if self.batch_size < 1 or self.chunks < 1 or not 0 <= self.rank < self.world_size:
            raise ConfigError(
                f"need batch_size >= 1, chunks >= 1 and 0 <= rank < world_size; got "
                f"{self.batch_size}, {self.chunks}, {self.rank}, {self.world_size}"
            )

    def __iter__(self) -> Iterator[tuple[int, Window]]:
        info = get_worker_info()
        return self.iterate(*((0, 1) if info is None else (info.id, info.num_workers)))

    def iterate(self, worker: int = 0, workers: int = 1) -> Iterator[tuple[int, Window]]:
        """``(k, (items, ids))`` for this rank's batches ``k`` owned by ``worker``."""
        width, m = self.batch_size * self.world_size, self.chunks
        mine = self._mine(worker, workers)
        lo, hi = self.rank * self.batch_size, (self.rank + 1) * self.batch_size

        def wanted(j: int) -> bool:
            return any(mine(k) for k in range(j * m, (j + 1) * m))

        for j, (items, ids) in self.feed.windows(width * m, self.start // m, wanted):
            keys = [length_key(item[0]) for item in items]
            plan = plan_window(keys, m, width, seed=self.seed, window=j, bucketed=self.bucketed)
            for i, batch in enumerate(plan):
                if mine(j * m + i):
                    part = batch[lo:hi]
                    yield j * m + i, ([items[t] for t in part], [ids[t] for t in part])

    def _mine(self, worker: int, workers: int) -> Any:
        start = self.start
        return lambda k: k >= start and (k - start) % workers == worker


def with_columns(source: Any, cfg: Any) -> Any:
    """Shard sources read the configured columns (``--text-column`` …); dataset rows take the
    configured translation column unless they name one; text sources as given."""
    if isinstance(source, RowsSource):
        if cfg.translation_column and not source.translation_column:
            return dataclasses.replace(source, translation_column=cfg.translation_column)
        return source
    if not isinstance(source, ShardSource):
        if cfg.translation_column:
            raise ConfigError(
                f"--translation-column names a shard column, but {source.path} is a text file: "
                "give its translations as 'sentence<TAB>translation' lines"
            )
        return source
    return dataclasses.replace(
        source,
        text_column=cfg.text_column,
        lang_column=cfg.lang_column or None,
        rom_column=cfg.rom_column or None,
        translation_column=cfg.translation_column or None,
    )


def sentence_split(source: Any) -> Any:
    """Sentence-split text sources; shards are taken as one sentence per row (split them when
    preparing the corpus: splitting here would move every later sample position)."""
    if isinstance(source, ShardSource):
        log.warning("sentence_split: %s is read as one sentence per row", source.path)
        return source
    return source if isinstance(source, SentenceSplit) else SentenceSplit(source)
