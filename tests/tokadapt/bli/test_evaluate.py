"""P@k in the MUSE and VecMap conventions on a hand-made case."""

from __future__ import annotations

import numpy as np
import pytest

from tokadapt.bli.dictionary import Dictionary, lookup
from tokadapt.bli.embeddings import Embeddings
from tokadapt.bli.evaluate import score
from tokadapt.errors import ShapeError

SRC = Embeddings(["s1", "s2", "s3"], np.eye(3))
TGT = Embeddings(["t1", "t2", "t3", "t4", "t5", "t6"], np.eye(6))


def test_both_conventions_by_hand() -> None:
    # s1 -> {t1, t2}; s2 -> {t3}; s3 -> tX (OOV pair); s4 (OOV) -> t1
    d = Dictionary.from_pairs(
        [("s1", "t1"), ("s1", "t2"), ("s2", "t3"), ("s3", "tX"), ("s4", "t1")]
    )
    found = lookup(d, SRC, TGT)
    predictions = np.array(
        [
            [2, 1, 3, 4, 5, 0],  # s1: first gold (t2) at rank 2 -> miss @1, hit @5
            [2, 0, 1, 3, 4, 5],  # s2: t3 at rank 1 -> hit
        ]
    )
    result = score(predictions, found, ks=(1, 5))
    assert result.p_at == {1: 50.0, 5: 100.0}  # MUSE: over the 2 found source words
    assert result.accuracy == 50.0 and result.coverage == 0.5  # VecMap: 2 of 4 source words
    assert result.strict_accuracy == 25.0
    assert (result.queries, result.pairs, result.oov_pairs) == (2, 5, 2)


def test_a_gold_target_beyond_k_is_a_miss() -> None:
    found = lookup(Dictionary.from_pairs([("s1", "t6")]), SRC, TGT)
    result = score(np.array([[0, 1, 2, 3, 4, 5]]), found, ks=(1, 5, 6))
    assert result.p_at == {1: 0.0, 5: 0.0, 6: 100.0}


def test_empty_overlap_is_an_error() -> None:
    found = lookup(Dictionary.from_pairs([("zz", "t1")]), SRC, TGT)
    with pytest.raises(ShapeError, match="empty overlap"):
        score(np.zeros((0, 5), dtype=np.int64), found)
