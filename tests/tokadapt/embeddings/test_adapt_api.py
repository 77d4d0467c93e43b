"""``tokadapt.adapt``: Hugging Face objects in, the adapted pair out (in memory)."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
from causal_helpers import old_id_logits, save_causal_lm

import tokadapt
from tokadapt.errors import InputFileError

transformers = pytest.importorskip("transformers")


def test_objects_in_adapted_pair_out(tmp_path: Path) -> None:
    path = save_causal_lm(tmp_path / "m", "qwen2", tied=False)
    model = transformers.AutoModelForCausalLM.from_pretrained(str(path)).eval()
    tok = transformers.AutoTokenizer.from_pretrained(str(path))
    out = tokadapt.adapt(model, tok, strategy="subword-mean")
    assert len(out.tokenizer) == out.model.get_input_embeddings().weight.shape[0] > len(tok)
    ids = tok("Россия, Ελλάδα", return_tensors="pt")["input_ids"]
    n = len(tok)
    new = old_id_logits(out.model.eval(), ids, n)
    assert torch.equal(new, old_id_logits(model, ids, n))
    assert out.out_dir is None and out.init_report["new_pieces"] > 0


def test_paths_and_a_tokenizers_object(tmp_path: Path) -> None:
    path = save_causal_lm(tmp_path / "m")
    raw = transformers.AutoTokenizer.from_pretrained(str(path)).backend_tokenizer
    out = tokadapt.adapt(str(path), raw, out_dir=tmp_path / "o")
    assert (tmp_path / "o" / "model.safetensors").is_file()
    assert out.tokenizer.model_max_length == 64  # the model's setting, carried over


def test_an_uncached_hub_id_offline_names_the_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(InputFileError, match="cache"):
        tokadapt.adapt("no-such-owner/no-such-model-xyz")
