"""Model FLOPs per training step and model FLOPs utilisation (MFU) for the alignment loop.

Counting follows the usual dense-transformer estimate (Kaplan et al. 2020; PaLM appendix B):
a token costs ``6 N`` FLOPs forward + backward for the ``N`` matmul parameters it passes
through (the embedding lookup is not a matmul) plus ``12 L h s`` for attention scores and
values over a sequence of ``s`` tokens. Padding tokens are not counted (only real work is
"model" FLOPs), so MFU rewards padding-free batches.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

#: dense (non-sparse) peak FLOP/s by device-name substring and compute dtype
PEAK_FLOPS: dict[str, dict[str, float]] = {
    "H200": {"bf16": 989e12, "fp16": 989e12, "tf32": 494e12, "fp32": 67e12},
    "H100 PCIe": {"bf16": 756e12, "fp16": 756e12, "tf32": 378e12, "fp32": 51e12},
    "H100": {"bf16": 989e12, "fp16": 989e12, "tf32": 494e12, "fp32": 67e12},
    "A100": {"bf16": 312e12, "fp16": 312e12, "tf32": 156e12, "fp32": 19.5e12},
}


@dataclass(frozen=True)
class Shape:
    """What the FLOPs count needs: matmul parameters, layers run, hidden size."""

    matmul_params: int
    layers: int
    hidden: int


def encoder_shape(encoder: nn.Module, layers: int | None = None) -> Shape:
    """Matmul parameters of the transformer blocks (embeddings excluded) of an HF encoder.

    ``layers`` < the model's depth counts only the blocks below the TCM layer (the early exit).
    """
    cfg = getattr(encoder, "config", None)
    depth = int(getattr(cfg, "num_hidden_layers", 0))
    hidden = int(getattr(cfg, "hidden_size", 0))
    used = depth if layers is None else min(layers, depth)
    params = sum(
        p.numel()
        for name, p in encoder.named_parameters()
        if p.dim() == 2 and "embeddings" not in name
    )
    per_layer = params // max(1, depth)
    return Shape(per_layer * used, used, hidden)


def step_flops(shape: Shape, lengths: torch.Tensor | list[int]) -> float:
    """Training FLOPs (forward + backward) of one step over sequences of the given real lengths."""
    lens = torch.as_tensor(lengths, dtype=torch.float64)
    return sums_flops(shape, float(lens.sum()), float((lens * lens).sum()))


def sums_flops(shape: Shape, tokens: float, squares: float) -> float:
    """:func:`step_flops` from the sequences' summed lengths and summed squared lengths."""
    return 6.0 * shape.matmul_params * tokens + 12.0 * shape.layers * shape.hidden * squares


def head_flops(hidden: int, vocab: int, tokens: int) -> float:
    """Training FLOPs of an MLM head (transform + vocabulary projection) at ``tokens`` positions."""
    return 6.0 * (hidden * hidden + hidden * vocab) * tokens


def compute_dtype(precision: str, device: torch.device) -> str:
    """The peak table's column for a run: bf16/fp16 autocast, else TF32 when CUDA matmuls use it."""
    if precision in ("bf16", "fp16"):
        return precision
    tf32 = device.type == "cuda" and torch.backends.cuda.matmul.allow_tf32
    return "tf32" if tf32 else "fp32"


def device_name(device: torch.device) -> str:
    if device.type == "cuda":
        return str(torch.cuda.get_device_name(device))
    import platform

    return platform.processor() or platform.machine() or "cpu"


def peak_flops(device_name: str, dtype: str = "bf16") -> float | None:
    """Dense peak of a known device (longest matching name first), None if unknown."""
    for key in sorted(PEAK_FLOPS, key=len, reverse=True):
        if key in device_name:
            return PEAK_FLOPS[key].get(dtype)
    return None


def mfu(flops: float, seconds: float, device_name: str, dtype: str = "bf16") -> float | None:
    """Achieved / peak FLOP/s; None when the device's peak is not in :data:`PEAK_FLOPS`."""
    peak = peak_flops(device_name, dtype)
    if peak is None or seconds <= 0:
        return None
    return flops / seconds / peak
