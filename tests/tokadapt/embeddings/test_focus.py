"""FOCUS- and OFA-style strategies on hand-computable cases."""

from __future__ import annotations

import numpy as np
import pytest

from tokadapt.embeddings.focus import focus_rows, principal_basis, sparsemax
from tokadapt.embeddings.strategies import InitRequest, get_strategy

TABLE = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [0.9, 0.1], [-1.0, 0.0]], dtype=np.float32)


def _req(sources: list[list[int]], subwords: list[list[int]]) -> InitRequest:
    n = len(sources)
    return InitRequest(
        pieces=[f"p{i}" for i in range(n)],
        sources=sources,
        source_scores=[[0.0] * len(s) for s in sources],
        subwords=subwords,
    )


def test_sparsemax_by_hand() -> None:
    assert sparsemax(np.array([1.0, 0.3, 0.2])) == pytest.approx([5 / 6, 2 / 15, 1 / 30])
    assert sparsemax(np.array([10.0, 3.0, 2.0])) == pytest.approx([1.0, 0.0, 0.0])
    assert sparsemax(np.array([0.5, 0.5])) == pytest.approx([0.5, 0.5])


def test_focus_rows_by_hand() -> None:
    req = _req([[0], [0], [0, 4], [], []], [[4], [3], [], [1, 2], []])
    out, counts = focus_rows(TABLE, req, temperature=1.0)
    # piece 0: source [1,0] vs subword [-1,0]: cosines 1 and -1 -> sparsemax [1, 0]
    assert out[0] == pytest.approx(TABLE[0])
    # piece 1: cosines 1 and 0.9/|[.9,.1]| = 0.99388 -> nearly equal weights
    w = sparsemax(np.array([1.0, 0.9 / np.hypot(0.9, 0.1)]))
    assert out[1] == pytest.approx(w @ TABLE[[0, 3]], rel=1e-5)
    # piece 2: sources [1,0] and [-1,0] average to 0: cosines 0 -> the mean of both
    assert out[2] == pytest.approx([0.0, 0.0], abs=1e-6)
    assert out[3] == pytest.approx(TABLE[[1, 2]].mean(0))  # no source: subword mean
    assert out[4] == pytest.approx(TABLE.mean(0))  # nothing: overall mean
    assert counts == {"focus-copy": 1, "focus-sparse": 2, "subword-mean": 1, "overall-mean": 1}


def test_ofa_is_focus_in_the_principal_subspace() -> None:
    req = _req([[0], [2]], [[1], [1]])
    focus, _ = get_strategy("focus").function(TABLE, req, np.random.default_rng(0))
    ofa, counts = get_strategy("ofa").function(TABLE, req, np.random.default_rng(0))
    mean, basis = principal_basis(TABLE, 1)
    want = ((focus - mean) @ basis) @ basis.T + mean
    assert ofa == pytest.approx(want, rel=1e-5)
    assert counts["ofa"] == 2
    assert get_strategy("focus").needs_subwords and get_strategy("ofa").needs_subwords
