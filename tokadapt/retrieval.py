"""Sentence retrieval evaluation (the SR-T / SR-B protocol): encode, then top-k accuracy.

* :func:`encode_texts` — batched sentence vectors from any Hugging Face encoder: a chosen
  layer of ``hidden_states`` (``-1`` = last; TransMI/TransliCo use layer 8), mean pooling over
  real tokens (no special tokens, no padding) or the first (CLS) token.
* :func:`top_k_accuracy` — row ``i`` of ``src`` should retrieve row ``i`` of ``tgt``; scoring by
  cosine, CSLS (k=10) or the ratio margin (Artetxe & Schwenk 2019), exact and deterministic.
* :func:`load_encoder` — model + tokenizer from a local checkpoint directory (never the hub).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

import numpy as np

from tokadapt.bli import scoring as bli_scoring
from tokadapt.bli import search
from tokadapt.errors import ConfigError, InputFileError, ShapeError, require
from tokadapt.loading import reading

log = logging.getLogger(__name__)

Pooling = Literal["mean", "cls"]
POOLINGS: tuple[Pooling, ...] = ("mean", "cls")
Scoring = Literal["cosine", "csls", "margin"]
SCORINGS: tuple[Scoring, ...] = ("cosine", "csls", "margin")
MARGIN_K = 4


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

    Mean pooling averages the non-special, non-padding tokens (all attended tokens for a text
    that has only special tokens). Texts are batched by length; the output keeps input order.
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
    with torch.no_grad():
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
            keep = attn & ~special.to(dev)
            keep = torch.where(keep.any(1, keepdim=True), keep, attn)
            out[idx] = _pool(hidden, keep, pooling).float().cpu().numpy()
    return out


def _unit(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float32)
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    return x / np.where(norms > 0, norms, 1.0)


def _margin_top(src: np.ndarray, tgt: np.ndarray, k: int, backend: str) -> np.ndarray:
    """Ratio margin ``cos / ((r_src(x) + r_tgt(y)) / 2)`` top-k indices (exact, float64)."""
    r_src, r_tgt = search.neighbourhood_means(src, tgt, MARGIN_K, backend=backend)
    t64 = tgt.astype(np.float64)
    out = np.empty((len(src), k), dtype=np.int64)
    for s in range(0, len(src), 1024):
        cos = src[s : s + 1024].astype(np.float64) @ t64.T
        score = cos / ((r_src[s : s + 1024, None] + r_tgt[None, :]) / 2.0)
        idx = np.broadcast_to(np.arange(len(tgt)), score.shape)
        out[s : s + 1024] = np.lexsort((idx, -score), axis=-1)[:, :k]
    return out


def top_k_accuracy(
    src: np.ndarray,
    tgt: np.ndarray,
    ks: Sequence[int] = (1, 5, 10),
    scoring: str = "cosine",
    backend: str = "auto",
) -> dict[str, float]:
    """Fraction of rows ``i`` whose top-k targets contain ``tgt[i]``: ``{"top1": 0.93, ...}``.

    Keys are ``f"top{k}"``, values fractions in [0, 1]. Ties go to the lower target index.
    """
    if scoring not in SCORINGS:
        raise ConfigError(f"scoring must be one of {', '.join(SCORINGS)}, got {scoring!r}")
    src, tgt = np.asarray(src), np.asarray(tgt)
    if src.ndim != 2 or src.shape != tgt.shape:
        raise ShapeError(f"src {src.shape} and tgt {tgt.shape} must be 2-D arrays of equal shape")
    if len(src) == 0 or not ks or min(ks) < 1:
        raise ConfigError(f"need at least one row and ks >= 1, got {len(src)} rows, ks={ks}")
    if not (np.isfinite(src).all() and np.isfinite(tgt).all()):
        raise ShapeError("src/tgt contain NaN or inf values")
    a, b = _unit(src), _unit(tgt)
    k = min(max(ks), len(b))
    if scoring == "margin":
        top = _margin_top(a, b, k, backend)
    else:
        retrieval = "nn" if scoring == "cosine" else "csls"
        top = bli_scoring.translate(a, b, None, k, retrieval=retrieval, backend=backend).indices
    hits = top == np.arange(len(a))[:, None]
    return {f"top{kk}": float(hits[:, :kk].any(1).mean()) for kk in ks}
