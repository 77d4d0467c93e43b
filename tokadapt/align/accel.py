"""Speed options of the alignment step: ``torch.compile`` with a fallback, gradient
checkpointing, and the peak FLOP/s that MFU is measured against.

``torch.compile`` compiles lazily, on the first call; a missing compiler or an unsupported
operation surfaces then, in the middle of training. :func:`compile_or_fallback` therefore
compiles the transformer blocks and runs one probe forward/backward in training mode on a tiny
batch (random state saved and restored, gradients cleared), so a failure is found before the
first step; the blocks are then returned to eager mode and the run goes on (logged, and
``compiled: false`` in the summary). Under DDP every rank follows the worst verdict.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import torch
from torch import nn

from tokadapt.align import distributed, flops
from tokadapt.align.config import Precision

log = logging.getLogger(__name__)


def uncompile(modules: list[nn.Module]) -> None:
    """Undo ``nn.Module.compile`` (calls go to the eager forward again)."""
    for mod in modules:
        mod._compiled_call_impl = None
    torch._dynamo.reset()


def compile_or_fallback(
    module: Any, probe: Callable[[], None], device: torch.device, **options: Any
) -> bool:
    """Compile ``module``'s blocks (``module.compile_blocks``); keep them only if ``probe``
    (one forward/backward) succeeds on every rank. Returns whether the run is compiled."""
    mods = module.compiled_modules()
    for mod in mods:
        mod.compile(**options)
    ok, error = True, ""
    devices = [device] if device.type == "cuda" else []
    with torch.random.fork_rng(devices=devices):
        try:
            probe()
        except Exception as exc:  # any compiler failure: fall back (logged below)
            ok, error = False, f"{type(exc).__name__}: {str(exc).splitlines()[0][:300]}"
    module.zero_grad(set_to_none=True)
    if distributed.is_active():
        flag = torch.tensor([int(ok)], device=device)
        torch.distributed.all_reduce(flag, op=torch.distributed.ReduceOp.MIN)
        ok = bool(flag.item())
    if not ok:
        uncompile(mods)
        log.warning("torch.compile failed (%s); training in eager mode", error or "on another rank")
    else:
        log.info("torch.compile: %d modules", len(mods))
    return ok


def enable_checkpointing(hf_model: Any) -> None:
    """Recompute each block's activations in the backward pass (less memory, ~30 % more time)."""
    if not getattr(hf_model, "supports_gradient_checkpointing", False):
        from tokadapt.errors import ConfigError

        raise ConfigError(
            f"{type(hf_model).__name__} does not support gradient checkpointing; "
            "drop --grad-checkpointing"
        )
    kwargs = {"use_reentrant": False}
    enable = getattr(hf_model, "activation_checkpointing_enable", None)  # transformers >= 5.x
    if enable is not None:
        enable(activation_checkpointing_kwargs=kwargs)
    else:
        hf_model.gradient_checkpointing_enable(gradient_checkpointing_kwargs=kwargs)


def peak_for(device: torch.device, precision: str, given: float = 0.0) -> float | None:
    """``given`` (``--peak-flops``) or the device's dense peak for the run's compute dtype."""
    if given > 0:
        return given
    return flops.peak_flops(flops.device_name(device), flops.compute_dtype(precision, device))


def native_bf16(device: torch.device) -> tuple[bool, str]:
    """Whether ``device`` computes bf16 matmuls in hardware, and what it has (for the recipe
    line): a CUDA GPU with bf16, a CPU with AMX-BF16 tiles or AVX512-BF16 instructions."""
    if device.type == "cuda":
        ok = torch.cuda.is_available() and torch.cuda.is_bf16_supported()
        return ok, "GPU with bf16" if ok else "GPU without bf16"
    if device.type == "cpu":
        caps = _cpu_capabilities()
        if caps.get("amx_bf16") and caps.get("amx_tile"):
            return True, "CPU with AMX-BF16"
        if caps.get("avx512_bf16"):
            return True, "CPU with AVX512-BF16"
        return False, "CPU without bf16 instructions"
    return False, f"{device.type} device"


def _cpu_capabilities() -> dict[str, Any]:
    get = getattr(torch.cpu, "get_capabilities", None)  # torch >= 2.8
    if get is not None:
        return dict(get())
    return {"avx512_bf16": bool(torch.cpu._is_avx512_bf16_supported())}


def resolve_precision(precision: Precision, device: torch.device) -> tuple[Precision, str]:
    """``auto``: bf16 where :func:`native_bf16`, fp32 elsewhere. Returns the precision and a
    note for the recipe line. On the UDHR sentence runs (3 folds, 2-core AMX CPU) bf16 kept
    fp32's kept steps, dev and test scores in 2.9x less training time
    (benchmarks/results/align_precision_auto.md)."""
    if precision != "auto":
        return precision, f"precision {precision} (given)"
    ok, what = native_bf16(device)
    chosen: Precision = "bf16" if ok else "fp32"
    other = "--precision fp32 for full precision" if ok else "--precision bf16 to force it"
    return chosen, f"precision {chosen} (auto: {what}; {other})"


FP32_SDPA = "tokadapt_sdpa_fp32"


def _sdpa_fp32(
    module: nn.Module,
    query: torch.Tensor,
    key: torch.Tensor,
    value: torch.Tensor,
    attention_mask: torch.Tensor | None,
    **kwargs: Any,
) -> tuple[torch.Tensor, Any]:
    """transformers' SDPA attention with query, key, value (and a float mask) in fp32, outside
    autocast; the output back in the query's dtype. For fp32 inputs it is plain SDPA."""
    from transformers.integrations.sdpa_attention import sdpa_attention_forward

    dtype = query.dtype
    if attention_mask is not None and attention_mask.is_floating_point():
        attention_mask = attention_mask.float()
    with torch.autocast(query.device.type, enabled=False):
        out, weights = sdpa_attention_forward(
            module, query.float(), key.float(), value.float(), attention_mask, **kwargs
        )
    return out.to(dtype), weights


def fp32_attention(models: list[Any], device: torch.device, precision: str) -> int:
    """On CPU under bf16/fp16 autocast, run the SDPA attention of ``models`` in fp32.

    PyTorch's CPU flash-attention *backward* in bf16 is several times slower than in fp32 (one
    alignment step of e5-small, 1 thread: 20 s of 40 s in it, against 2.4 s in fp32); the
    projections and MLPs around it keep their bf16 matmuls. Applies to models that dispatch
    attention through transformers' ``AttentionInterface`` and use ``sdpa``; returns how many
    were switched. The name lives in ``config._attn_implementation``, which transformers does
    not write to ``config.json``."""
    if device.type != "cpu" or precision not in ("bf16", "fp16"):
        return 0
    try:  # transformers >= 4.53 (the mask interface); older ones: bf16 attention, slower
        from transformers import AttentionInterface
        from transformers.masking_utils import AttentionMaskInterface, sdpa_mask
    except ImportError:
        log.info("transformers without AttentionMaskInterface: attention stays in %s", precision)
        return 0
    AttentionInterface.register(FP32_SDPA, _sdpa_fp32)
    # the padding mask too: transformers builds none for an attention name it has no mask for
    AttentionMaskInterface.register(FP32_SDPA, sdpa_mask)
    switched = 0
    for model in models:
        config = getattr(model, "config", None)
        if config is not None and getattr(config, "_attn_implementation", None) == "sdpa":
            config._attn_implementation = FP32_SDPA
            switched += 1
    return switched
