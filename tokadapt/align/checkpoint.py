"""Atomic, verifiable, pickle-free training checkpoints for exact resumption.

A checkpoint is a directory ``RUN/checkpoints/step-NNNNNNN`` written through
:func:`tokadapt.io.outputs.atomic_dir` (a crash leaves no half-written checkpoint). Like the
Hugging Face Trainer's, it is a model directory that ``AutoModel.from_pretrained`` loads, with
the training state beside it:

* ``config.json`` + ``model.safetensors`` — the Hugging Face model (``save_pretrained``; tied
  weights stored once),
* ``align_head.safetensors`` — the alignment module's own parameters (the TCM temperature),
* ``optimizer.json`` + ``optimizer.safetensors`` — optimizer, LR scheduler and fp16 grad-scaler
  state (:mod:`tokadapt.align.state_codec`: JSON structure + tensors; AdamW moments of embedding
  rows that never got a gradient are not stored),
* ``rng.json`` + ``rng.safetensors`` — Python, NumPy, torch CPU and CUDA generator states of
  *every* rank,
* ``best.safetensors`` — with keep-best, the best weights so far where they differ from this
  checkpoint's (:mod:`tokadapt.align.selection`; its other state is in ``state.json``),
* ``state.json`` — step, next data chunk, world size, config and the SHA-256 of every file above.

Nothing is ever unpickled: a checkpoint in the old ``*.pt`` format is refused, and a file that is
not safetensors/JSON fails to parse (it cannot run code). Loading verifies the checksums first: a
truncated or edited checkpoint raises :class:`InputFileError` naming the file.
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

from tokadapt.align import state_codec
from tokadapt.errors import InputFileError
from tokadapt.io.hashing import sha256_file as _sha256
from tokadapt.io.outputs import atomic_dir

log = logging.getLogger(__name__)
HEAD = "align_head.safetensors"
LEGACY = ("model.pt", "optim.pt", "rng.pt")


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


def _save_module(module: torch.nn.Module, tmp: Path) -> None:
    from safetensors.torch import save_file

    hf_model: Any = module.hf_model
    hf_model.save_pretrained(tmp, safe_serialization=True)
    head = {
        k: v.detach().cpu().contiguous().clone()
        for k, v in module.state_dict().items()
        if not k.startswith("hf_model.")
    }
    save_file(head, str(tmp / HEAD), metadata={"format": "pt"})


def save(
    root: Path,
    step: int,
    *,
    module: torch.nn.Module,
    optim: dict[str, Any],
    rng_states: list[dict[str, Any]],
    state: dict[str, Any],
    keep: int = 2,
    extra: dict[str, dict[str, torch.Tensor]] | None = None,
) -> Path:
    """Write checkpoint ``step`` under ``root`` atomically and prune all but the last ``keep``;
    ``extra`` names further tensor files (``NAME.safetensors``, checksummed like the rest)."""
    from safetensors.torch import save_file

    root.mkdir(parents=True, exist_ok=True)
    target = root / f"step-{step:07d}"
    with atomic_dir(target, overwrite=True) as tmp:
        _save_module(module, tmp)
        for name, tensors in (extra or {}).items():
            if tensors:
                save_file(tensors, str(tmp / f"{name}.safetensors"), metadata={"format": "pt"})
        state_codec.save(optim, tmp, "optimizer")
        state_codec.save(rng_states, tmp, "rng")
        files = sorted(p.name for p in tmp.iterdir() if p.is_file())
        meta = dict(state, step=step, sha256={f: _sha256(tmp / f) for f in files})
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


def _read_meta(path: Path) -> dict[str, Any]:
    if any((path / name).exists() for name in LEGACY) and not (path / "state.json").exists():
        raise InputFileError(_legacy_message(path))
    meta_file = path / "state.json"
    try:
        meta: dict[str, Any] = json.loads(meta_file.read_text(encoding="utf-8"))
        sums = meta["sha256"]
        if not isinstance(sums, dict):
            raise TypeError("sha256 is not an object")
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise InputFileError(
            f"checkpoint {path} is corrupt or incomplete: cannot read "
            f"{meta_file} ({exc}); resume from an earlier step-* directory "
            "or start a new run"
        ) from exc
    if any(name in sums for name in LEGACY):
        raise InputFileError(_legacy_message(path))
    return meta


def _legacy_message(path: Path) -> str:
    return (
        f"checkpoint {path} is in the old pickle format (model.pt/optim.pt/rng.pt); tokadapt "
        "no longer unpickles checkpoints because a pickle can run code. Start a new run (or "
        "resume with the tokadapt version that wrote it)"
    )


def load(path: Path) -> dict[str, Any]:
    """Read and verify a checkpoint; returns ``state`` plus ``model``/``optim``/``rng`` objects."""
    from safetensors.torch import load_file

    meta = _read_meta(path)
    sums = meta["sha256"]
    needed = ("config.json", "model.safetensors", HEAD, "optimizer.json", "optimizer.safetensors")
    for name in sorted(set(sums) | set(needed) | {"rng.json", "rng.safetensors"}):
        file = path / name
        if not file.is_file() or _sha256(file) != sums.get(name):
            raise InputFileError(
                f"checkpoint {path} is corrupt: {name} is missing or its "
                "SHA-256 does not match state.json; resume from an earlier "
                "step-* directory (delete this one) or start a new run"
            )
    try:
        model = {f"hf_model.{k}": v for k, v in load_file(str(path / "model.safetensors")).items()}
        model.update(load_file(str(path / HEAD)))
    except Exception as exc:  # safetensors raises its own error types for bad headers
        raise InputFileError(f"checkpoint {path} cannot be loaded: {exc}") from exc
    return {
        "model": model,
        "optim": state_codec.load(path, "optimizer"),
        "rng": state_codec.load(path, "rng"),
        "state": meta,
    }


def load_extra(path: Path, name: str) -> dict[str, torch.Tensor]:
    """The tensors of ``NAME.safetensors`` in checkpoint ``path`` (empty when it has none);
    call after :func:`load`, which verified its checksum."""
    from safetensors.torch import load_file

    file = path / f"{name}.safetensors"
    if not file.is_file():
        return {}
    try:
        return load_file(str(file))
    except Exception as exc:  # safetensors raises its own error types for bad headers
        raise InputFileError(f"checkpoint {path}: {file.name} cannot be loaded: {exc}") from exc


def load_module_state(module: torch.nn.Module, state: dict[str, torch.Tensor]) -> None:
    """``load_state_dict`` that accepts the tied copies ``save_pretrained`` leaves out."""
    missing, unexpected = module.load_state_dict(state, strict=False)
    current = module.state_dict()
    loaded_ptrs = {current[k].data_ptr() for k in state if k in current}
    untied = [k for k in missing if current[k].data_ptr() not in loaded_ptrs]
    if untied or unexpected:
        raise InputFileError(
            f"checkpoint does not fit the model: missing {untied[:5]}, unexpected "
            f"{list(unexpected)[:5]}; resume with the --model the run started from"
        )
