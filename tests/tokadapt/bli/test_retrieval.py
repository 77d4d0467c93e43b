"""Sentence encoding and top-k accuracy (tokadapt.eval.retrieval) with a tiny BERT + the real XLM-R
tokenizer."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tokadapt.errors import ConfigError, InputFileError, ShapeError
from tokadapt.eval.encode import encode_texts, load_encoder
from tokadapt.eval.retrieval import top_k_accuracy

TEXTS = ["Hello world", "Привет, мир!", "a", "Γειά σου κόσμε και άλλες λέξεις εδώ", "नमस्ते"]


def test_mean_pooling_uses_only_real_tokens(tiny) -> None:
    import torch

    model, tok, _ = tiny
    vecs = encode_texts(model, tok, TEXTS, layer=1, batch_size=2)
    enc = tok(TEXTS[1], return_tensors="pt")
    with torch.no_grad():
        hidden = model(**enc, output_hidden_states=True).hidden_states[1][0]
    want = hidden[1:-1].mean(0).numpy()  # drop <s> and </s>
    np.testing.assert_allclose(vecs[1], want, atol=1e-5)


def test_mean_all_pooling_is_the_e5_card_average_pool(tiny) -> None:
    """``mean-all``: every attended token, <s> and </s> included (padding excluded)."""
    import torch

    model, tok, _ = tiny
    vecs = encode_texts(model, tok, TEXTS, pooling="mean-all", batch_size=5)
    enc = tok(TEXTS, padding=True, return_tensors="pt")
    with torch.no_grad():
        hidden = model(**enc).last_hidden_state
    mask = enc["attention_mask"][..., None].float()
    want = ((hidden * mask).sum(1) / mask.sum(1)).numpy()  # average_pool of the e5 card
    np.testing.assert_allclose(vecs, want, atol=1e-5)
    assert not np.allclose(vecs, encode_texts(model, tok, TEXTS, pooling="mean"), atol=1e-3)


def test_batching_and_order_do_not_change_vectors(tiny) -> None:
    model, tok, _ = tiny
    batched = encode_texts(model, tok, TEXTS, batch_size=3)
    single = np.vstack([encode_texts(model, tok, [t], batch_size=1) for t in TEXTS])
    np.testing.assert_allclose(batched, single, atol=1e-5)


def test_cls_pooling_and_layer_choice(tiny) -> None:
    import torch

    model, tok, _ = tiny
    enc = tok(TEXTS[:1], return_tensors="pt")
    with torch.no_grad():
        states = model(**enc, output_hidden_states=True).hidden_states
    got = encode_texts(model, tok, TEXTS[:1], layer=0, pooling="cls")
    np.testing.assert_allclose(got[0], states[0][0, 0].numpy(), atol=1e-6)
    with pytest.raises(ConfigError, match="layer 7 does not exist"):
        encode_texts(model, tok, TEXTS, layer=7)
    with pytest.raises(ConfigError, match="pooling"):
        encode_texts(model, tok, TEXTS, pooling="max")


def test_load_encoder_from_a_directory(tiny, tmp_path: Path) -> None:
    model, tok, folder = tiny
    loaded, loaded_tok = load_encoder(folder, device="cpu")
    np.testing.assert_allclose(
        encode_texts(loaded, loaded_tok, TEXTS), encode_texts(model, tok, TEXTS), atol=1e-5
    )
    with pytest.raises(InputFileError, match=r"no config\.json"):
        load_encoder(tmp_path)


def test_top_k_accuracy_by_hand() -> None:
    src = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    # cosines: row 0 -> (.999, .669, .100): hit; row 1 -> (.050, .743, .995): tgt 2 first,
    # tgt 1 second; row 2 -> (.742, .999, .774): tgt 1 first, tgt 2 second
    tgt = np.array([[1.0, 0.05], [0.9, 1.0], [0.1, 1.0]])
    acc = top_k_accuracy(src, tgt, ks=(1, 2))
    assert acc == {"top1": pytest.approx(1 / 3), "top2": 1.0}


def test_scorings_agree_on_an_easy_case(rng) -> None:
    src = rng.standard_normal((50, 16))
    tgt = src + 0.01 * rng.standard_normal((50, 16))
    for scoring in ("cosine", "csls", "margin"):
        assert top_k_accuracy(src, tgt, scoring=scoring)["top1"] == 1.0


def test_top_k_accuracy_errors() -> None:
    with pytest.raises(ShapeError, match="equal shape"):
        top_k_accuracy(np.zeros((3, 2)), np.zeros((4, 2)))
    with pytest.raises(ShapeError, match="NaN"):
        top_k_accuracy(np.full((2, 2), np.nan), np.zeros((2, 2)))
    with pytest.raises(ConfigError, match="scoring"):
        top_k_accuracy(np.eye(2), np.eye(2), scoring="dot")
