"""The real SmolLM2-135M-Instruct: export from the GGUF, extend, initialize, generate (slow)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tokadapt.cli import main
from tokadapt.demo import DemoContext
from tokadapt.demo import llm as demo_llm

pytestmark = pytest.mark.slow
transformers = pytest.importorskip("transformers")
pytest.importorskip("gguf")


@pytest.fixture(scope="module")
def smol(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tokadapt.errors import MissingDependencyError
    from tokadapt.models.smollm2 import smollm2_gguf

    try:  # located, not imported: the package's __init__ imports the llm CLI
        smollm2_gguf()
    except MissingDependencyError as exc:
        pytest.skip(str(exc))
    out = tmp_path_factory.mktemp("smol") / "model"
    assert main(["models", "export-smollm2", str(out)]) == 0
    return out


def test_export_is_a_plain_llama_checkpoint_with_chat_template(smol: Path) -> None:
    config = json.loads((smol / "config.json").read_text())
    tok = transformers.AutoTokenizer.from_pretrained(str(smol))
    assert config["architectures"] == ["LlamaForCausalLM"] and "quantization_config" not in config
    assert tok.model_max_length == config["max_position_embeddings"] == 8192
    assert "<|im_start|>assistant" in tok.apply_chat_template(
        [{"role": "user", "content": "hi"}], add_generation_prompt=True, tokenize=False
    )


def test_it_answers_paris(smol: Path) -> None:
    model = transformers.AutoModelForCausalLM.from_pretrained(str(smol)).eval()
    tok = transformers.AutoTokenizer.from_pretrained(str(smol))
    assert "Paris" in demo_llm._answers(model, tok, ("What is the capital of France?",))[0]


def test_demo_stage_keeps_answers_and_old_logits(smol: Path, tmp_path: Path) -> None:
    ctx = DemoContext(out=tmp_path, quick=True)
    result = demo_llm.run(ctx)
    assert result["same_answers"] and result["old_id_logits_bit_identical"]
    assert result["rows"][1] == result["rows"][0] + result["new_pieces"] > result["rows"][0]
    config = json.loads((tmp_path / "smollm2-adapted" / "config.json").read_text())
    assert (config["bos_token_id"], config["eos_token_id"]) == (1, 2)
