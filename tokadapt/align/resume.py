"""The run state of a :class:`~tokadapt.align.trainer.Trainer` in its checkpoints.

A checkpoint holds the model, optimizer, scheduler and grad-scaler states, every rank's RNG
state, the data position (``chunk``: the next global batch), the keep-best selector (best step,
scores, patience, and its weights as ``best.safetensors``) and the config the run was started
with. Restoring one puts a run back exactly where it was: the same samples in the same order,
the same random draws. Settings in :data:`FREE_ON_RESUME` may change on resume without
breaking that; a change of any other setting is allowed but logged as a warning.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

import torch

from tokadapt.align import checkpoint, distributed
from tokadapt.errors import ConfigError

if TYPE_CHECKING:
    from tokadapt.align.trainer import Trainer

log = logging.getLogger(__name__)
FREE_ON_RESUME = {
    "steps",
    "log_every",
    "eval_every",
    "save_every",
    "keep_checkpoints",
    "num_workers",
    "eval_max_sentences",
    "compile",
    "grad_checkpointing",
    "peak_flops",
    "log_samples",
    "teacher_cache",
    "length_groups",
}


def restore(t: Trainer, path: Path) -> None:
    """Load checkpoint ``path`` into ``t`` (same world size and batch size required)."""
    ck = checkpoint.load(path)
    state = ck["state"]
    if state.get("world_size") != t.dist.world_size or state.get("batch_size") != t.cfg.batch_size:
        raise ConfigError(
            f"checkpoint {path} was written with world size "
            f"{state.get('world_size')} and batch size "
            f"{state.get('batch_size')}; resume with the same values "
            f"(now {t.dist.world_size} and {t.cfg.batch_size})"
        )
    _warn_changed(path, state.get("config", {}), t)
    checkpoint.load_module_state(t.module, ck["model"])
    best = checkpoint.load_extra(path, "best")
    t.selector.load_state(state.get("selector"), best, t.module.hf_model)
    t.optimizer.load_state_dict(ck["optim"]["optimizer"])
    t.scheduler.load_state_dict(ck["optim"]["scheduler"])
    t.scaler.load_state_dict(ck["optim"]["scaler"])
    checkpoint.set_rng_state(ck["rng"][t.dist.rank])
    t.step, t.chunk = int(state["step"]), int(state["chunk"])
    log.info("resumed from %s at step %d (data chunk %d)", path, t.step, t.chunk)


def _warn_changed(path: Path, saved: dict[str, object], t: Trainer) -> None:
    changed = sorted(
        k for k, v in t.cfg.to_dict().items() if k not in FREE_ON_RESUME and saved.get(k, v) != v
    )
    if changed:
        log.warning(
            "resuming %s with changed settings %s: the run will not match an uninterrupted one",
            path,
            {k: (saved[k], getattr(t.cfg, k)) for k in changed},
        )


def save(t: Trainer) -> None:
    """Write checkpoint ``t.step`` (rank 0 writes; every rank's RNG state is gathered)."""
    rngs = [checkpoint.rng_state()]
    if distributed.is_active():
        rngs = [None] * t.dist.world_size  # type: ignore[list-item]
        torch.distributed.all_gather_object(rngs, checkpoint.rng_state())
    if t.dist.is_main:
        optim = {
            "optimizer": t.optimizer.state_dict(),
            "scheduler": t.scheduler.state_dict(),
            "scaler": t.scaler.state_dict(),
        }
        state = {
            "chunk": t.chunk,
            "world_size": t.dist.world_size,
            "batch_size": t.cfg.batch_size,
            "config": t.cfg.to_dict(),
            "selector": t.selector.to_json(),
        }
        checkpoint.save(
            t.work / "checkpoints",
            t.step,
            module=t.module,
            optim=optim,
            rng_states=rngs,
            state=state,
            keep=t.cfg.keep_checkpoints,
            extra={"best": t.selector.weights_to_save(t.module.hf_model)},
        )
    distributed.barrier()
