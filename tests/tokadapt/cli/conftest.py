"""A tiny sandbox for the bad-input matrix: a Unigram tokenizer + random masked LM, its
extension, text and vector files; copied fresh for every case."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

PIECES = ["▁", *"abcdefgiklmnorstuv", "▁ka", "▁ma", "ka", "▁кот", "кот", "к", "о", "т", "▁дом", "д"]
PIECES += ["м", "ом", "▁мир", "и", "р"]


def _tokenizer(out: Path) -> int:
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers

    vocab = [("<s>", 0.0), ("<pad>", 0.0), ("</s>", 0.0), ("<unk>", 0.0)]
    vocab += [(p, -2.0 - 0.1 * i) for i, p in enumerate(PIECES)] + [("<mask>", 0.0)]
    tok = Tokenizer(models.Unigram(vocab, unk_id=3, byte_fallback=False))
    tok.pre_tokenizer = pre_tokenizers.Metaspace()
    tok.decoder = decoders.Metaspace()
    tok.add_special_tokens(["<s>", "<pad>", "</s>", "<unk>", "<mask>"])
    out.mkdir(parents=True, exist_ok=True)
    tok.save(str(out / "tokenizer.json"))
    return len(vocab)


def _model(out: Path) -> None:
    import torch
    from transformers import XLMRobertaConfig, XLMRobertaForMaskedLM

    n = _tokenizer(out)
    cfg = XLMRobertaConfig(
        vocab_size=n, hidden_size=8, num_hidden_layers=2, num_attention_heads=2,
        intermediate_size=16, max_position_embeddings=40, pad_token_id=1,
    )  # fmt: skip
    torch.manual_seed(0)
    XLMRobertaForMaskedLM(cfg).save_pretrained(out)


@pytest.fixture(scope="session")
def sandbox_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tokadapt.vocab import extend_vocab

    root = tmp_path_factory.mktemp("sandbox")
    _model(root / "model")
    extend_vocab(root / "model", root / "ext")
    (root / "ru.txt").write_text("кот дом\nмир кот\nдом мир\nкот\n", encoding="utf-8")
    (root / "en.txt").write_text("cat home\npeace cat\nhome peace\ncat\n", encoding="utf-8")
    (root / "a.vec").write_text("3 2\nкот 1 0\nдом 0 1\nмир 1 1\n", encoding="utf-8")
    (root / "b.vec").write_text("3 2\ncat 1 0\nhome 0 1\npeace 1 1\n", encoding="utf-8")
    (root / "dict.txt").write_text("кот cat\nдом home\nмир peace\n", encoding="utf-8")
    (root / "mine").mkdir()
    (root / "mine" / "thesis.tex").write_text("precious", encoding="utf-8")
    (root / "res.json").write_text("{}\n", encoding="utf-8")
    return root


@pytest.fixture
def sandbox(sandbox_template: Path, tmp_path: Path) -> Path:
    root = tmp_path / "sb"
    shutil.copytree(sandbox_template, root, symlinks=True)
    return root
