"""The UDHR sentence-retrieval protocol of ``benchmarks/align_sentences.py`` (protocol 2):
English candidates that overlap a query's gold without being it are neither right nor wrong."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

from align_sentences import english_scores


def test_a_whole_section_query_is_not_failed_by_its_own_sentences() -> None:
    en = ["One. Two.", "One.", "Two.", "Three."]  # a whole section, its sentences, another
    gold = np.array([0, 1, 3])
    sims = np.array([[0.1, 0.9, 0.8, 0.2], [0.5, 0.4, 0.1, 0.2], [0.1, 0.9, 0.2, 0.5]])
    assert english_scores(sims, en, gold, protocol=1).argmax(1).tolist() == [1, 0, 1]
    got = english_scores(sims, en, gold).argmax(1)
    # query 0 (whole section) no longer competes with "One." / "Two."; it still loses to
    # "Three."; query 1 ("One.") is not failed by the whole section; query 2 is a real miss
    assert got.tolist() == [3, 1, 1]
    assert sims[2, 1] == english_scores(sims, en, gold)[2, 1]  # other texts stay candidates


@pytest.mark.parametrize("seed", range(20))
def test_english_scores_match_brute_force(seed: int) -> None:
    rng = random.Random(seed)
    words = ["a.", "b.", "c.", "d.", "e."]
    en = sorted({" ".join(rng.sample(words, rng.randint(1, 3))) for _ in range(12)})
    gold = np.array([rng.randrange(len(en)) for _ in range(15)])
    sims = np.random.default_rng(seed).normal(size=(len(gold), len(en)))
    got = english_scores(sims, en, gold).argmax(1)
    for q, g in enumerate(gold):  # brute force: the best candidate that does not overlap gold
        allowed = [c for c in range(len(en)) if c == g or not (en[c] in en[g] or en[g] in en[c])]
        assert got[q] == max(allowed, key=lambda c: sims[q, c])
