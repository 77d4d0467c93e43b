"""The one input-embedding finder, one load_tokenizer and one SHA-256 helper."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pytest
from safetensors.numpy import save_file

from tokadapt.errors import InputFileError
from tokadapt.io.hashing import sha256_bytes, sha256_file
from tokadapt.io.tensors import input_embeddings

ROWS = np.arange(12, dtype=np.float32).reshape(4, 3)


def _checkpoint(folder: Path, name: str) -> Path:
    folder.mkdir()
    (folder / "config.json").write_text(json.dumps({"vocab_size": 4}))
    tensors = {name: ROWS, "layers.0.attn.weight": np.ones((3, 3), dtype=np.float32)}
    save_file(tensors, str(folder / "model.safetensors"))
    return folder


@pytest.mark.parametrize(
    "name",
    [
        "model.embeddings.word_embeddings.weight",
        "model.embed_tokens.weight",
        "transformer.wte.weight",
        "tok_embeddings.weight",  # Llama's original layout (the old BLI finder missed it)
        "gpt_neox.embed_in.weight",  # GPT-NeoX / Pythia (likewise)
    ],
)
def test_input_embeddings_found_under_every_family_name(tmp_path: Path, name: str) -> None:
    got = input_embeddings(_checkpoint(tmp_path / "m", name))
    np.testing.assert_array_equal(got, ROWS)


def test_no_input_embedding_is_an_input_file_error(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="no input embedding tensor"):
        input_embeddings(_checkpoint(tmp_path / "m", "lm_head.weight"))


def test_sha256_helpers_agree_with_hashlib(tmp_path: Path) -> None:
    data = b"tokadapt" * 1000
    (tmp_path / "f").write_bytes(data)
    assert sha256_file(tmp_path / "f", chunk=7) == hashlib.sha256(data).hexdigest()
    assert sha256_bytes(data) == hashlib.sha256(data).hexdigest()
