"""Model cards and sentence-transformers files of adapted checkpoints."""

from __future__ import annotations

import json
import logging
import warnings
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from tokadapt.embeddings.cards import is_sentence_encoder, write_model_files

MANIFEST = SimpleNamespace(family="unigram", mode="max", counts={"collisions": 3}, romanizer={})
REPORT = {"strategy": "transmi", "seed": 0, "base_vocab_size": 100, "new_pieces": 7}
REPORT.update(counts={"copy": 4, "merged-max": 3}, rows_before=100, rows_after=107)


@pytest.mark.parametrize(
    ("archs", "expected"),
    [(["BertModel"], True), (["XLMRobertaForMaskedLM"], False), (["LlamaForCausalLM"], False),
     ([], False)],
)  # fmt: skip
def test_sentence_encoder_detection(archs: list[str], expected: bool) -> None:
    assert is_sentence_encoder({"architectures": archs}) is expected


def test_masked_lm_gets_a_card_but_no_sentence_transformers_files(tmp_path: Path) -> None:
    config = {"architectures": ["XLMRobertaForMaskedLM"], "hidden_size": 8}
    written = write_model_files(tmp_path, report=REPORT, manifest=MANIFEST, config=config,
                                model_dir=tmp_path)  # fmt: skip
    assert written == ["README.md"] and not (tmp_path / "modules.json").exists()
    card = (tmp_path / "README.md").read_text()
    assert "100 → 107 pieces" in card and "transmi (copy 4, merged-max 3)" in card
    assert "`init|strategy:transmi|seed:0|mode:max|family:unigram|translit:" in card
    assert "|uroman-data:1.3.1.1+" in card and "|tokadapt:" in card


@pytest.mark.slow
def test_adapted_e5_loads_in_sentence_transformers_like_mean_pooling(
    e5_dir: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    import torch
    from sentence_transformers import SentenceTransformer
    from transformers import AutoModel, AutoTokenizer

    from tokadapt.embeddings.initialize import init_embeddings
    from tokadapt.vocab import extend_vocab

    extend_vocab(e5_dir, tmp_path / "ext", select="Cyrillic", max_new=300)
    init_embeddings(e5_dir, tmp_path / "ext", tmp_path / "adapted")
    prompts = json.loads((tmp_path / "adapted" / "config_sentence_transformers.json").read_text())
    assert prompts["prompts"] == {"query": "query: ", "passage": "passage: "}
    texts = ["query: Rossiya", "passage: Moskva stolitsa", "Ελλάδα", "Россия"]
    with warnings.catch_warnings(record=True) as caught, caplog.at_level(logging.WARNING):
        warnings.simplefilter("always")
        model = SentenceTransformer(str(tmp_path / "adapted"), device="cpu")
        got = model.encode(texts, convert_to_numpy=True)
    assert [str(w.message) for w in caught] == []
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []
    tok = AutoTokenizer.from_pretrained(tmp_path / "adapted")
    batch = tok(texts, padding=True, return_tensors="pt")
    with torch.no_grad():  # e5's pooling: mean over every attended token, then L2
        hidden = AutoModel.from_pretrained(tmp_path / "adapted")(**batch).last_hidden_state
    mask = batch["attention_mask"].unsqueeze(-1).float()
    want = ((hidden * mask).sum(1) / mask.sum(1)).numpy()
    want /= np.linalg.norm(want, axis=1, keepdims=True)
    np.testing.assert_allclose(got, want, atol=1e-5)
    from tokadapt.eval.encode import encode_texts, load_encoder

    ours = encode_texts(*load_encoder(tmp_path / "adapted", "cpu"), texts, pooling="mean-all")
    ours /= np.linalg.norm(ours, axis=1, keepdims=True)
    np.testing.assert_allclose(ours, got, atol=1e-5)  # mean-all is what ST users read
