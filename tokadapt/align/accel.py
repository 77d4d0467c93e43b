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
