"""Training text from Parquet / Arrow shards (``romanize-corpus`` output, saved HF datasets),
read by position without scanning: the shard half of :mod:`tokadapt.align.feeds`.

**One global order per epoch.** The shards' row groups (Parquet) or record batches (Arrow) are
the units: they are permuted by ``(seed, epoch)`` and the rows inside each unit by
``(seed, epoch, unit)``; sample ``g`` of an epoch is then a pure function of the seed, found by
bisection over the units' cumulative sizes from the files' metadata alone. Position ``q`` of the
endless stream is sample ``q % N`` of epoch ``q // N``, so a resumed run reads only what it
still needs, and memory holds two units whatever the corpus size.

Each row has a stable *row id*: its index in storage order (files sorted, units in file order).
Items are the ``(text, lang)`` pairs of :mod:`tokadapt.align.sources`, with the precomputed
romanization as a third element when ``rom_column`` is set. A tab inside a row's text is a
space; with ``translation_column`` a row with a translation becomes ``text<TAB>translation``,
the form text-file lines carry it in (:func:`tokadapt.align.sources.row_text`).
"""

from __future__ import annotations

import bisect
import glob
import itertools
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tokadapt.align.sources import row_text
from tokadapt.errors import InputFileError, require

Row = tuple[str, "str | None"] | tuple[str, "str | None", str]
SUFFIXES = (".parquet", ".arrow")


def shard_files(spec: str | Path) -> list[Path]:
    """A ``.parquet``/``.arrow`` file, a directory of them (``romanize-corpus`` output or a
    ``save_to_disk`` dataset), or a glob of either (``data/part-*.parquet``)."""
    text = str(spec)
    matches = sorted(glob.glob(text)) if glob.has_magic(text) else [text]  # noqa: PTH207
    files: list[Path] = []
    for match in map(Path, matches):
        if match.is_dir():
            files += sorted(p for p in match.iterdir() if p.suffix in SUFFIXES)
        elif match.suffix in SUFFIXES and match.is_file():
            files.append(match)
    if not files:
        raise InputFileError(
            f"{spec}: no .parquet or .arrow shard found; give shard files, a directory of "
            "them or a glob (for a DatasetDict give one split directory, e.g. ds/train)"
        )
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
    """Random access to the rows of many shards in one seeded order per epoch.

    ``file_langs`` gives each file its language code (several ``--train DIR:LCODE``); else
    ``lang_column`` (one code per row) or ``lang`` (one for all).
    """

    files: Sequence[Path]
    text_column: str = "text"
    lang_column: str | None = None
    lang: str | None = None
    rom_column: str | None = None
    seed: int = 0
    file_langs: Sequence[str | None] | None = None
    translation_column: str | None = None
    _units: list[tuple[int, int, int]] = field(init=False, repr=False)
    _cache: dict[tuple[int, int], tuple[dict[str, list[Any]], list[int]]] = field(
        init=False, repr=False
    )

    def __post_init__(self) -> None:
        import pyarrow.parquet  # noqa: F401  (registers pa.parquet for _units/_read_unit)

        self._units = [
            (f, u, n) for f, path in enumerate(self.files) for u, n in enumerate(_units(path)) if n
        ]
        self._first_id = [0, *itertools.accumulate(n for _, _, n in self._units)][:-1]
        self._len = sum(n for _, _, n in self._units)
        self._cache = {}
        self._epoch: tuple[int, list[int], list[int]] | None = None

    def __len__(self) -> int:
        return self._len

    @property
    def columns(self) -> list[str]:
        cols = (self.text_column, self.lang_column, self.rom_column, self.translation_column)
        return [c for c in cols if c]

    def _order(self, epoch: int) -> tuple[list[int], list[int]]:
        if self._epoch is None or self._epoch[0] != epoch:
            order = list(range(len(self._units)))
            random.Random(f"tokadapt-shards:{self.seed}:{epoch}").shuffle(order)
            ends = list(itertools.accumulate(self._units[u][2] for u in order))
            self._epoch = (epoch, order, ends)
        return self._epoch[1], self._epoch[2]

    def row(self, epoch: int, g: int) -> tuple[int, Row]:
        """``(row id, item)`` of sample ``g`` of ``epoch``."""
        order, ends = self._order(epoch)
        k = bisect.bisect_right(ends, g)
        unit = order[k]
        data, perm = self._unit(epoch, unit)
        i = perm[g - (ends[k - 1] if k else 0)]
        tr = data[self.translation_column][i] if self.translation_column else None
        text = row_text(data[self.text_column][i] or "", tr)
        lang = data[self.lang_column][i] if self.lang_column else self._file_lang(unit)
        item: Row = (text, lang or None)
        if self.rom_column:
            item = (text, lang or None, data[self.rom_column][i] or "")
        return self._first_id[unit] + i, item

    def at(self, q: int) -> tuple[int, Row]:
        """Position ``q`` of the endless stream (epoch after epoch)."""
        epoch, g = divmod(q, len(self))
        return self.row(epoch, g)

    def row_iter(self, epoch: int) -> Iterator[Row]:
        """Every row of ``epoch`` in its global order."""
        return (self.row(epoch, g)[1] for g in range(len(self)))

    def _file_lang(self, unit: int) -> str | None:
        return self.file_langs[self._units[unit][0]] if self.file_langs else self.lang

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
                    f"{self.files[f]} lacks a column of {self.columns}: {exc}; name the "
                    "columns with --text-column / --lang-column / --rom-column / "
                    "--translation-column"
                ) from exc
            perm = list(range(n))
            random.Random(f"tokadapt-shards:{self.seed}:{epoch}:{unit}").shuffle(perm)
            self._cache[(epoch, unit)] = (data, perm)
        return self._cache[(epoch, unit)]


@dataclass(frozen=True)
class ShardSource:
    """Shards given as ``--train corpus/:rus`` (a file, directory or glob, optional code)."""

    path: Path
    lang: str | None = None
    text_column: str = "text"
    lang_column: str | None = None
    rom_column: str | None = None
    translation_column: str | None = None

    def files(self) -> list[Path]:
        return shard_files(self.path)

    def count(self) -> int:
        n = len(merge_shards([self]))
        if n == 0:
            raise InputFileError(f"training shards {self.path} have no rows")
        return n

    def iterate(self, rng: random.Random) -> Iterator[tuple[str, str | None]]:
        """Every row once, in the seeded order (the :mod:`sources` protocol; the trainer reads
        shards by position instead, :class:`tokadapt.align.feeds.ShardFeed`)."""
        for item in merge_shards([self], seed=rng.getrandbits(32)).row_iter(0):
            if item[0].strip():
                yield item[0].strip(), item[1]


def merge_shards(sources: Sequence[ShardSource], seed: int = 0) -> ShardRows:
    """One :class:`ShardRows` over several shard sources (each file keeps its source's code)."""
    first = sources[0]
    for src in sources[1:]:
        if _columns(src) != _columns(first):
            raise InputFileError(
                f"shard sources {first.path} and {src.path} name different columns; "
                "give all shards the same --text-column / --lang-column / --rom-column / "
                "--translation-column"
            )
    files, langs = [], []
    for src in sources:
        found = src.files()
        files += found
        langs += [src.lang] * len(found)
    return ShardRows(
        files,
        first.text_column,
        first.lang_column,
        rom_column=first.rom_column,
        seed=seed,
        file_langs=langs,
        translation_column=first.translation_column,
    )


def _columns(src: ShardSource) -> tuple[str | None, ...]:
    return (src.text_column, src.lang_column, src.rom_column, src.translation_column)
