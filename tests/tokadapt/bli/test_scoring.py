"""NN / CSLS / inverted softmax: a hand-computed CSLS example and dense references."""

from __future__ import annotations

import numpy as np

from tokadapt.eval import scoring

# Gram matrix S = X Y^T with X = identity: S[i, j] = Y[j, i]. y1 is a hub.
S = np.array([[0.9, 0.8, 0.1], [0.85, 0.2, 0.3], [0.7, 0.1, 0.6]])
X = np.eye(3, dtype=np.float32)
Y = S.T.astype(np.float32)


def test_csls_hand_computed_ranking(backend: str) -> None:
    # k = 2: r_T(x) = (0.85, 0.575, 0.65); r_S(y) = (0.875, 0.5, 0.45)
    # CSLS(x1) = (0.075, 0.25, -1.1); CSLS(x2) = (0.25, -0.675, -0.425)
    # CSLS(x3) = (-0.125, -0.95, 0.1)
    top = scoring.translate(X, Y, None, 3, retrieval="csls", csls_k=2, backend=backend)
    assert top.indices.tolist() == [[1, 0, 2], [0, 2, 1], [2, 0, 1]]
    np.testing.assert_allclose(top.scores[:, 0], [0.25, 0.25, 0.1], atol=1e-6)
    nn = scoring.translate(X, Y, None, 3, retrieval="nn", backend=backend)
    assert nn.indices.tolist() == [[0, 1, 2], [0, 2, 1], [0, 2, 1]]


def test_csls_matches_the_dense_definition(backend: str, rng) -> None:
    src = rng.standard_normal((120, 16)).astype(np.float32)
    tgt = rng.standard_normal((90, 16)).astype(np.float32)
    src /= np.linalg.norm(src, axis=1, keepdims=True)
    tgt /= np.linalg.norm(tgt, axis=1, keepdims=True)
    rows = np.array([3, 50, 7, 119])
    dense = scoring.csls_matrix(src, tgt, 10)[rows]
    top = scoring.translate(src, tgt, rows, 5, retrieval="csls", backend=backend)
    np.testing.assert_array_equal(top.indices, np.argsort(-dense, axis=1, kind="stable")[:, :5])
    np.testing.assert_allclose(top.scores, -np.sort(-dense, axis=1)[:, :5], atol=1e-9)


def test_inverted_softmax_matches_the_dense_definition(backend: str, rng) -> None:
    src = rng.standard_normal((60, 8)).astype(np.float32)
    tgt = rng.standard_normal((40, 8)).astype(np.float32)
    src /= np.linalg.norm(src, axis=1, keepdims=True)
    tgt /= np.linalg.norm(tgt, axis=1, keepdims=True)
    z = 30.0 * (src.astype(np.float64) @ tgt.T.astype(np.float64))
    prob = np.exp(z) / np.exp(z).sum(0, keepdims=True)  # P(y | x), normalized over sources
    top = scoring.translate(src, tgt, None, 3, retrieval="isf", backend=backend)
    np.testing.assert_array_equal(top.indices, np.argsort(-prob, axis=1, kind="stable")[:, :3])
