"""AdamW with the usual no-decay groups and a linear warmup / linear decay schedule."""

from __future__ import annotations

from typing import Any

import torch
from torch import nn

from tokadapt.align.config import AlignConfig

_NO_DECAY = ("bias", "LayerNorm.weight", "layer_norm.weight", "norm.weight", "log_temperature")


def param_groups(module: nn.Module, weight_decay: float) -> list[dict[str, Any]]:
    """Two groups: weights with decay; biases, norms and the temperature without."""
    decay: list[nn.Parameter] = []
    plain: list[nn.Parameter] = []
    seen: set[int] = set()
    for name, param in module.named_parameters():
        if not param.requires_grad or id(param) in seen:
            continue
        seen.add(id(param))
        (plain if name.endswith(_NO_DECAY) else decay).append(param)
    return [{"params": decay, "weight_decay": weight_decay}, {"params": plain, "weight_decay": 0.0}]


def lr_factor(step: int, warmup: int, total: int) -> float:
    """Linear warmup from ~0 to 1 over ``warmup`` steps, then linear decay to 0 at ``total``."""
    if warmup and step < warmup:
        return (step + 1) / warmup
    return max(0.0, (total - step) / max(1, total - warmup))


def build_optimizer(
    module: nn.Module, cfg: AlignConfig, device: torch.device
) -> tuple[torch.optim.Optimizer, Any]:
    fused = device.type == "cuda"  # one kernel on GPU; multi-tensor (foreach) on CPU
    optimizer = torch.optim.AdamW(
        param_groups(module, cfg.weight_decay),
        lr=cfg.lr,
        fused=fused or None,
        foreach=None if fused else True,
    )
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: lr_factor(s, cfg.warmup_steps, cfg.steps)
    )
    return optimizer, scheduler
