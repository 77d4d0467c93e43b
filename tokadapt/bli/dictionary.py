"""Bilingual dictionaries: MUSE (``src tgt``), tab-separated with or without a header, and
lookup against two vocabularies with out-of-vocabulary accounting."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from tokadapt.bli.embeddings import Embeddings
from tokadapt.errors import InputFileError

_HEADER_NAMES = {"src", "source", "tgt", "trg", "target", "word", "translation", "en", "english"}


@dataclass(frozen=True)
class Dictionary:
    """Translation pairs in file order (duplicates removed)."""

    pairs: tuple[tuple[str, str], ...]
    origin: str = "<memory>"

    @classmethod
    def from_pairs(cls, pairs: Iterable[tuple[str, str]], origin: str = "<memory>") -> Dictionary:
        return cls(tuple(dict.fromkeys((s, t) for s, t in pairs)), origin)

    def __len__(self) -> int:
        return len(self.pairs)


@dataclass(frozen=True)
class Lookup:
    """A dictionary resolved against source/target vocabularies."""

    src_idx: np.ndarray  # unique source rows with >= 1 in-vocabulary pair, ascending
    gold: dict[int, set[int]]  # source row -> target rows
    pairs: np.ndarray  # (m, 2) in-vocabulary (source row, target row) pairs
    n_pairs: int
    n_oov_pairs: int
    n_src_words: int  # unique source words in the dictionary

    @property
    def coverage(self) -> float:
        return len(self.src_idx) / self.n_src_words if self.n_src_words else 0.0


def _looks_like_header(fields: list[str]) -> bool:
    return all(
        f.strip().lower() in _HEADER_NAMES
        or (len(f.strip()) in (2, 3) and f.strip().isalpha() and f.strip().islower())
        for f in fields[:2]
    ) and any(f.strip().lower() in _HEADER_NAMES for f in fields[:2])


def read_dictionary(path: str | os.PathLike[str]) -> Dictionary:
    """Read MUSE ``src tgt`` lines, or tab-separated columns (first two used; a header of column
    names such as ``source\\ttarget`` is skipped). Blank lines and ``#`` comments are ignored."""
    src = Path(path)
    if not src.is_file():
        raise InputFileError(f"dictionary {src} does not exist")
    pairs: list[tuple[str, str]] = []
    with src.open(encoding="utf-8") as handle:
        for lineno, line in enumerate(handle, 1):
            text = line.rstrip("\r\n")
            if not text.strip() or text.lstrip().startswith("#"):
                continue
            fields = text.split("\t") if "\t" in text else text.split()
            if lineno == 1 and _looks_like_header(fields):
                continue
            if "\t" in text and len(fields) >= 2 and fields[0].strip() and fields[1].strip():
                pairs.append((fields[0].strip(), fields[1].strip()))
                continue
            if len(fields) != 2:
                raise InputFileError(
                    f"{src}:{lineno}: expected two fields 'source target' (space- or "
                    f"tab-separated), found {len(fields)}: {text!r}. Multi-word entries need "
                    "tab separation"
                )
            pairs.append((fields[0], fields[1]))
    if not pairs:
        raise InputFileError(f"dictionary {src} contains no pairs")
    return Dictionary.from_pairs(pairs, str(src))


def lookup(dictionary: Dictionary, src: Embeddings, tgt: Embeddings) -> Lookup:
    """Resolve pairs to rows; pairs with a word missing from either vocabulary are dropped."""
    gold: dict[int, set[int]] = {}
    kept: list[tuple[int, int]] = []
    oov = 0
    for s, t in dictionary.pairs:
        i, j = src.index.get(s), tgt.index.get(t)
        if i is None or j is None:
            oov += 1
            continue
        gold.setdefault(i, set()).add(j)
        kept.append((i, j))
    n_src_words = len({s for s, _ in dictionary.pairs})
    pairs = np.array(kept, dtype=np.int64).reshape(-1, 2)
    return Lookup(
        np.array(sorted(gold), dtype=np.int64), gold, pairs, len(dictionary.pairs), oov, n_src_words
    )
