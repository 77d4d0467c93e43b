"""Training text from Parquet / Arrow shards (``romanize-corpus`` output, saved HF datasets),
streamed and split across DDP ranks and DataLoader workers without overlap.

**One global order per epoch.** The shards' row groups are the units: they are permuted by
``(seed, epoch)`` and the rows inside each unit by ``(seed, epoch, unit)``; global sample ``g``
is then a pure function of the seed, found by bisection over the units' cumulative sizes without
reading anything. **Split.** Rank ``r`` of ``R`` owns the contiguous range
``[r*N//R, (r+1)*N//R)`` of the epoch (each rank reads only its part of the corpus) and cuts it
into batches of ``batch_size``; ``steps = min range // batch_size`` batches per epoch, the
same on every rank, the rest of the epoch dropped. DataLoader worker ``w`` of ``W`` builds the
rank's batches ``start_batch + w + i*W``, so the DataLoader's round robin (which starts at
worker 0) returns the batches in order whatever ``W``. **Resume.** ``start_batch=k`` restarts
at batch ``k`` (epochs continue past ``steps``): the sample position is exact, and nothing
before it is read.

Items are the ``(text, lang)`` pairs of :mod:`tokadapt.align.sources`; ``rom_column`` adds the
precomputed romanization as a third element, ``romanize=True`` computes it on the fly.
"""

from __future__ import annotations

import bisect
import itertools
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from torch.utils.data import IterableDataset, get_worker_info

from tokadapt.errors import ConfigError, InputFileError, require

Row = tuple[str, "str | None"] | tuple[str, "str | None", str]


def shard_files(spec: str | Path) -> list[Path]:
    """A ``.parquet``/``.arrow`` file, or a directory of them (``romanize-corpus`` output or a
    ``save_to_disk`` dataset)."""
    path = Path(spec)
    files = [path] if path.is_file() else sorted([*path.glob("*.parquet"), *path.glob("*.arrow")])
    if not files:
        raise InputFileError(f"{spec}: no .parquet or .arrow shard found")
    return files


def _units(path: Path) -> list[int]:
    """Row counts of the file's units (Parquet row groups, Arrow record batches)."""
    pa: Any = require("pyarrow", "scale")
    if path.suffix == ".parquet":
        meta = pa.parquet.ParquetFile(path).metadata
        return [meta.row_group(i).num_rows for i in range(meta.num_row_groups)]
    with pa.memory_map(str(path)) as source:
        return [b.num_rows for b in pa.ipc.open_stream(source)]


def _read_unit(path: Path, index: int, columns: list[str]) -> dict[str, list[Any]]:
    pa: Any = require("pyarrow", "scale")
    if path.suffix == ".parquet":
        table = pa.parquet.ParquetFile(path).read_row_group(index, columns=columns)
    else:
        with pa.memory_map(str(path)) as source:
            batch = next(itertools.islice(pa.ipc.open_stream(source), index, None))
            table = pa.Table.from_batches([batch]).select(columns)
    return {c: table.column(c).to_pylist() for c in columns}


@dataclass
class ShardRows:
    """Random access to the rows of many shards in one seeded order per epoch."""

    files: Sequence[Path]
    text_column: str = "text"
    lang_column: str | None = None
    lang: str | None = None
    rom_column: str | None = None
    seed: int = 0
    _units: list[tuple[int, int, int]] = field(init=False, repr=False)
    _cache: dict[tuple[int, int], tuple[dict[str, list[Any]], list[int]]] = field(
        init=False, repr=False
    )

    def __post_init__(self) -> None:
        import pyarrow.parquet  # noqa: F401  (registers pa.parquet for _units/_read_unit)

        self._units = [
            (f, u, n) for f, path in enumerate(self.files) for u, n in enumerate(_units(path)) if n
        ]
        self._cache = {}
        self._epoch: tuple[int, list[int], list[int]] | None = None

    def __len__(self) -> int:
        return sum(n for _, _, n in self._units)

    @property
    def columns(self) -> list[str]:
        return [c for c in (self.text_column, self.lang_column, self.rom_column) if c]

    def _order(self, epoch: int) -> tuple[list[int], list[int]]:
        if self._epoch is None or self._epoch[0] != epoch:
            order = list(range(len(self._units)))
            random.Random(f"tokadapt-shards:{self.seed}:{epoch}").shuffle(order)
            ends = list(itertools.accumulate(self._units[u][2] for u in order))
            self._epoch = (epoch, order, ends)
        return self._epoch[1], self._epoch[2]

    def row(self, epoch: int, g: int) -> Row:
        """Global sample ``g`` of ``epoch``."""
        order, ends = self._order(epoch)
        k = bisect.bisect_right(ends, g)
        unit = order[k]
        offset = g - (ends[k - 1] if k else 0)
        data, perm = self._unit(epoch, unit)
        i = perm[offset]
        text = data[self.text_column][i] or ""
        lang = data[self.lang_column][i] if self.lang_column else self.lang
        if self.rom_column:
            return text, lang or None, data[self.rom_column][i] or ""
        return text, lang or None

    def row_iter(self, epoch: int) -> Iterator[Row]:
        """Every row of ``epoch`` in its global order."""
        return (self.row(epoch, g) for g in range(len(self)))

    def _unit(self, epoch: int, unit: int) -> tuple[dict[str, list[Any]], list[int]]:
        """The unit's columns and its row permutation for ``epoch`` (the last two cached)."""
        if (epoch, unit) not in self._cache:
            if len(self._cache) >= 2:
                self._cache.pop(next(iter(self._cache)))
            f, u, n = self._units[unit]
            try:
                data = _read_unit(self.files[f], u, self.columns)
            except KeyError as exc:
                raise InputFileError(
                    f"{self.files[f]} lacks a column of {self.columns}: {exc}"
                ) from exc
            perm = list(range(n))
            random.Random(f"tokadapt-shards:{self.seed}:{epoch}:{unit}").shuffle(perm)
            self._cache[(epoch, unit)] = (data, perm)
        return self._cache[(epoch, unit)]


class ShardedItems(IterableDataset):  # type: ignore[type-arg,unused-ignore]
    """Endless batches of items for one rank; a torch ``IterableDataset`` (see module doc).

    Use with ``DataLoader(ds, batch_size=None, num_workers=W)``; resume with ``start_batch``
    = the number of batches this rank has consumed.
    """

    def __init__(
        self,
        rows: ShardRows,
        *,
        batch_size: int,
        rank: int = 0,
        world_size: int = 1,
        start_batch: int = 0,
        romanize: bool = False,
    ) -> None:
        if batch_size < 1 or not 0 <= rank < world_size or start_batch < 0:
            raise ConfigError(
                f"need batch_size >= 1, 0 <= rank < world_size, start_batch >= 0; got "
                f"{batch_size=}, {rank=}, {world_size=}, {start_batch=}"
            )
        self.rows, self.batch_size, self.rank, self.world_size = rows, batch_size, rank, world_size
        self.start_batch, self.romanize = start_batch, romanize
        total = len(rows)
        self.lo = rank * total // world_size
        self.steps = (total // world_size) // batch_size
        if self.steps == 0:
            raise InputFileError(
                f"{total} rows are fewer than one batch of {batch_size} per rank for "
                f"{world_size} rank(s); give more data or a smaller batch"
            )

    def batch(self, b: int) -> list[Row]:
        """The rank's batch ``b`` (any epoch): a pure function of (seed, rank, world, b)."""
        epoch, step = divmod(b, self.steps)
        start = self.lo + step * self.batch_size
        items = [self.rows.row(epoch, g) for g in range(start, start + self.batch_size)]
        if self.romanize and not self.rows.rom_column:
            items = _add_romanizations(items)
        return items

    def __iter__(self) -> Iterator[list[Row]]:
        info = get_worker_info()
        n_workers, worker = (1, 0) if info is None else (info.num_workers, info.id)
        b = self.start_batch + worker  # the DataLoader's round robin starts at worker 0
        while True:
            yield self.batch(b)
            b += n_workers


def _add_romanizations(items: list[Row]) -> list[Row]:
    import translit

    by_lang: dict[str | None, list[int]] = {}
    for i, item in enumerate(items):
        by_lang.setdefault(item[1], []).append(i)
    out: list[Row] = list(items)
    for lang, idx in sorted(by_lang.items(), key=lambda kv: kv[0] or ""):
        rom = translit.Romanizer(lang, errors="replace")
        for i, r in zip(idx, rom.romanize_batch([items[i][0] for i in idx], 1), strict=True):
            out[i] = (items[i][0], lang, r)
    return out


@dataclass(frozen=True)
class ShardSource:
    """The :mod:`tokadapt.align.sources` protocol over shards (``--train corpus/:rus``)."""

    path: Path
    lang: str | None = None
    text_column: str = "text"
    lang_column: str | None = None

    def _rows(self, seed: int) -> ShardRows:
        return ShardRows(
            shard_files(self.path), self.text_column, self.lang_column, self.lang, seed=seed
        )

    def count(self) -> int:
        n = len(self._rows(0))
        if n == 0:
            raise InputFileError(f"training shards {self.path} have no rows")
        return n

    def iterate(self, rng: random.Random) -> Iterator[tuple[str, str | None]]:
        for item in self._rows(rng.getrandbits(32)).row_iter(0):
            text, lang = item[0], item[1]
            if text.strip():
                yield text.strip(), lang
