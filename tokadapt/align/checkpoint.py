"""Atomic, verifiable training checkpoints for exact resumption.

A checkpoint is a directory ``OUT/checkpoints/step-NNNNNNN`` written through
:func:`tokadapt.io.outputs.atomic_dir` (a crash leaves no half-written checkpoint):

* ``model.pt`` — state dict of the alignment module (HF model + TCM head),
* ``optim.pt`` — optimizer, LR scheduler and fp16 grad-scaler states,
* ``rng.pt`` — Python, NumPy, torch CPU and CUDA generator states of *every* rank,
* ``state.json`` — step, next data chunk, world size, config, and the SHA-256 of the files above.

Loading verifies the checksums first: a truncated or edited checkpoint raises
:class:`InputFileError` naming the file, and nothing in the output directory is changed.
"""

from __future__ import annotations

import json
import logging
import random
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import torch

from tokadapt.errors import InputFileError
from tokadapt.io.hashing import sha256_file as _sha256
from tokadapt.io.outputs import atomic_dir

log = logging.getLogger(__name__)
FILES = ("model.pt", "optim.pt", "rng.pt")


def rng_state() -> dict[str, Any]:
    state: dict[str, Any] = {
        "python": random.getstate(),
        "numpy": np.random.get_state(),
        "torch": torch.get_rng_state(),
    }
    if torch.cuda.is_available():
        state["cuda"] = torch.cuda.get_rng_state_all()
    return state


def set_rng_state(state: dict[str, Any]) -> None:
    random.setstate(state["python"])
    np.random.set_state(state["numpy"])
    torch.set_rng_state(state["torch"])
    if "cuda" in state and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state["cuda"])


def save(
    root: Path,
    step: int,
    *,
    module: torch.nn.Module,
    optim: dict[str, Any],
    rng_states: list[dict[str, Any]],
    state: dict[str, Any],
    keep: int = 2,
) -> Path:
    """Write checkpoint ``step`` under ``root`` atomically and prune all but the last ``keep``."""
    root.mkdir(parents=True, exist_ok=True)
    target = root / f"step-{step:07d}"
    with atomic_dir(target, overwrite=True) as tmp:
        torch.save(module.state_dict(), tmp / "model.pt")
        torch.save(optim, tmp / "optim.pt")
        torch.save(rng_states, tmp / "rng.pt")
        meta = dict(state, step=step, sha256={f: _sha256(tmp / f) for f in FILES})
        (tmp / "state.json").write_text(
            json.dumps(meta, indent=2, sort_keys=True) + "\n", encoding="utf-8"
        )
    if keep > 0:
        for old in list_checkpoints(root)[:-keep]:
            shutil.rmtree(old, ignore_errors=True)
    log.info("saved checkpoint %s", target)
    return target


def list_checkpoints(root: Path) -> list[Path]:
    if not root.is_dir():
        return []
    return sorted(p for p in root.glob("step-*") if p.is_dir() and p.name[5:].isdigit())


def latest(root: Path) -> Path:
    found = list_checkpoints(root)
    if not found:
        raise InputFileError(
            f"--resume: no checkpoint under {root}; start without --resume "
            "or point --resume at a step-NNNNNNN directory"
        )
    return found[-1]


def load(path: Path) -> dict[str, Any]:
    """Read and verify a checkpoint; returns ``state`` plus ``model``/``optim``/``rng`` objects."""
    meta_file = path / "state.json"
    try:
        meta: dict[str, Any] = json.loads(meta_file.read_text(encoding="utf-8"))
        sums = meta["sha256"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise InputFileError(
            f"checkpoint {path} is corrupt or incomplete: cannot read "
            f"{meta_file} ({exc}); resume from an earlier step-* directory "
            "or start a new run"
        ) from exc
    for name in FILES:
        file = path / name
        if not file.is_file() or _sha256(file) != sums.get(name):
            raise InputFileError(
                f"checkpoint {path} is corrupt: {name} is missing or its "
                "SHA-256 does not match state.json; resume from an earlier "
                "step-* directory (delete this one) or start a new run"
            )
    try:
        loaded = {
            name[:-3]: torch.load(path / name, map_location="cpu", weights_only=False)
            for name in FILES
        }
    except Exception as exc:  # torch raises many types for bad pickles
        raise InputFileError(f"checkpoint {path} cannot be loaded: {exc}") from exc
    loaded["state"] = meta
    return loaded
