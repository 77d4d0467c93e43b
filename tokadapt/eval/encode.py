"""Sentence encoding for evaluation: any Hugging Face encoder from a local directory.

* :func:`load_encoder` — model + tokenizer from a local checkpoint directory (never the hub).
* :func:`encode_texts` — batched sentence vectors: a chosen layer of ``hidden_states`` (``-1`` =
  last; TransMI/TransliCo use layer 8), mean pooling over real tokens (``mean``: no special
  tokens, no padding), over every attended token (``mean-all``: special tokens included, as
  sentence-transformers and the e5 model card pool) or the first (CLS) token.
* :func:`pooling_of` — the pooling a checkpoint's own sentence-transformers configuration
  (``modules.json`` → ``Pooling``) names: what its users get, the default of ``tokadapt
  retrieval``.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

import numpy as np

from tokadapt.errors import ConfigError, InputFileError, require
from tokadapt.io.loading import reading
from tokadapt.progress import progress

log = logging.getLogger(__name__)

Pooling = Literal["mean", "mean-all", "cls"]
POOLINGS: tuple[Pooling, ...] = ("mean", "mean-all", "cls")


def pooling_of(path: str | Path) -> tuple[Pooling, str]:
    """``(pooling, why)``: ``mean-all`` for a sentence-transformers mean-pooling checkpoint,
    ``cls`` for CLS pooling; ``mean`` (text tokens, the TransMI/TransliCo protocol) without a
    sentence-transformers configuration or for a pooling tokadapt does not compute (said in
    ``why``). A configuration that is not valid JSON is refused in one line."""
    folder = Path(path)
    modules = folder / "modules.json"
    if not modules.is_file():
        return "mean", "no sentence-transformers configuration: mean over text tokens"
    for mod in _json_file(modules):
        if isinstance(mod, dict) and str(mod.get("type", "")).endswith(".Pooling"):
            cfg_path = folder / str(mod.get("path", "")) / "config.json"
            cfg = _json_file(cfg_path) if cfg_path.is_file() else {}
            if not isinstance(cfg, dict):
                raise InputFileError(f"{cfg_path} is not a JSON object")
            modes = sorted(k[13:] for k, v in cfg.items() if k.startswith("pooling_mode_") and v)
            if modes == ["cls_token"]:
                return "cls", f"{cfg_path}: CLS pooling"
            if modes == ["mean_tokens"]:
                return "mean-all", f"{cfg_path}: mean over every attended token (mean-all)"
            return "mean", f"{cfg_path}: pooling {modes} is not computed here; text-token mean"
    return "mean", f"{modules} has no Pooling module: mean over text tokens"


def _json_file(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise InputFileError(f"{path} is not valid JSON: {exc}") from exc


def load_encoder(path: str | Path, device: str | None = None) -> tuple[Any, Any]:
    """``(model, tokenizer)`` from a local Hugging Face directory, in eval mode."""
    require("transformers", "hf", "transformers")
    import torch
    from transformers import AutoModel, AutoTokenizer

    folder = Path(path)
    if not (folder / "config.json").is_file():
        raise InputFileError(
            f"{folder} is not a Hugging Face model directory (no config.json); pass the folder "
            "that save_pretrained() wrote"
        )
    with reading(folder, "model"):
        tokenizer = AutoTokenizer.from_pretrained(str(folder), local_files_only=True)
        model = AutoModel.from_pretrained(str(folder), local_files_only=True)
    dev = device or ("cuda" if torch.cuda.is_available() else "cpu")
    return model.to(dev).eval(), tokenizer


def _pool(hidden: Any, keep: Any, pooling: str) -> Any:
    if pooling == "cls":
        return hidden[:, 0]
    weights = keep.to(hidden.dtype).unsqueeze(-1)
    return (hidden * weights).sum(1) / weights.sum(1).clamp(min=1.0)


def encode_texts(
    model: Any,
    tokenizer: Any,
    texts: Sequence[str],
    *,
    layer: int = -1,
    pooling: str = "mean",
    batch_size: int = 32,
    device: str | None = None,
    max_length: int = 128,
) -> np.ndarray:
    """Sentence vectors ``(len(texts), hidden)`` float32 from ``hidden_states[layer]``.

    ``mean`` averages the non-special, non-padding tokens (all attended tokens for a text that
    has only special tokens); ``mean-all`` every attended token. Texts are batched by length;
    the output keeps input order.
    """
    import torch

    if pooling not in POOLINGS:
        raise ConfigError(f"pooling must be one of {', '.join(POOLINGS)}, got {pooling!r}")
    if batch_size < 1:
        raise ConfigError(f"batch_size must be >= 1, got {batch_size}")
    n_layers = int(getattr(model.config, "num_hidden_layers", 0))
    if n_layers and not -(n_layers + 1) <= layer <= n_layers:
        raise ConfigError(
            f"layer {layer} does not exist: hidden_states has {n_layers + 1} entries "
            f"(0 = embeddings, {n_layers} = last; negative counts from the end)"
        )
    dev = torch.device(device) if device else next(model.parameters()).device
    model = model.to(dev).eval()
    order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
    out = np.zeros((len(texts), int(model.config.hidden_size)), dtype=np.float32)
    bar = progress(len(texts), "encode", "text")
    with bar, torch.no_grad():
        for s in range(0, len(order), batch_size):
            idx = order[s : s + batch_size]
            enc = tokenizer(
                [texts[i] for i in idx],
                padding=True,
                truncation=True,
                max_length=max_length,
                return_tensors="pt",
                return_special_tokens_mask=True,
            )
            special = enc.pop("special_tokens_mask").bool()
            enc = {key: value.to(dev) for key, value in enc.items()}
            hidden = model(**enc, output_hidden_states=True).hidden_states[layer]
            attn = enc["attention_mask"].bool()
            keep = attn if pooling == "mean-all" else attn & ~special.to(dev)
            keep = torch.where(keep.any(1, keepdim=True), keep, attn)
            out[idx] = _pool(hidden, keep, pooling).float().cpu().numpy()
            bar.update(len(idx))
    return out
