"""--max-memory: blocked search identical to the unbounded one; approximate CSLS with recall."""

from __future__ import annotations

import numpy as np
import pytest

from tokadapt.errors import ConfigError
from tokadapt.eval import budget, scoring


def _unit(n: int, d: int, seed: int) -> np.ndarray:
    x = np.random.default_rng(seed).standard_normal((n, d)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


@pytest.fixture(scope="module")
def pair() -> tuple[np.ndarray, np.ndarray]:
    src = _unit(1500, 32, 1)
    tgt = 0.8 * src[:1200] + 0.2 * _unit(1200, 32, 2)
    return src, (tgt / np.linalg.norm(tgt, axis=1, keepdims=True)).astype(np.float32)


def test_parse_memory() -> None:
    assert budget.parse_memory("4GB") == 4 * 10**9
    assert budget.parse_memory("512 MiB") == 512 * 2**20
    assert budget.parse_memory("2.5G") == 2_500_000_000
    with pytest.raises(ConfigError, match="like 4GB"):
        budget.parse_memory("lots")


@pytest.mark.parametrize("retrieval", ["csls", "nn", "isf"])
@pytest.mark.parametrize("backend", ["numpy", "torch"])
def test_bounded_equals_unbounded(
    pair: tuple[np.ndarray, np.ndarray], retrieval: str, backend: str
) -> None:
    src, tgt = pair
    free = scoring.translate(src, tgt, None, 5, retrieval=retrieval, backend=backend)
    with budget.limits(max_memory="2MB"):
        blocks = budget.plan_blocks(1500, 1200, 18, 18, 2 * 10**6, 4096, 16384)
        bound = scoring.translate(src, tgt, None, 5, retrieval=retrieval, backend=backend)
    assert blocks[0] * blocks[1] < 1500 * 1200 / 20  # the budget really forces small blocks
    np.testing.assert_array_equal(free.indices, bound.indices)
    np.testing.assert_array_equal(free.scores, bound.scores)


def test_too_small_budget_says_how_much_is_needed(pair: tuple[np.ndarray, np.ndarray]) -> None:
    src, tgt = pair
    with budget.limits(max_memory="100KB"), pytest.raises(ConfigError, match="Allow at least"):
        scoring.translate(src, tgt, None, 5, retrieval="csls", backend="numpy")


@pytest.mark.parametrize("index", ["hnsw", "ivf", "ivfpq"])
def test_approximate_neighbourhoods_report_recall(
    pair: tuple[np.ndarray, np.ndarray], index: str
) -> None:
    pytest.importorskip("faiss")
    src, tgt = pair
    exact = scoring.translate(src, tgt, None, 1, retrieval="csls", backend="numpy")
    with budget.limits(csls_index=index) as scope:
        approx = scoring.translate(src, tgt, None, 1, retrieval="csls", backend="numpy")
    stages = scope.report["stages"]
    assert scope.report["csls_index"] == index and len(stages) == 3
    for stage in stages.values():
        assert stage["sample"] == 1000 and 0.5 <= stage["recall"] <= 1.0, stage
    same = approx.indices[:, 0] == exact.indices[:, 0]
    assert same[:1200].mean() > 0.99, f"top-1 agreement with exact CSLS {same[:1200].mean():.3f}"
    assert same[1200:].mean() > 0.6  # queries without a translation: no close neighbour


def test_cli_max_memory_gives_the_same_result(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    import json

    from tokadapt.bli.embeddings import Embeddings, write_vec
    from tokadapt.cli import main

    x = _unit(300, 16, 4)
    write_vec(Embeddings([f"w{i}" for i in range(300)], x), tmp_path / "s.vec")
    write_vec(Embeddings([f"v{i}" for i in range(300)], x[::-1].copy()), tmp_path / "t.vec")
    (tmp_path / "d.txt").write_text("".join(f"w{i} v{299 - i}\n" for i in range(300)))
    args = ["bli", "--src", str(tmp_path / "s.vec"), "--tgt", str(tmp_path / "t.vec")]
    args += ["--train-dict", str(tmp_path / "d.txt"), "--test-dict", str(tmp_path / "d.txt")]
    results = []
    for extra in ([], ["--max-memory", "1MB"]):
        assert main([*args, "--json", *extra]) == 0
        results.append(json.loads(capsys.readouterr().out))
    assert results[0] == results[1] and results[0]["p@1"] == 100.0
