"""``--existing blend`` (rows of romanizations already in the vocabulary) and ``wechsel``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from embed_helpers import write_extended_tokenizer
from safetensors.numpy import load_file

from tokadapt.embeddings.existing import blended_rows, parse_existing
from tokadapt.embeddings.initialize import init_embeddings
from tokadapt.embeddings.strategies import InitRequest, get_strategy
from tokadapt.embeddings.wechsel import procrustes, softmax_rows
from tokadapt.errors import ConfigError

TABLE = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [0.9, 0.1], [-1.0, 0.0]], dtype=np.float32)


def test_parse_existing() -> None:
    assert parse_existing("keep") == ("keep", 0.0)
    assert parse_existing("blend:0.5") == ("blend", 0.5)
    assert parse_existing("blend-unread:1") == ("blend-unread", 1.0)
    for bad in ("blend", "blend:0", "blend:1.5", "mix:0.5", "blend:x"):
        with pytest.raises(ConfigError, match="--existing"):
            parse_existing(bad)


def test_blended_rows_by_hand() -> None:
    ids, rows = blended_rows(TABLE, {2: [0, 1], 3: [4]}, "blend:0.5")
    assert ids.tolist() == [2, 3]
    assert rows[0] == pytest.approx(0.5 * TABLE[2] + 0.25 * (TABLE[0] + TABLE[1]))
    assert rows[1] == pytest.approx(0.5 * TABLE[3] + 0.5 * TABLE[4])
    ids, _ = blended_rows(TABLE, {2: [0, 1], 3: [4]}, "blend-unread:0.5", pivot_ids=[2])
    assert ids.tolist() == [3]
    assert blended_rows(TABLE, {2: [0]}, "keep")[0].size == 0


def test_init_blends_existing_rows_only(tiny_mlm: Any, tmp_path: Path) -> None:
    model = tiny_mlm(tie=False)
    manifest = write_extended_tokenizer(model, tmp_path / "ext", [("▁kot", [44], [-2.0])])
    manifest.existing = {35: [44, 48]}  # "▁ma" <- two Cyrillic pieces (made-up sources)
    manifest.save(tmp_path / "ext")
    keep = init_embeddings(model, tmp_path / "ext", tmp_path / "keep")
    blend = init_embeddings(model, tmp_path / "ext", tmp_path / "blend", existing="blend:1")
    assert keep["existing"]["rows_blended"] == 0 and blend["existing"]["rows_blended"] == 1
    before, after = (
        load_file(model / "model.safetensors"),
        load_file(tmp_path / "blend" / "model.safetensors"),
    )
    for name in (
        "roberta.embeddings.word_embeddings.weight",
        "lm_head.decoder.weight",
        "lm_head.bias",
    ):
        old, new = before[name], after[name]
        assert new[35] == pytest.approx((old[44] + old[48]) / 2, abs=1e-6)
        others = [i for i in range(manifest.base_vocab_size) if i != 35]
        assert np.array_equal(new[others], old[others])


def _req(sources: list[list[int]], subwords: list[list[int]]) -> InitRequest:
    return InitRequest(
        pieces=[f"p{i}" for i in range(len(sources))],
        sources=sources,
        source_scores=[[0.0] * len(s) for s in sources],
        subwords=subwords,
    )


def test_procrustes_recovers_a_rotation() -> None:
    rng = np.random.default_rng(0)
    x = rng.standard_normal((50, 4))
    q, _ = np.linalg.qr(rng.standard_normal((4, 4)))
    assert procrustes(x, x @ q) == pytest.approx(q, abs=1e-9)


def test_wechsel_is_softmax_over_mapped_neighbours() -> None:
    rng = np.random.default_rng(1)
    table = rng.standard_normal((40, 6)).astype(np.float32)
    req = _req([[i] for i in range(20)] + [[]], [[20 + i, 21 + i] for i in range(19)] + [[5], [7]])
    out, counts = get_strategy("wechsel").function(table, req, rng)
    assert counts == {"wechsel": 20, "transmi-fallback": 1}
    unit = table / np.linalg.norm(table, axis=1, keepdims=True)
    x = np.stack([unit_mean(table, s) for s in req.subwords[:20]])
    y = np.stack([unit_mean(table, s) for s in req.sources[:20]])
    q = x @ procrustes(x, y)
    q /= np.linalg.norm(q, axis=1, keepdims=True)
    sims = q @ unit.T
    for n in range(20):  # the 10 nearest rows, plus the piece's own source when not among them
        near = [int(j) for j in np.argsort(-sims[n], kind="stable")[:10]]
        near += [s for s in req.sources[n] if s not in near]
        w = softmax_rows(sims[n, near][None, :], 0.1)[0]
        assert out[n] == pytest.approx(w @ table[near], abs=1e-4)
    assert out[20] == pytest.approx(table[[7]].mean(0))  # no sources: subword mean


def unit_mean(table: np.ndarray, ids: list[int]) -> np.ndarray:
    v = table[ids].astype(np.float64).mean(0)
    return v / np.linalg.norm(v)
