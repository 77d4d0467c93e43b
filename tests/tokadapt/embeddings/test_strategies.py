"""Strategies as pure functions: hand-computed rows, seeds, the open registry."""

from __future__ import annotations

import numpy as np
import pytest

from tokadapt.embeddings import rows as rows_module
from tokadapt.embeddings.strategies import STRATEGIES, InitRequest, get_strategy, register
from tokadapt.errors import ConfigError

TABLE = np.random.default_rng(1).normal(size=(50, 6)).astype(np.float32)
REQ = InitRequest(
    pieces=["a", "b", "c", "d", "e"],
    sources=[[7], [3, 9, 20], [4, 5], [], []],
    source_scores=[[-2.0], [-5.0, -1.0, -1.0], [-3.0, -4.0], [], []],
    subwords=[[1], [2], [3], [10, 11, 11], []],
    mode="max",
)


def _run(name: str, seed: int = 0, table: np.ndarray = TABLE) -> np.ndarray:
    out, _ = get_strategy(name).function(table, REQ, np.random.default_rng(seed))
    return out


@pytest.mark.parametrize(
    "name", ["transmi", "transmi-max", "transmi-min", "transmi-mean", "transmi-softmax"]
)
def test_transmi_modes(name: str) -> None:
    out = _run(name)
    assert np.array_equal(out[0], TABLE[7])  # single source: copied
    mode = REQ.mode if name == "transmi" else name.split("-")[1]
    want_b = {
        "max": TABLE[9],  # -1.0 twice: the tie goes to the lower id
        "min": TABLE[3],
        "mean": TABLE[[3, 9, 20]].mean(0),
        "softmax": (np.exp([-5.0, -1.0, -1.0]) / np.exp([-5.0, -1.0, -1.0]).sum())
        @ TABLE[[3, 9, 20]].astype(np.float64),
    }[mode]
    np.testing.assert_allclose(out[1], want_b, rtol=1e-6, atol=1e-7)
    # no sources: subword mean; nothing at all: the overall mean
    np.testing.assert_allclose(out[3], TABLE[[10, 11, 11]].mean(0), rtol=1e-6)
    np.testing.assert_allclose(out[4], TABLE.mean(0), rtol=1e-5, atol=1e-6)


def test_mean_is_the_true_mean_not_the_sum() -> None:
    out = _run("transmi-mean")
    np.testing.assert_allclose(out[2], (TABLE[4] + TABLE[5]) / 2, rtol=1e-6)


def test_subword_mean_ignores_sources() -> None:
    out = _run("subword-mean")
    assert np.array_equal(out[:3], TABLE[[1, 2, 3]])


@pytest.mark.parametrize("name", ["random", "mvn"])
def test_random_strategies_are_seeded(name: str) -> None:
    assert np.array_equal(_run(name, 5), _run(name, 5))
    assert not np.array_equal(_run(name, 5), _run(name, 6))


def test_random_and_mvn_match_the_table_statistics() -> None:
    rng = np.random.default_rng(0)
    mix = rng.normal(size=(4, 4))
    table = (rng.normal(size=(4000, 4)) @ mix + [1.0, -2.0, 0.5, 3.0]).astype(np.float32)
    many = InitRequest(["x"] * 20000, [[]] * 20000, [[]] * 20000, [[]] * 20000)
    for name in ("random", "mvn"):
        out, _ = get_strategy(name).function(table, many, np.random.default_rng(1))
        np.testing.assert_allclose(out.mean(0), table.mean(0), atol=0.1)
        np.testing.assert_allclose(out.std(0), table.std(0), rtol=0.05)
    corr = np.corrcoef(out.T)[0, 1]  # mvn keeps the correlations, random would not
    assert abs(corr - np.corrcoef(table.T)[0, 1]) < 0.05


def test_chunked_combine_equals_direct(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rows_module, "_CHUNK", 2)
    small = _run("transmi-mean")
    monkeypatch.setattr(rows_module, "_CHUNK", 8192)
    np.testing.assert_allclose(small, _run("transmi-mean"), rtol=0, atol=0)


def test_unknown_strategy_names_the_choices() -> None:
    with pytest.raises(ConfigError, match=r"unknown initialization strategy 'no-such'.*transmi"):
        get_strategy("no-such")


def test_registry_is_open() -> None:
    @register("zeros-test", "all zeros")
    def zeros(table: np.ndarray, request: InitRequest, rng: np.random.Generator) -> tuple:
        return np.zeros((len(request.pieces), table.shape[1]), np.float32), {}

    try:
        assert get_strategy("zeros-test").function is zeros
        assert not _run("zeros-test").any()
    finally:
        del STRATEGIES["zeros-test"]


@pytest.mark.parametrize("name", ["random", "mvn"])
def test_chunked_draws_equal_one_draw(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from tokadapt.embeddings import strategies

    whole = _run(name, 3)
    monkeypatch.setattr(strategies, "_DRAW_CHUNK", 2)
    assert np.array_equal(_run(name, 3), whole)
