"""Hugging Face checkpoint directories: which files are weights, which are tokenizer files.

Shared by the e5 exporter and the embedding surgery (``tokadapt.embeddings``), which copy a
model's non-weight files, swap its tokenizer and publish a directory built in a temp folder.
"""

from __future__ import annotations

import shutil
from pathlib import Path

SAFETENSORS = "model.safetensors"
SAFETENSORS_INDEX = "model.safetensors.index.json"
TORCH_BIN = "pytorch_model.bin"
TORCH_BIN_INDEX = "pytorch_model.bin.index.json"
WEIGHT_SUFFIXES = (".safetensors", ".bin", ".pt", ".pth", ".h5", ".msgpack", ".ckpt", ".onnx")
WEIGHT_INDEXES = (SAFETENSORS_INDEX, TORCH_BIN_INDEX)
#: files that belong to a tokenizer (any family) rather than to the model
TOKENIZER_FILES = frozenset(
    {
        "tokenizer.json",
        "tokenizer_config.json",
        "special_tokens_map.json",
        "added_tokens.json",
        "sentencepiece.bpe.model",
        "spiece.model",
        "tokenizer.model",
        "vocab.txt",
        "vocab.json",
        "merges.txt",
        "tokadapt_manifest.json",
    }
)


def is_weight_file(name: str) -> bool:
    return name in WEIGHT_INDEXES or name.endswith(WEIGHT_SUFFIXES)


def copy_model_files(model_dir: Path, out: Path, *, skip_tokenizer: bool) -> list[str]:
    """Copy the plain files of ``model_dir`` that are not weights (config, generation config,
    README …), leaving out tokenizer files when ``skip_tokenizer``. Returns the copied names."""
    copied = []
    for path in sorted(model_dir.iterdir()):
        name = path.name
        if not path.is_file() or is_weight_file(name):
            continue
        if skip_tokenizer and name in TOKENIZER_FILES:
            continue
        shutil.copyfile(path, out / name)
        copied.append(name)
    return copied


def copy_tokenizer_files(tokenizer_dir: Path, out: Path) -> list[str]:
    """Copy every plain file of a tokenizer directory except model config and weights."""
    copied = []
    for path in sorted(tokenizer_dir.iterdir()):
        if path.is_file() and path.name != "config.json" and not is_weight_file(path.name):
            shutil.copyfile(path, out / path.name)
            copied.append(path.name)
    return copied
