"""Fixtures for the BLI tests: backends available here, small realistic data."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tokadapt.eval.search import available_backends

BACKENDS = available_backends()
CPU_BACKENDS = [b for b in BACKENDS if b in ("torch", "faiss-cpu", "numpy")]


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(1234)


@pytest.fixture(scope="session")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, Any, Path]:
    torch = pytest.importorskip("torch")
    from transformers import BertConfig, BertModel

    from tokadapt.data.resources import xlmr_fast_tokenizer

    tok = xlmr_fast_tokenizer()
    torch.manual_seed(0)
    config = BertConfig(
        vocab_size=len(tok),
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
        pad_token_id=1,
    )
    model = BertModel(config).eval()
    folder = tmp_path_factory.mktemp("tiny") / "model"
    model.save_pretrained(folder)
    tok.save_pretrained(folder)
    return model, tok, folder
