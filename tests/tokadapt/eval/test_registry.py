"""The one scoring registry: every criterion, its aliases, and margin against its definition."""

from __future__ import annotations

import numpy as np
import pytest

from tokadapt.errors import ConfigError
from tokadapt.eval import retrieval, scoring
from tokadapt.eval.normalize import unit


def _pair(seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return unit(rng.standard_normal((70, 12))), unit(rng.standard_normal((50, 12)))


def test_registry_names_the_four_criteria_and_both_clis_reuse_it() -> None:
    assert scoring.RETRIEVALS == ("nn", "csls", "isf", "margin")
    assert retrieval.SCORINGS == ("cosine", "nn", "csls", "isf", "margin")


def test_margin_matches_the_dense_definition_for_chosen_rows() -> None:
    src, tgt = _pair()
    cos = src.astype(np.float64) @ tgt.astype(np.float64).T
    r_src = -np.sort(-cos, axis=1)[:, :4].mean(1)
    r_tgt = -np.sort(-cos, axis=0)[:4].mean(0)
    dense = cos / ((r_src[:, None] + r_tgt[None, :]) / 2.0)
    rows = np.array([5, 0, 69])
    top = scoring.translate(src, tgt, rows, 3, retrieval="margin", backend="numpy")
    np.testing.assert_array_equal(top.indices, np.argsort(-dense[rows], 1, kind="stable")[:, :3])
    np.testing.assert_allclose(top.scores, -np.sort(-dense[rows], 1)[:, :3], atol=1e-9)


def test_cosine_is_an_alias_of_nn() -> None:
    src, tgt = _pair(1)
    a = scoring.translate(src, tgt, None, 2, retrieval="cosine", backend="numpy")
    b = scoring.translate(src, tgt, None, 2, retrieval="nn", backend="numpy")
    np.testing.assert_array_equal(a.indices, b.indices)


def test_unknown_criterion_names_the_registry() -> None:
    src, tgt = _pair()
    with pytest.raises(ConfigError, match="nn, csls, isf, margin, got 'dot'"):
        scoring.translate(src, tgt, None, 1, retrieval="dot")


@pytest.mark.parametrize("name", ["nn", "csls", "isf", "margin"])
def test_top_k_accuracy_accepts_every_registered_criterion(name: str) -> None:
    src, _ = _pair(2)
    assert retrieval.top_k_accuracy(src, src, ks=(1,), scoring=name, backend="numpy")["top1"] == 1.0
