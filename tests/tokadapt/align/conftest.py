"""Fixtures for the alignment tests: a tiny random XLM-R masked LM with the real XLM-R
tokenizer, and small multi-script corpora from CLDR (babel) territory names."""

from __future__ import annotations

from pathlib import Path

import pytest

LANGS = {"ru": "rus", "el": "ell", "hi": "hin"}


@pytest.fixture(autouse=True, scope="module")
def _one_torch_thread():  # type: ignore[no-untyped-def]
    """Tiny models on a shared 2-core machine: one intra-op thread is several times faster
    (no oversubscription). Module scope: set before module-scoped runs, restored after."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def _tokenizer():  # type: ignore[no-untyped-def]
    from tokadapt.data.resources import xlmr_fast_tokenizer

    return xlmr_fast_tokenizer()


@pytest.fixture(scope="session")
def xlmr_tokenizer():  # type: ignore[no-untyped-def]
    return _tokenizer()


@pytest.fixture(scope="session")
def tiny_mlm_dir(tmp_path_factory: pytest.TempPathFactory, xlmr_tokenizer) -> Path:  # type: ignore[no-untyped-def]
    """A 4-layer, hidden-32 random ``XLMRobertaForMaskedLM`` (tied head) + XLM-R tokenizer."""
    import torch
    from transformers import XLMRobertaConfig, XLMRobertaForMaskedLM

    out = tmp_path_factory.mktemp("tiny") / "tiny-mlm"
    cfg = XLMRobertaConfig(
        vocab_size=len(xlmr_tokenizer),
        hidden_size=32,
        num_hidden_layers=4,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=130,
        pad_token_id=1,
        bos_token_id=0,
        eos_token_id=2,
    )
    torch.manual_seed(0)
    XLMRobertaForMaskedLM(cfg).save_pretrained(out)
    xlmr_tokenizer.save_pretrained(out)
    return out


@pytest.fixture(scope="session")
def tiny_encoder_dir(tmp_path_factory: pytest.TempPathFactory, xlmr_tokenizer) -> Path:  # type: ignore[no-untyped-def]
    """An encoder-only random ``BertModel`` (no MLM head, no dropout), like the e5 export."""
    import torch
    from transformers import BertConfig, BertModel

    out = tmp_path_factory.mktemp("tiny") / "tiny-bert"
    cfg = BertConfig(
        vocab_size=len(xlmr_tokenizer),
        hidden_size=32,
        num_hidden_layers=3,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=130,
        pad_token_id=1,
        hidden_dropout_prob=0.0,
        attention_probs_dropout_prob=0.0,
    )
    torch.manual_seed(0)
    BertModel(cfg).save_pretrained(out)
    xlmr_tokenizer.save_pretrained(out)
    return out


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """``{lang: file}`` of CLDR territory names (one per line) for ru, el, hi and English."""
    from tokadapt.data import cldr

    root = tmp_path_factory.mktemp("corpus")
    files = {}
    for lang in [*LANGS, "en"]:
        names = sorted(set(cldr.names(lang, "territories").values()))
        files[lang] = root / f"{lang}.txt"
        files[lang].write_text("\n".join(names) + "\n", encoding="utf-8")
    return files


@pytest.fixture(scope="session")
def train_specs(corpus: dict[str, Path]) -> list[str]:
    return [f"{corpus[lang]}:{code}" for lang, code in LANGS.items()]
