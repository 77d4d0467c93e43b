"""The frozen teacher of the distillation recipes and its targets for a pair batch (the
original sentences, and the translations of the pairs that have one).

The teacher is a frozen copy of the starting model, or ``cfg.teacher``: another checkpoint
with its own tokenizer (``tokadapt adapt --align`` passes the model before extension, so that
the targets of original and English sentences are what the original model made of them with
its original tokenization). With its own tokenizer, the original sentences of a batch are
decoded from the student's ids and re-tokenized for it.
"""

from __future__ import annotations

import copy
import logging
from typing import Any

import torch

from tokadapt.align import pivot
from tokadapt.align.config import AlignConfig
from tokadapt.align.loss import pool
from tokadapt.errors import ConfigError

log = logging.getLogger(__name__)


def make(encoder: Any, cfg: AlignConfig, tokenizer: Any) -> tuple[Any, tuple[Any, Any] | None]:
    """``(teacher, (student_tokenizer, teacher_tokenizer) or None)``; the teacher is in eval
    mode with gradients off."""
    from tokadapt.align.model import check_layer, load

    tokenizers = None
    if not cfg.teacher:
        frozen = copy.deepcopy(encoder)
    else:
        loaded = load(cfg.teacher, "off")
        frozen = loaded.model
        check_layer(frozen, cfg.layer)
        if tokenizer is None:
            raise ConfigError("a separate teacher needs the student's tokenizer")
        tokenizers = (tokenizer, loaded.tokenizer)
        log.info("teacher: %s (its own tokenizer)", cfg.teacher)
    frozen.eval().requires_grad_(False)
    return frozen, tokenizers


@torch.no_grad()
def target(module: Any, batch: dict[str, torch.Tensor], n: int) -> torch.Tensor:
    """The teacher's pooled vectors of the ``n`` original sentences of ``batch`` (an
    :class:`~tokadapt.align.model.AlignModel`'s teacher, layer and pooling)."""
    ids = batch.get("teacher_ids", batch["input_ids"])[:n]
    return vectors(module, ids, batch["attention_mask"][:n], batch["special_tokens_mask"][:n])


@torch.no_grad()
def vectors(
    module: Any, ids: torch.Tensor, mask: torch.Tensor, special: torch.Tensor
) -> torch.Tensor:
    """The teacher's pooled vectors of sentences the student's tokenizer made ``ids`` of
    (decoded and re-tokenized when the teacher has its own tokenizer)."""
    if module._tokenizers is not None:
        student_tok, teacher_tok = module._tokenizers
        texts = student_tok.batch_decode(ids, skip_special_tokens=True)
        enc = pivot.tokenize(teacher_tok, texts, module.teacher_max_length)
        ids, mask, special = (enc[k].to(ids.device) for k in enc)
    frozen = module.teacher
    if frozen is None:  # pragma: no cover - only called when a weight > 0 made one
        raise RuntimeError("no teacher")
    out = frozen(input_ids=ids, attention_mask=mask, output_hidden_states=True)
    return pool(out.hidden_states[module.layer], mask, special, module.pooling)
