"""init-embeddings on causal LMs: tied/untied heads, padded matrices, settings carried over."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch
from causal_helpers import SPECIALS, old_id_logits, save_causal_lm
from safetensors.numpy import load_file

from tokadapt.embeddings import init_embeddings
from tokadapt.errors import ShapeError
from tokadapt.vocab import Manifest, extend_vocab

transformers = pytest.importorskip("transformers")
TEXT = ["<|im_start|>user\nРоссия и Греция<|im_end|>", "Ελλάδα, Україна, Germany 2024"]


def _adapt(tmp_path: Path, arch: str, tied: bool, pad_rows: int, **kw: object) -> tuple[Path, Path]:
    model = save_causal_lm(tmp_path / "m", arch, tied, pad_rows)
    extend_vocab(model, tmp_path / "ext")
    return model, Path(init_embeddings(model, tmp_path / "ext", tmp_path / "out", **kw)["model"])


@pytest.mark.parametrize(("arch", "tied"), [("llama", True), ("qwen2", False)])
def test_old_id_logits_are_bit_identical(tmp_path: Path, arch: str, tied: bool) -> None:
    model, _ = _adapt(tmp_path, arch, tied, pad_rows=0)
    before = transformers.AutoModelForCausalLM.from_pretrained(str(model)).eval()
    after = transformers.AutoModelForCausalLM.from_pretrained(str(tmp_path / "out")).eval()
    tok = transformers.AutoTokenizer.from_pretrained(str(model))
    ids = tok(TEXT[0], return_tensors="pt")["input_ids"]
    n = len(tok)
    assert torch.equal(old_id_logits(after, ids, n), old_id_logits(before, ids, n))
    assert after.config.tie_word_embeddings is tied


def test_padding_rows_are_reinitialized_and_the_rest_kept(tmp_path: Path) -> None:
    model, _ = _adapt(tmp_path, "qwen2", False, pad_rows=1000)
    base = Manifest.load(tmp_path / "ext").base_vocab_size
    new = len(Manifest.load(tmp_path / "ext").new_pieces)
    a = load_file(str(model / "model.safetensors"))["lm_head.weight"]
    b = load_file(str(tmp_path / "out" / "model.safetensors"))["lm_head.weight"]
    assert b.shape == a.shape
    assert np.array_equal(b[:base], a[:base]) and np.array_equal(b[base + new :], a[base + new :])
    assert not np.array_equal(b[base : base + new], a[base : base + new])


def test_pad_to_multiple_of_adds_mean_rows(tmp_path: Path) -> None:
    _adapt(tmp_path, "llama", True, pad_rows=0, pad_to_multiple_of=64)
    cfg = json.loads((tmp_path / "out" / "config.json").read_text())
    w = load_file(str(tmp_path / "out" / "model.safetensors"))["model.embed_tokens.weight"]
    total = Manifest.load(tmp_path / "ext").new_vocab_size
    assert cfg["vocab_size"] == w.shape[0] == -(-total // 64) * 64
    assert np.allclose(w[-1], w[: Manifest.load(tmp_path / "ext").base_vocab_size].mean(0))


def test_special_ids_chat_template_and_max_length_survive(tmp_path: Path) -> None:
    model, _ = _adapt(tmp_path, "llama", True, pad_rows=0)
    old = transformers.AutoTokenizer.from_pretrained(str(model))
    new = transformers.AutoTokenizer.from_pretrained(str(tmp_path / "out"))
    msgs = [{"role": "user", "content": "Россия"}]
    assert new.apply_chat_template(msgs, tokenize=False) == old.apply_chat_template(
        msgs, tokenize=False
    )
    assert [new.convert_tokens_to_ids(t) for t in SPECIALS] == [
        old.convert_tokens_to_ids(t) for t in SPECIALS
    ]
    assert new.model_max_length == 64 and len(new("a " * 500, truncation=True)["input_ids"]) == 64
    gen = json.loads((tmp_path / "out" / "generation_config.json").read_text())
    assert gen["eos_token_id"] == old.convert_tokens_to_ids("<|im_end|>")


def test_bare_tokenizer_json_extension_gets_the_model_settings(tmp_path: Path) -> None:
    model = save_causal_lm(tmp_path / "m")
    extend_vocab(model / "tokenizer.json", tmp_path / "ext")  # no tokenizer_config.json
    init_embeddings(model, tmp_path / "ext", tmp_path / "out")
    cfg = json.loads((tmp_path / "out" / "tokenizer_config.json").read_text())
    assert cfg["model_max_length"] == 64 and "chat_template" in cfg


def test_a_foreign_base_tokenizer_is_refused(tmp_path: Path) -> None:
    model = save_causal_lm(tmp_path / "m")
    other = save_causal_lm(tmp_path / "o")
    data = json.loads((other / "tokenizer.json").read_text())
    swap = {300: 301, 301: 300}  # same strings, two ids exchanged: another tokenizer
    data["model"]["vocab"] = {k: swap.get(v, v) for k, v in data["model"]["vocab"].items()}
    (other / "tokenizer.json").write_text(json.dumps(data))
    extend_vocab(other / "tokenizer.json", tmp_path / "ext")
    with pytest.raises(ShapeError, match="is not the tokenizer of"):
        init_embeddings(model, tmp_path / "ext", tmp_path / "out", base_tokenizer=other)
    assert not (tmp_path / "out").exists()


def _strip_tokenizer(model: Path) -> None:
    for name in ("tokenizer.json", "tokenizer_config.json"):
        (model / name).unlink()


def test_without_a_model_tokenizer_special_ids_must_match(tmp_path: Path) -> None:
    model = save_causal_lm(tmp_path / "m")
    own = tmp_path / "own"
    own.mkdir()
    (own / "tokenizer.json").write_bytes((model / "tokenizer.json").read_bytes())
    _strip_tokenizer(model)
    data = json.loads((own / "tokenizer.json").read_text())
    data["added_tokens"] = data["added_tokens"][:1]  # eos/bos ids now name ordinary pieces
    (own / "tokenizer.json").write_text(json.dumps(data))
    extend_vocab(own / "tokenizer.json", tmp_path / "ext")
    with pytest.raises(ShapeError, match="token_id = 70"):
        init_embeddings(model, tmp_path / "ext", tmp_path / "out", base_tokenizer=own)


def test_without_a_model_tokenizer_too_few_ids_are_refused(tmp_path: Path) -> None:
    model = save_causal_lm(tmp_path / "m", pad_rows=1500)
    _strip_tokenizer(model)
    other = save_causal_lm(tmp_path / "o")
    extend_vocab(other / "tokenizer.json", tmp_path / "ext")
    with pytest.raises(ShapeError, match="padding rows"):
        init_embeddings(model, tmp_path / "ext", tmp_path / "out", base_tokenizer=other)
