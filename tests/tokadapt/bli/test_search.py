"""Exact search: every backend returns the brute-force top-k, ties by (score desc, index asc)."""

from __future__ import annotations

import numpy as np
import pytest

from tokadapt.errors import ConfigError, ShapeError
from tokadapt.eval import exact, search


def brute(q: np.ndarray, t: np.ndarray, k: int, bias: np.ndarray | None = None) -> np.ndarray:
    s = q.astype(np.float64) @ t.astype(np.float64).T + (0 if bias is None else bias)
    idx = np.broadcast_to(np.arange(len(t)), s.shape)
    return np.lexsort((idx, -s), axis=-1)[:, :k]


def test_integer_data_with_many_ties_matches_brute_force(backend: str, rng) -> None:
    q = rng.integers(-2, 3, (200, 6)).astype(np.float32)
    t = rng.integers(-2, 3, (900, 6)).astype(np.float32)
    top = search.knn(q, t, 10, backend=backend, block_q=64, block_t=100)
    np.testing.assert_array_equal(top.indices, brute(q, t, 10))
    ref = exact.exact_rows(q, t, None, np.arange(len(q)), 10)
    np.testing.assert_array_equal(top.scores, ref.scores)


def test_float_data_with_bias_matches_brute_force(backend: str, rng) -> None:
    q = rng.standard_normal((300, 32)).astype(np.float32)
    t = rng.standard_normal((5000, 32)).astype(np.float32)
    bias = rng.standard_normal(5000).astype(np.float32)
    top = search.knn(q, t, 7, bias=bias, backend=backend, block_q=128, block_t=1000)
    np.testing.assert_array_equal(top.indices, brute(q, t, 7, bias))


def test_duplicate_targets_tie_to_the_lowest_index(backend: str) -> None:
    a, b, c = [1.0, 0.0], [0.0, 1.0], [0.6, 0.8]
    t = np.array([b, a, c, a, b, a], dtype=np.float32)
    top = search.knn(np.array([a], dtype=np.float32), t, 4, backend=backend)
    assert top.indices.tolist() == [[1, 3, 5, 2]]
    assert top.scores[0, :3].tolist() == [1.0, 1.0, 1.0]


def test_all_backends_agree_with_each_other(rng) -> None:
    q = rng.standard_normal((500, 48)).astype(np.float32)
    t = rng.standard_normal((3000, 48)).astype(np.float32)
    results = {b: search.knn(q, t, 10, backend=b) for b in search.available_backends()}
    first = next(iter(results.values()))
    for name, top in results.items():
        np.testing.assert_array_equal(top.indices, first.indices, err_msg=name)
        np.testing.assert_array_equal(top.scores, first.scores, err_msg=name)


def test_mutual_knn_gives_both_directions_in_one_call(backend: str, rng) -> None:
    s = rng.integers(-3, 4, (150, 5)).astype(np.float32)
    t = rng.integers(-3, 4, (400, 5)).astype(np.float32)
    fwd, bwd = search.mutual_knn(s, t, 10, backend=backend, block_q=32, block_t=64)
    np.testing.assert_array_equal(fwd.indices, brute(s, t, 10))
    np.testing.assert_array_equal(bwd.indices, brute(t, s, 10))


def test_k_larger_than_targets_returns_all_targets(backend: str) -> None:
    t = np.eye(3, dtype=np.float32)
    top = search.knn(np.array([[0.0, 2.0, 1.0]], dtype=np.float32), t, 10, backend=backend)
    assert top.indices.tolist() == [[1, 2, 0]]


def test_dimension_mismatch_is_a_clear_error() -> None:
    with pytest.raises(ShapeError, match="same dimension"):
        search.knn(np.zeros((2, 3), np.float32), np.zeros((4, 5), np.float32), 1)


def test_unknown_backend_lists_the_choices() -> None:
    with pytest.raises(ConfigError, match="faiss-cpu"):
        search.resolve_backend("annoy")


@pytest.mark.parametrize(("block_q", "block_t"), [(320, 640), (512, 1024), (1024, 4096)])
@pytest.mark.parametrize("kernel", ["torch", "numpy"])
def test_kernel_proposals_are_the_exact_top_values(
    kernel: str, block_q: int, block_t: int, rng
) -> None:
    # integer data: float32 products are exact, so the proposed values must equal the true
    # top-k' values in both directions (which of several tied indices is proposed may differ)
    s = rng.integers(-3, 4, (1500, 6)).astype(np.float32)
    t = rng.integers(-3, 4, (4100, 6)).astype(np.float32)
    mod = __import__(f"tokadapt.eval.kernel_{kernel}", fromlist=["propose"])
    rows, cols = mod.propose(s, t, 18, kt=18, block_q=block_q, block_t=block_t)
    full = s @ t.T
    for (idx, val), sim in ((rows, full), (cols, full.T)):
        np.testing.assert_array_equal(np.take_along_axis(sim, idx, 1), val)
        np.testing.assert_array_equal(-np.sort(-val, 1), -np.sort(-sim, 1)[:, :18])
