"""Getting the model ready for the step loop: the parameters DDP needs frozen, the compile
probe, the DDP wrapper.

Both checks run one forward/backward on a tiny fixed batch of four short texts
(:func:`dummy_batch`), never on training data, so they consume no sample and no data RNG.
"""

from __future__ import annotations

import logging
from typing import Any

import torch
from torch.nn.parallel import DistributedDataParallel

from tokadapt.align import accel, distributed

log = logging.getLogger(__name__)
DTYPES = {"bf16": torch.bfloat16, "fp16": torch.float16}


def autocast(device: torch.device, precision: str) -> Any:
    """bf16/fp16 autocast for ``precision`` (a no-op context for fp32)."""
    return torch.autocast(device.type, dtype=DTYPES.get(precision), enabled=precision in DTYPES)


def dummy_batch(tokenizer: Any, device: torch.device) -> dict[str, torch.Tensor]:
    """Four short texts as a training batch (MLM labels on every non-special token)."""
    enc = tokenizer(
        ["ab cd", "ef", "gh ij", "kl"],
        padding=True,
        return_special_tokens_mask=True,
        return_tensors="pt",
    )
    batch = {k: v.to(device) for k, v in enc.items() if k != "token_type_ids"}
    labels = batch["input_ids"].masked_fill(batch["special_tokens_mask"].bool(), -100)
    return {**batch, "labels": labels}


def probe(module: Any, tokenizer: Any, device: torch.device, precision: str) -> None:
    """One training-mode forward/backward on the tiny batch (the compile check)."""
    module.train()
    with autocast(device, precision):
        loss = module(dummy_batch(tokenizer, device))["loss"]
    loss.backward()


def freeze_unreachable(module: Any, optimizer: Any, tokenizer: Any, device: torch.device) -> None:
    """Stop training parameters the loss cannot reach (pooler, layers above an early exit).

    DDP requires every trainable parameter to get a gradient. A dry forward/backward in eval
    mode (no dropout, so no RNG is consumed) finds those that do not; AdamW would skip them
    anyway, so a single process trains exactly the same parameters.
    """
    module.eval()
    module(dummy_batch(tokenizer, device))["loss"].backward()
    frozen = [n for n, p in module.named_parameters() if p.requires_grad and p.grad is None]
    for name, param in module.named_parameters():
        if name in frozen:
            param.requires_grad_(False)
    optimizer.zero_grad(set_to_none=True)
    module.zero_grad(set_to_none=True)
    if frozen:
        log.info("parameters the loss does not reach (not trained): %s", frozen)


def prepare(
    module: Any, optimizer: Any, tokenizer: Any, device: torch.device, cfg: Any
) -> tuple[Any, bool]:
    """``(model the step loop calls, compiled?)``: unreachable parameters frozen (DDP), blocks
    compiled (``cfg.compile``, with the eager fallback), wrapped in DDP under ``torchrun``; train
    mode."""
    model: Any = module
    if distributed.is_active():
        freeze_unreachable(module, optimizer, tokenizer, device)
    compiled = False
    if cfg.compile:
        compiled = accel.compile_or_fallback(
            module, lambda: probe(module, tokenizer, device, cfg.precision), device
        )
    if distributed.is_active():
        ids = [device.index] if device.type == "cuda" else None
        model = DistributedDataParallel(module, device_ids=ids)
    module.train()
    return model, compiled
