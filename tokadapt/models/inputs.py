"""Turn what users hold — a path, a Hub id, a ``transformers`` or ``tokenizers`` object — into
a directory the file-based stages read.

Objects are saved into a scratch directory (``save_pretrained`` / ``Tokenizer.save``); a string
that is not an existing path is a Hub id, resolved through ``huggingface_hub`` (its cache first,
the network when allowed). Offline and not cached: an error that names the cache and the fix.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from tokadapt.errors import InputFileError, require


def resolve_hub_id(repo_id: str) -> Path:
    """The local snapshot of a Hub repository (downloaded when the Hub is reachable)."""
    hub: Any = require("huggingface_hub", "hf", "huggingface_hub")
    from huggingface_hub import constants

    cache = constants.HF_HUB_CACHE
    offline = os.environ.get("HF_HUB_OFFLINE", "0") not in ("0", "", "false", "False")
    try:
        return Path(hub.snapshot_download(repo_id, local_files_only=offline))
    except Exception as exc:  # huggingface_hub raises many types (offline, 404, network)
        raise InputFileError(
            f"{repo_id!r} is neither an existing path nor a Hugging Face Hub repository found in "
            f"the cache {cache} (HF_HUB_OFFLINE={int(offline)}; {type(exc).__name__}: {exc}). "
            "Fix: pass a local directory, or download it first (huggingface-cli download "
            f"{repo_id}) with network access"
        ) from exc


def as_path(value: str | os.PathLike[str]) -> Path:
    path = Path(value)
    if path.exists():
        return path
    text = str(value)
    if text.count("/") == 1 and not text.startswith((".", "/")):
        return resolve_hub_id(text)
    raise InputFileError(f"{text} does not exist (not a file, directory or Hub id owner/name)")


def tokenizer_dir(tokenizer: Any, scratch: Path) -> Path:
    """A directory (or file) holding ``tokenizer``: path, Hub id, ``PreTrainedTokenizerFast``
    or ``tokenizers.Tokenizer``."""
    if isinstance(tokenizer, (str, os.PathLike)):
        return as_path(tokenizer)
    out = scratch / "tokenizer"
    out.mkdir(parents=True, exist_ok=True)
    if hasattr(tokenizer, "save_pretrained"):
        if not getattr(tokenizer, "is_fast", True):
            raise InputFileError(
                f"{type(tokenizer).__name__} is a slow tokenizer; pass its fast version "
                "(AutoTokenizer.from_pretrained(..., use_fast=True)) or its directory"
            )
        tokenizer.save_pretrained(str(out))
        return out
    if hasattr(tokenizer, "to_str") and hasattr(tokenizer, "save"):
        tokenizer.save(str(out / "tokenizer.json"))
        return out
    raise InputFileError(
        f"tokenizer must be a path, a Hub id, a PreTrainedTokenizerFast or a tokenizers.Tokenizer; "
        f"got {type(tokenizer).__name__}"
    )


def model_dir(model: Any, scratch: Path) -> Path:
    """A checkpoint directory for ``model``: path, Hub id or ``PreTrainedModel``."""
    if isinstance(model, (str, os.PathLike)):
        return as_path(model)
    if hasattr(model, "save_pretrained") and hasattr(model, "config"):
        out = scratch / "model"
        model.save_pretrained(str(out))
        return out
    raise InputFileError(
        "model must be a path, a Hub id or a transformers PreTrainedModel; "
        f"got {type(model).__name__}"
    )
