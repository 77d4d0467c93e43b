"""Seed dictionaries: from a dictionary, from identical strings, from romanization-identical
strings (new: a Cyrillic ``Москва`` and a Latin ``Moskva`` seed a pair because ``translit``
romanizes both to the same key)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Literal

import numpy as np

from tokadapt.bli.dictionary import Dictionary, lookup
from tokadapt.bli.embeddings import Embeddings
from tokadapt.errors import ConfigError

SeedFrom = Literal["dict", "identical", "romanized"]
SEED_FROM: tuple[SeedFrom, ...] = ("dict", "identical", "romanized")


def _pairs_from_keys(
    src_keys: Sequence[str], tgt_keys: Sequence[str], max_ambiguity: int, limit: int | None
) -> np.ndarray:
    by_key: dict[str, list[int]] = defaultdict(list)
    for j, key in enumerate(tgt_keys[:limit]):
        if key:
            by_key[key].append(j)
    src_by_key: dict[str, list[int]] = defaultdict(list)
    for i, key in enumerate(src_keys[:limit]):
        if key in by_key:
            src_by_key[key].append(i)
    pairs = [
        (i, j)
        for key, rows in src_by_key.items()
        if len(rows) <= max_ambiguity and len(by_key[key]) <= max_ambiguity
        for i in rows
        for j in by_key[key]
    ]
    return np.array(sorted(pairs), dtype=np.int64).reshape(-1, 2)


def identical(src: Embeddings, tgt: Embeddings, limit: int | None = None) -> np.ndarray:
    """Pairs of rows whose words are the same string (among the first ``limit`` words)."""
    return _pairs_from_keys(src.words, tgt.words, 1, limit)


def romanized(
    src: Embeddings,
    tgt: Embeddings,
    *,
    src_lang: str | None = None,
    tgt_lang: str | None = None,
    limit: int | None = None,
    max_ambiguity: int = 2,
    casefold: bool = True,
    scheme: str = "uroman",
) -> np.ndarray:
    """Pairs whose ``translit`` romanizations match (casefolded), across scripts."""
    from translit import make_romanizer

    words_s, words_t = src.words[:limit], tgt.words[:limit]
    keys_s = make_romanizer(scheme, src_lang).romanize_batch(words_s)
    keys_t = make_romanizer(scheme, tgt_lang).romanize_batch(words_t)
    if casefold:
        keys_s, keys_t = [k.casefold() for k in keys_s], [k.casefold() for k in keys_t]
    return _pairs_from_keys(keys_s, keys_t, max_ambiguity, None)


def seed_pairs(
    how: str,
    src: Embeddings,
    tgt: Embeddings,
    *,
    dictionary: Dictionary | None = None,
    src_lang: str | None = None,
    tgt_lang: str | None = None,
    limit: int | None = None,
    scheme: str = "uroman",
) -> np.ndarray:
    """The seed ``(m, 2)`` row pairs for ``how`` in :data:`SEED_FROM`."""
    if how == "dict":
        if dictionary is None:
            raise ConfigError("seed 'dict' needs a training dictionary (--train-dict FILE)")
        return lookup(dictionary, src, tgt).pairs
    if how == "identical":
        return identical(src, tgt, limit)
    if how == "romanized":
        return romanized(src, tgt, src_lang=src_lang, tgt_lang=tgt_lang, limit=limit, scheme=scheme)
    raise ConfigError(f"seed must be one of {', '.join(SEED_FROM)}, got {how!r}")
