"""align --scheme: one or several romanization schemes, one drawn per pair (seeded)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tokadapt.align.config import AlignConfig
from tokadapt.align.pairs import PairStream
from tokadapt.align.sources import TextSource
from tokadapt.errors import ConfigError
from translit import make_romanizer
from translit.errors import InputError

pytest.importorskip("icu")


def _stream(corpus: dict[str, Path], tok: Any, schemes: str, seed: int = 3) -> PairStream:
    return PairStream(
        [TextSource(corpus["ru"], "rus")],
        tok,
        batch_size=8,
        max_length=32,
        seed=seed,
        schemes=schemes,
    )


def test_several_schemes_are_sampled_per_pair(corpus: dict[str, Path], xlmr_tokenizer) -> None:
    items = [(t, "rus") for t in corpus["ru"].read_text().split("\n") if t][:200]
    stream = _stream(corpus, xlmr_tokenizer, "uroman,icu:iso9")
    got = stream.romanize(items, chunk=5)
    uroman = make_romanizer("uroman", "rus").romanize_batch([t for t, _ in items])
    iso9 = make_romanizer("icu:iso9", "rus").romanize_batch([t for t, _ in items])
    from_u = sum(g == u != i for g, u, i in zip(got, uroman, iso9, strict=True))
    from_i = sum(g == i != u for g, u, i in zip(got, uroman, iso9, strict=True))
    assert all(g in (u, i) for g, u, i in zip(got, uroman, iso9, strict=True))
    assert from_u > 40 and from_i > 40  # both schemes drawn
    assert got == _stream(corpus, xlmr_tokenizer, "uroman,icu:iso9").romanize(items, chunk=5)
    assert got != stream.romanize(items, chunk=6)
    assert _stream(corpus, xlmr_tokenizer, "icu:iso9").romanize(items) == iso9


def test_bad_scheme_is_refused_early(corpus: dict[str, Path], xlmr_tokenizer) -> None:
    with pytest.raises(ConfigError, match="scheme: unknown romanization scheme 'iso9'"):
        AlignConfig(scheme="iso9").validate()
    with pytest.raises(InputError, match="ICU cannot build the transform 'Nope'"):
        _stream(corpus, xlmr_tokenizer, "uroman,icu:Nope")
