"""Checkpoint surgery on a small random XLMRobertaForMaskedLM: tied/untied decoder and MLM bias."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from embed_helpers import TINY_PIECES

from tokadapt.embeddings.initialize import init_embeddings

WORD = "roberta.embeddings.word_embeddings.weight"


def _id(piece: str) -> int:
    return 4 + TINY_PIECES.index(piece)


# (piece, sources, scores): copies, a 2-source merge with distinct scores, a subword fallback
NEW = [
    ("▁kot", [_id("▁кот")], [-3.0]),
    ("kot", [_id("кот")], [-4.0]),
    ("▁dom", [_id("▁дом")], [-3.5]),
    ("om", [_id("ом"), _id("▁a")], [-2.5, -6.0]),
    ("▁zzq", [], []),
    ("ko", [_id("к"), _id("о"), _id("ka")], [-5.0, -5.0, -3.0]),
]


def _state(model_dir: Path) -> dict[str, np.ndarray]:
    import torch
    from transformers import XLMRobertaForMaskedLM

    model = XLMRobertaForMaskedLM.from_pretrained(model_dir, dtype=torch.float32)
    return {k: v.detach().numpy().copy() for k, v in model.state_dict().items()}


def _expected(table: np.ndarray, mode: str) -> np.ndarray:
    """The TransMI definition, computed by hand for NEW."""
    rows = []
    for _piece, sources, scores in NEW:
        if not sources:  # subword-mean: the original tokenizer splits ▁zzq into ▁ z z q
            sub = [_id("▁"), _id("z"), _id("z"), _id("q")]
            rows.append(table[sub].mean(axis=0))
        elif len(sources) == 1 or mode in ("max", "min"):
            pick = np.argmax(scores) if mode != "min" else np.argmin(scores)
            rows.append(table[sources[pick]])
        else:
            rows.append(table[sources].mean(axis=0))
    return np.stack(rows)


@pytest.mark.parametrize("mode", ["max", "min", "mean"])
@pytest.mark.parametrize("tie", [True, False])
def test_transmi_rows_decoder_and_bias(
    tiny_mlm: Any, extended_factory: Any, tmp_path: Path, mode: str, tie: bool
) -> None:
    model_dir = tiny_mlm(tie=tie)
    ext = extended_factory(model_dir, NEW, mode=mode)
    out = tmp_path / "adapted"
    report = init_embeddings(model_dir, ext, out, strategy="transmi")
    before, after = _state(model_dir), _state(out)
    base = len(TINY_PIECES) + 5
    assert json.loads((out / "config.json").read_text())["vocab_size"] == base + len(NEW)
    assert report["reused_padding_rows"] == 3
    for name in (WORD, "lm_head.decoder.weight", "lm_head.bias"):
        old, new = before[name], after[name]
        assert new.shape[0] == base + len(NEW)
        assert np.array_equal(new[:base], old[:base]), name
        table = old[:base].reshape(base, -1)
        got = new[base:].reshape(len(NEW), -1)
        np.testing.assert_allclose(got, _expected(table, mode), rtol=1e-6, atol=1e-7)
    if tie:
        assert np.array_equal(after["lm_head.decoder.weight"], after[WORD])
    else:
        assert not np.array_equal(after["lm_head.decoder.weight"], after[WORD])


def test_old_ids_give_bit_identical_logits(
    tiny_mlm: Any, extended_factory: Any, tmp_path: Path
) -> None:
    import torch
    from transformers import XLMRobertaForMaskedLM

    model_dir = tiny_mlm(tie=True)
    ext = extended_factory(model_dir, NEW, mode="mean")
    init_embeddings(model_dir, ext, tmp_path / "a", strategy="mvn", seed=3)
    old = XLMRobertaForMaskedLM.from_pretrained(model_dir).eval()
    new = XLMRobertaForMaskedLM.from_pretrained(tmp_path / "a").eval()
    base = len(TINY_PIECES) + 5
    ids = torch.tensor([[0, 10, 33, 45, 4, 2], [0, 12, 13, 14, 2, 1]])
    with torch.no_grad():
        a, b = old(ids).logits, new(ids).logits
    assert b.shape[-1] == base + len(NEW)
    assert torch.equal(a[..., :base], b[..., :base])


@pytest.mark.parametrize("fmt", ["bin", "sharded", "bin-sharded"])
def test_bin_and_sharded_checkpoints(
    tiny_mlm: Any, extended_factory: Any, tmp_path: Path, fmt: str
) -> None:
    model_dir = tiny_mlm(fmt=fmt, tie=False)
    ext = extended_factory(model_dir, NEW, mode="max")
    report = init_embeddings(model_dir, ext, tmp_path / "a")
    reference = tiny_mlm(name="ref", tie=False)  # same seed, safetensors
    init_embeddings(reference, extended_factory(reference, NEW, "max", "ext2"), tmp_path / "b")
    a, b = _state(tmp_path / "a"), _state(tmp_path / "b")
    assert a.keys() == b.keys()
    for key in a:
        assert np.array_equal(a[key], b[key]), key
    if fmt != "bin":
        assert "model.safetensors.index.json" in report["files"]


def test_bfloat16_checkpoint(tiny_mlm: Any, extended_factory: Any, tmp_path: Path) -> None:
    import torch

    model_dir = tiny_mlm(dtype="bfloat16")
    init_embeddings(model_dir, extended_factory(model_dir, NEW, "mean"), tmp_path / "a")
    before, after = _state(model_dir), _state(tmp_path / "a")
    base = len(TINY_PIECES) + 5
    assert np.array_equal(after[WORD][:base], before[WORD][:base])
    want = torch.tensor(_expected(before[WORD][:base], "mean")).to(torch.bfloat16).float()
    np.testing.assert_array_equal(after[WORD][base:], want.numpy())
