"""Mappings recover known rotations; seeds from dictionaries, identical and romanized strings."""

from __future__ import annotations

import numpy as np
import pytest

from tokadapt.bli import mapping, seeds
from tokadapt.bli.embeddings import Embeddings
from tokadapt.bli.selflearning import SelfLearningConfig, self_learning
from tokadapt.errors import ShapeError
from tokadapt.eval import scoring
from tokadapt.eval.normalize import normalize, unit


def rotation(d: int, rng: np.random.Generator) -> np.ndarray:
    q, r = np.linalg.qr(rng.standard_normal((d, d)))
    return (q * np.sign(np.diag(r))).astype(np.float32)


def realistic(n: int, d: int, rng: np.random.Generator) -> np.ndarray:
    """Anisotropic vectors with a decaying spectrum, like trained embeddings."""
    return (rng.standard_normal((n, d)) * np.linspace(3.0, 0.3, d)).astype(np.float32)


def p_at_1(xw: np.ndarray, z: np.ndarray, rows: np.ndarray, retrieval: str = "nn") -> float:
    top = scoring.translate(unit(xw), unit(z), rows, 1, retrieval=retrieval).indices[:, 0]
    return float((top == rows).mean())


def test_procrustes_recovers_a_known_rotation(rng) -> None:
    x = realistic(600, 24, rng)
    q = rotation(24, rng)
    w = mapping.procrustes(x, x @ q, np.stack([np.arange(100)] * 2, 1))
    np.testing.assert_allclose(w, q, atol=1e-4)
    assert p_at_1(x @ w, x @ q, np.arange(100, 600)) == 1.0


def test_procrustes_errors() -> None:
    with pytest.raises(ShapeError, match="dimension 3 but target vectors 4"):
        mapping.procrustes(np.zeros((5, 3)), np.zeros((5, 4)), np.array([[0, 0]]))
    with pytest.raises(ShapeError, match="no pair"):
        mapping.procrustes(np.zeros((5, 3)), np.zeros((5, 3)), np.zeros((0, 2), dtype=np.int64))


def test_refinement_grows_a_small_noisy_seed(rng) -> None:
    x = realistic(800, 32, rng)
    z = x @ rotation(32, rng) + 0.1 * rng.standard_normal((800, 32)).astype(np.float32)
    x, z = normalize(x, "unit,center,unit"), normalize(z, "unit,center,unit")
    seed = np.stack([np.arange(12)] * 2, 1)  # fewer pairs than dimensions
    before = p_at_1(x @ mapping.procrustes(x, z, seed), z, np.arange(800))
    w, history = mapping.refine(x, z, seed, iterations=3, max_rank=800)
    after = p_at_1(x @ w, z, np.arange(800), "csls")
    assert before < 0.6 and after > 0.95
    assert history[-1]["pairs"] > 500


def test_self_learning_from_a_tiny_seed(rng) -> None:
    x = realistic(500, 12, rng)
    z = x @ rotation(12, rng) + 0.02 * rng.standard_normal((500, 12)).astype(np.float32)
    x, z = normalize(x, "unit,center,unit"), normalize(z, "unit,center,unit")
    cfg = SelfLearningConfig(vocab_cutoff=500, patience=3, max_iterations=60)
    xw, zw, history = self_learning(x, z, np.stack([np.arange(8)] * 2, 1), cfg)
    assert p_at_1(xw, zw, np.arange(500), "csls") > 0.95
    assert history[-1]["keep"] == 1.0


def test_identical_and_romanized_seeds() -> None:
    src = Embeddings(["Moskva", "London", "apple", "pizza"], np.eye(4))
    tgt = Embeddings(["Лондон", "яблоко", "Москва", "pizza"], np.eye(4))
    assert seeds.identical(src, tgt).tolist() == [[3, 3]]
    pairs = seeds.romanized(src, tgt, tgt_lang="rus")
    assert pairs.tolist() == [[0, 2], [1, 0], [3, 3]]
