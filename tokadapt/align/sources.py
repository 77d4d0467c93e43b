"""Training text sources (text files with a language code, or dataset rows) and their
deterministic, streaming shuffle.

A text file is read line by line (blank lines skipped), so corpora larger than RAM stream. An
epoch interleaves all sources at random, weighted by the lines each has left (a uniformly random
interleaving), then passes the stream through a shuffle buffer. Both use one ``random.Random``
seeded by ``(seed, epoch)``, so the order is a pure function of the seed: a resumed run and
every DataLoader worker see the same sequence. Epochs repeat without end; the trainer stops.

Dataset rows: any object with ``len()`` and ``[i] -> dict`` (a Hugging Face ``datasets.Dataset``
works) with a text column and either a language column or one language code for all rows.
"""

from __future__ import annotations

import glob
import random
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tokadapt.errors import ConfigError, InputFileError

_LCODE = re.compile(r"[a-z]{3}[0-9]?")
Item = tuple[str, "str | None"]


@dataclass(frozen=True)
class TextSource:
    """One UTF-8 text file, one sentence per line, with an optional ISO-639-3 code. A line
    ``text<TAB>translation`` carries its translation (English) through to the batch
    (:mod:`tokadapt.align.pairs`); only ``text`` is romanized."""

    path: Path
    lang: str | None = None
    #: keys (:func:`dev_key`) of the lines left out of training: the dev lines held out of
    #: the training files (:mod:`tokadapt.align.holdout`)
    skip: frozenset[str] = frozenset()

    def count(self) -> int:
        n = 0
        try:
            with self.path.open(encoding="utf-8") as handle:
                for line in handle:
                    text = line.strip()
                    n += bool(text) and not (self.skip and dev_key(text) in self.skip)
        except FileNotFoundError as exc:
            raise InputFileError(f"training file {self.path} does not exist") from exc
        except UnicodeDecodeError as exc:
            raise InputFileError(f"training file {self.path} is not UTF-8 text: {exc}") from exc
        if n == 0:
            raise InputFileError(
                f"training file {self.path} is empty (no non-blank line); "
                "give a file with one sentence per line"
            )
        return n

    def iterate(self, rng: random.Random) -> Iterator[Item]:
        with self.path.open(encoding="utf-8") as handle:
            for line in handle:
                text = line.strip()
                if text and not (self.skip and dev_key(text) in self.skip):
                    yield text, self.lang


def dev_key(line: str) -> str:
    """What identifies a training line for a held-out dev split: its translation when it has
    one (parallel files share it, so a held-out pair leaves every file), else the line."""
    translation = line.rsplit("\t", 1)[-1].strip() if "\t" in line else ""
    return translation or line.strip()


@dataclass(frozen=True)
class RowsSource:
    """Rows of a dataset (``datasets.Dataset`` or a list of dicts); shuffled exactly per epoch.

    A tab inside a row's text is a space; with ``translation_column`` a row with a translation
    becomes ``text<TAB>translation``, as shards read with one."""

    rows: Any
    text_column: str = "text"
    lang_column: str | None = None
    lang: str | None = None
    translation_column: str | None = None

    def count(self) -> int:
        n = len(self.rows)
        if n == 0:
            raise InputFileError("the training dataset has no rows")
        first = self.rows[0]
        for col in (self.text_column, self.lang_column, self.translation_column):
            if col is not None and col not in first:
                raise InputFileError(
                    f"the training dataset has no column {col!r}; columns: {sorted(first)}"
                )
        return n

    def iterate(self, rng: random.Random) -> Iterator[Item]:
        order = list(range(len(self.rows)))
        rng.shuffle(order)
        for i in order:
            row = self.rows[i]
            text = str(row[self.text_column]).strip()
            lang = row[self.lang_column] if self.lang_column else self.lang
            if text:
                tr = row[self.translation_column] if self.translation_column else None
                yield row_text(text, tr), (lang or None)


def row_text(text: str, translation: Any = None) -> str:
    """A shard or dataset row as a training line: a tab inside its text is a space, and a
    non-empty translation follows after a tab (the ``text<TAB>translation`` form of text files)."""
    text = text.replace("\t", " ")
    translation = str(translation or "").strip()
    return f"{text}\t{translation}" if translation else text


@dataclass(frozen=True)
class SentenceSplit:
    """Another source with every line cut into sentences (``tokadapt.align.sentences``)."""

    inner: TextSource | RowsSource

    def count(self) -> int:
        self.inner.count()  # validates (missing file, empty file, missing column)
        return sum(1 for _ in self.iterate(random.Random(0)))

    def iterate(self, rng: random.Random) -> Iterator[Item]:
        from tokadapt.align.sentences import split_pair

        for text, lang in self.inner.iterate(rng):
            for sentence in split_pair(text):
                yield sentence, lang


Source = TextSource | RowsSource | SentenceSplit


def parse_source(spec: str) -> Any:
    """``FILE`` or ``FILE:LCODE`` (the code is the part after the last colon, e.g. ``rus``).

    A ``.parquet``/``.arrow`` file, a directory of them or a glob (``data/*.parquet:rus``) is
    read as shards (:class:`tokadapt.align.shards.ShardSource`, column ``text``).
    """
    path, sep, lang = spec.rpartition(":")
    shards = Path(path if sep and _LCODE.fullmatch(lang) else spec)
    if shards.is_dir() or shards.suffix in (".parquet", ".arrow") or glob.has_magic(str(shards)):
        from tokadapt.align.shards import ShardSource

        return ShardSource(shards, lang if shards != Path(spec) else None)
    if not sep or not _LCODE.fullmatch(lang):
        if sep and len(lang) <= 4 and not Path(spec).exists():
            raise ConfigError(
                f"{spec!r}: language code {lang!r} is not an ISO-639-3 code like "
                "'rus' or 'hin'; write FILE:LCODE"
            )
        return TextSource(Path(spec))
    return TextSource(Path(path), lang)


def _interleave(
    sources: Sequence[Source], counts: Sequence[int], rng: random.Random
) -> Iterator[Item]:
    iters = [s.iterate(rng) for s in sources]
    left = list(counts)
    while any(left):
        (i,) = rng.choices(range(len(iters)), weights=left)
        item = next(iters[i], None)
        if item is None:
            left[i] = 0
            continue
        left[i] -= 1
        yield item


def _buffer_shuffle(items: Iterator[Item], size: int, rng: random.Random) -> Iterator[Item]:
    buf: list[Item] = []
    for item in items:
        if len(buf) < size:
            buf.append(item)
            continue
        j = rng.randrange(size)
        buf[j], item = item, buf[j]
        yield item
    rng.shuffle(buf)
    yield from buf


def raw_stream(
    sources: Sequence[Source], counts: Sequence[int], seed: int, buffer: int
) -> Iterator[Item]:
    """Endless (text, lang) stream: epoch after epoch, each shuffled by ``(seed, epoch)``."""
    if not sources or not any(counts):
        raise InputFileError("no training text: give at least one non-empty --train file")
    epoch = 0
    while True:
        rng = random.Random(f"tokadapt-align:{seed}:{epoch}")
        yield from _buffer_shuffle(_interleave(sources, counts, rng), buffer, rng)
        epoch += 1
