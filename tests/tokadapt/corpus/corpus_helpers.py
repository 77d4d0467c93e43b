"""Helpers for the corpus tests: real multi-script text (wordfreq words, CLDR names via babel)."""

from __future__ import annotations

import random
from pathlib import Path

#: wordfreq language -> ISO 639-3 code, one per script family we romanize
LANGS = {"ru": "rus", "hi": "hin", "ar": "ara", "el": "ell", "ja": "jpn", "ko": "kor", "he": "heb"}


def sentences(n: int, seed: int = 0) -> list[tuple[str, str]]:
    """``n`` (sentence, lcode) pairs of real words: wordfreq top words and CLDR country names."""
    from babel import Locale
    from wordfreq import top_n_list

    rng = random.Random(seed)
    vocab = {
        lang: top_n_list(lang, 800) + sorted(Locale.parse(lang).territories.values())
        for lang in LANGS
    }
    out = []
    for _ in range(n):
        lang = rng.choice(sorted(LANGS))
        sep = "" if lang == "ja" else " "
        out.append((sep.join(rng.choices(vocab[lang], k=rng.randint(3, 12))), LANGS[lang]))
    return out


def read_outputs(out: Path) -> dict[str, bytes]:
    """Every committed Parquet shard's bytes, by name (temporaries must not exist)."""
    assert not list(out.glob(".tokadapt-tmp-*")), "temporary files left behind"
    return {p.name: p.read_bytes() for p in sorted(out.glob("*.parquet"))}
