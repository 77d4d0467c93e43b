"""The frozen teacher of the distillation recipes and its targets for a pair batch (the
original sentences, and the translations of the pairs that have one).

The teacher is a frozen copy of the starting model, or ``cfg.teacher``: another checkpoint
with its own tokenizer (``tokadapt adapt --align`` passes the model before extension, so that
the targets of original and English sentences are what the original model made of them with
its original tokenization). With its own tokenizer, the original sentences of a batch are
decoded from the student's ids and re-tokenized for it.

The teacher is frozen and in eval mode, so a sentence's target never changes: a
:class:`TargetCache` keeps each sentence's vector after its first batch, and later epochs skip
the teacher for the sentences it holds (``AlignConfig.teacher_cache`` sentences at most).
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Callable
from typing import Any

import torch

from tokadapt.align import pivot
from tokadapt.align.bucketing import resolve_groups
from tokadapt.align.config import AlignConfig
from tokadapt.align.loss import pool_by_length
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


class TargetCache:
    """The teacher's pooled vector of each sentence seen, keyed by its attended token ids.

    A frozen teacher in eval mode gives a sentence the same vector in every batch (up to the
    rounding of a different padding width), so the vectors of a sentence's first batch serve
    every later epoch. At most ``capacity`` sentences are kept, in host memory (fp32: 4 bytes
    per hidden unit, 150 MB for 100 000 sentences of a 384-wide model); once full, new sentences
    are computed every time and the cache stops growing.

    The keys are read and the vectors kept on the host: on CUDA each lookup waits for the
    device, which is why ``teacher_cache=-1`` (auto) leaves it off there.
    """

    def __init__(self, capacity: int) -> None:
        if capacity < 1:
            raise ValueError(f"capacity must be >= 1, got {capacity}")
        self.capacity = capacity
        self.rows: dict[bytes, torch.Tensor] = {}
        self.hits = 0
        self.misses = 0
        self._computed = (0, 0)  # summed lengths and squared lengths computed since drain()

    def __len__(self) -> int:
        return len(self.rows)

    def drain(self) -> tuple[int, int]:
        """The summed lengths and summed squared lengths (in tokens) of the rows the teacher
        computed since the last call: what the FLOP count charges for the teacher."""
        computed, self._computed = self._computed, (0, 0)
        return computed

    @staticmethod
    def keys(ids: torch.Tensor, mask: torch.Tensor) -> list[bytes]:
        """One key per row: the row's attended ids (any padding side) as int64 bytes."""
        host_ids = ids.detach().to("cpu", torch.int64)
        host_mask = mask.detach().to("cpu").bool()
        return [row[m].numpy().tobytes() for row, m in zip(host_ids, host_mask, strict=True)]

    def lookup(
        self,
        ids: torch.Tensor,
        mask: torch.Tensor,
        special: torch.Tensor,
        compute: Callable[[torch.Tensor, torch.Tensor, torch.Tensor], torch.Tensor],
    ) -> torch.Tensor:
        """The vectors of the rows of ``ids``: cached ones as they are, the others from
        ``compute`` (called once, on one row per missing sentence, trimmed to the widest of
        them) and stored. ``hits`` counts the rows not computed, ``misses`` those computed."""
        keys = self.keys(ids, mask)
        first: dict[bytes, int] = {}
        for i, key in enumerate(keys):
            if key not in self.rows:
                first.setdefault(key, i)
        missing = list(first.values())
        lengths = [len(keys[i]) // 8 for i in missing]  # 8 bytes per int64 id
        self._computed = (
            self._computed[0] + sum(lengths),
            self._computed[1] + sum(n * n for n in lengths),
        )
        self.hits += len(keys) - len(missing)
        self.misses += len(missing)
        fresh: dict[bytes, torch.Tensor] = {}
        if missing:
            index = torch.tensor(missing, device=ids.device)
            sub_mask = mask.index_select(0, index)
            width = int(sub_mask.any(0).nonzero().max()) + 1 if sub_mask.any() else 1
            out = compute(
                ids.index_select(0, index)[:, :width],
                sub_mask[:, :width],
                special.index_select(0, index)[:, :width],
            ).to("cpu", torch.float32)
            for j, i in enumerate(missing):
                fresh[keys[i]] = out[j]
                if len(self.rows) < self.capacity:
                    self.rows[keys[i]] = out[j].clone()
        rows = torch.stack([fresh[k] if k in fresh else self.rows[k] for k in keys])
        return rows.to(ids.device)


#: the capacity ``teacher_cache=-1`` (auto) gives on CPU
AUTO_CACHE = 100_000


def resolve_cache(size: int, device: torch.device) -> tuple[int, str]:
    """``(capacity, note)`` for ``AlignConfig.teacher_cache``: a given size is kept; -1 (auto)
    is :data:`AUTO_CACHE` on CPU and 0 (off) elsewhere. On CUDA a lookup reads its keys and
    stores its vectors on the host, which waits for the device, and the step loop never does
    (the teacher's forward there is a smaller share of the step); pass a size to cache anyway."""
    if size >= 0:
        return size, ""
    if device.type == "cpu":
        return AUTO_CACHE, f"teacher vectors cached ({AUTO_CACHE} sentences at most)"
    return 0, "teacher cache off (auto: --teacher-cache N caches on this device too)"


def make_cache(cfg: AlignConfig) -> TargetCache | None:
    """The run's :class:`TargetCache` (None when ``cfg.teacher_cache`` is 0 or no term reads
    the teacher; -1, not yet resolved for a device, is the CPU's :data:`AUTO_CACHE`)."""
    if cfg.teacher_cache == 0 or max(cfg.teacher_weights) <= 0:
        return None
    return TargetCache(cfg.teacher_cache if cfg.teacher_cache > 0 else AUTO_CACHE)


@torch.no_grad()
def vectors(
    module: Any, ids: torch.Tensor, mask: torch.Tensor, special: torch.Tensor
) -> torch.Tensor:
    """The teacher's pooled vectors of sentences the student's tokenizer made ``ids`` of
    (decoded and re-tokenized when the teacher has its own tokenizer); through the module's
    :class:`TargetCache` when it has one."""
    cache: TargetCache | None = module.target_cache
    if cache is None:
        return _compute(module, ids, mask, special)
    return cache.lookup(ids, mask, special, lambda i, m, s: _compute(module, i, m, s))


def _compute(
    module: Any, ids: torch.Tensor, mask: torch.Tensor, special: torch.Tensor
) -> torch.Tensor:
    if module._tokenizers is not None:
        student_tok, teacher_tok = module._tokenizers
        texts = student_tok.batch_decode(ids, skip_special_tokens=True)
        enc = pivot.tokenize(teacher_tok, texts, module.teacher_max_length)
        ids, mask, special = (enc[k].to(ids.device) for k in enc)
    frozen = module.teacher
    if frozen is None:  # pragma: no cover - only called when a weight > 0 made one
        raise RuntimeError("no teacher")

    def hidden_of(i: torch.Tensor, m: torch.Tensor) -> torch.Tensor:
        return frozen(input_ids=i, attention_mask=m, output_hidden_states=True).hidden_states[
            module.layer
        ]

    groups = resolve_groups(module.length_groups, ids.device)[0]
    return pool_by_length(hidden_of, ids, mask, special, module.pooling, groups)
