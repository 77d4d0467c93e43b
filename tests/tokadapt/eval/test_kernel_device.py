"""The device exact search (float32 proposals, float64 re-ranking on the device) equals brute force.

Run on CPU torch everywhere; the ``gpu`` variants repeat them on CUDA when a device exists.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

from tokadapt.eval import exact, kernel_device, scoring, search


def _unit(x: np.ndarray) -> np.ndarray:
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


def _data(seed: int, n_s: int = 300, n_t: int = 257, d: int = 24) -> tuple[np.ndarray, np.ndarray]:
    """Random unit vectors with exact duplicates (ties) and 1-ulp perturbations (near-ties)."""
    rng = np.random.default_rng(seed)
    src, tgt = _unit(rng.normal(size=(n_s, d))), _unit(rng.normal(size=(n_t, d)))
    tgt[10:40] = tgt[3]  # a 31-way tie
    tgt[50:60] = np.nextafter(tgt[4], np.float32(2))  # near-ties
    src[5:20] = tgt[3]
    return src, tgt


def _brute(q: np.ndarray, t: np.ndarray, k: int, bias: np.ndarray | None = None) -> exact.TopK:
    return exact.exact_rows(q, t, bias, np.arange(len(q)), k)


DEVICES = [pytest.param("cpu", id="cpu"), pytest.param("cuda", id="cuda", marks=pytest.mark.gpu)]


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("k", [1, 5, 12])
def test_knn_equals_brute_force(device: str, seed: int, k: int) -> None:
    src, tgt = _data(seed)
    bias = np.random.default_rng(seed).normal(scale=0.1, size=len(tgt))
    for b in (None, bias):
        got = kernel_device.knn(src, tgt, k, bias=b, device=device, block_q=64, block_t=96)
        ref = _brute(src, tgt, k, b)
        np.testing.assert_array_equal(got.indices, ref.indices)
        np.testing.assert_allclose(got.scores, ref.scores, rtol=0, atol=1e-12)


@pytest.mark.parametrize("device", DEVICES)
def test_mutual_equals_brute_force_and_host_torch(device: str) -> None:
    src, tgt = _data(2)
    fwd, bwd = kernel_device.mutual_knn(src, tgt, 10, device=device, block_q=128, block_t=64)
    np.testing.assert_array_equal(fwd.indices, _brute(src, tgt, 10).indices)
    np.testing.assert_array_equal(bwd.indices, _brute(tgt, src, 10).indices)
    host_f, host_b = search.mutual_knn(src, tgt, 10, backend="torch")
    np.testing.assert_array_equal(fwd.indices, host_f.indices)
    np.testing.assert_array_equal(bwd.indices, host_b.indices)


@pytest.mark.parametrize("device", DEVICES)
def test_csls_equals_dense_reference(device: str) -> None:
    src, tgt = _data(3, n_s=200, n_t=150)
    rows = np.arange(0, 200, 3)
    got = kernel_device.csls(src, tgt, rows, 5, 10, device=device, block_q=64, block_t=64)
    dense = scoring.csls_matrix(src, tgt, 10)[rows]
    idx = np.broadcast_to(np.arange(dense.shape[1]), dense.shape)
    order = np.lexsort((idx, -dense), axis=-1)[:, :5]
    np.testing.assert_array_equal(got.indices, order)
    np.testing.assert_allclose(got.scores, np.take_along_axis(dense, order, 1), atol=1e-12)
    host = scoring.translate(src, tgt, rows, 5, retrieval="csls", backend="torch")
    np.testing.assert_array_equal(got.indices, host.indices)


def test_tf32_margin_still_exact() -> None:
    """With the TF32 margin the proofs are looser (more fallbacks) but the answer is the same."""
    src, tgt = _data(4)
    got = kernel_device.knn(src, tgt, 5, device="cpu", tf32=True, block_q=64, block_t=64)
    np.testing.assert_array_equal(got.indices, _brute(src, tgt, 5).indices)


def test_error_bound_covers_float32_products() -> None:
    rng = np.random.default_rng(5)
    d = 300
    x, y = _unit(rng.normal(size=(2000, d))), _unit(rng.normal(size=(64, d)))
    approx = (torch.from_numpy(x) @ torch.from_numpy(y).T).numpy().astype(np.float64)
    err = np.abs(approx - x.astype(np.float64) @ y.astype(np.float64).T).max()
    assert 0 < err <= kernel_device.error_bound(d)
    assert kernel_device.error_bound(d, tf32=True) > 10 * kernel_device.error_bound(d)


def test_device_brute_force_matches_numpy_ties() -> None:
    src, tgt = _data(6)
    _, i = kernel_device.brute_force(torch.from_numpy(src), torch.from_numpy(tgt), None, 40)
    np.testing.assert_array_equal(i.numpy(), _brute(src, tgt, 40).indices)


def test_torch_cuda_route_uses_device_path_under_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    """``torch-cuda`` (simulated on CPU) routes knn/mutual/CSLS to the device path, same answers."""
    import functools

    from tokadapt.eval.budget import limits

    src, tgt = _data(7)
    want_knn = search.knn(src, tgt, 5, backend="torch")
    want_bwd = search.mutual_knn(src, tgt, 5, backend="torch")[1]
    want_csls = scoring.translate(src, tgt, None, 5, retrieval="csls", backend="torch")
    calls: list[str] = []
    for name in ("knn", "mutual_knn", "csls"):
        fn = getattr(kernel_device, name)
        wrapped = functools.partial(fn, device="cpu")
        monkeypatch.setattr(
            kernel_device,
            name,
            lambda *a, _w=wrapped, _n=name, **kw: calls.append(_n) or _w(*a, **kw),
        )
    monkeypatch.setattr(search, "resolve_backend", lambda name="auto": "torch-cuda")
    with limits(max_memory="2MB"):
        got_knn = search.knn(src, tgt, 5, backend="torch-cuda")
        got_bwd = search.mutual_knn(src, tgt, 5, backend="torch-cuda")[1]
        got_csls = scoring.translate(src, tgt, None, 5, retrieval="csls", backend="torch-cuda")
    assert calls == ["knn", "mutual_knn", "csls"]
    np.testing.assert_array_equal(got_bwd.indices, want_bwd.indices)
    np.testing.assert_array_equal(got_knn.indices, want_knn.indices)
    np.testing.assert_array_equal(got_csls.indices, want_csls.indices)
    np.testing.assert_allclose(got_csls.scores, want_csls.scores, atol=1e-12)
