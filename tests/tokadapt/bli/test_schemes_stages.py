"""--scheme in BLI romanized seeds and retrieval --romanize-src (one factory)."""

from __future__ import annotations

import numpy as np
import pytest

from tokadapt.bli.embeddings import Embeddings
from tokadapt.bli.seeds import romanized, seed_pairs
from tokadapt.cli.retrieval import _romanizer
from tokadapt.errors import ConfigError

pytest.importorskip("icu")


def test_romanized_seeds_follow_the_scheme() -> None:
    src = Embeddings(["shchuka", "suka", "moskva"], np.eye(3))
    tgt = Embeddings(["Щука", "Москва"], np.eye(3)[:2])
    uroman = romanized(src, tgt, tgt_lang="rus")
    bgn = romanized(src, tgt, tgt_lang="rus", scheme="icu:bgn")
    iso9 = seed_pairs("romanized", src, tgt, tgt_lang="rus", scheme="icu:iso9-ascii")
    assert uroman.tolist() == [[0, 0], [2, 1]]  # uroman: Shchuka, Moskva
    assert bgn.tolist() == [[0, 0], [2, 1]]
    assert iso9.tolist() == [[1, 0], [2, 1]]  # ISO 9 ASCII: Suka


@pytest.mark.parametrize(
    ("option", "scheme", "lang"),
    [("none", "uroman", None), ("rus", "uroman:rus", "rus"), ("icu:bgn", "icu:bgn", None)],
)
def test_retrieval_romanize_src_option(option: str, scheme: str, lang: str | None) -> None:
    rom = _romanizer(option)
    assert rom.scheme == scheme and rom.lang == lang


def test_retrieval_romanize_src_refuses_unknown() -> None:
    with pytest.raises(ConfigError, match="unknown language code 'russian'"):
        _romanizer("russian")
    with pytest.raises(ConfigError, match="ICU cannot build the transform 'Nope'"):
        _romanizer("icu:Nope")
