"""Carry the model's own tokenizer settings over to the adapted checkpoint.

An extended tokenizer made from a bare ``tokenizer.json`` knows nothing about the model it
belongs to: no ``model_max_length`` (so ``truncation=True`` does not truncate and a 512-position
model crashes), no ``tokenizer_class``, no chat template. Every id of the original tokenizer is
kept by the extension, so every such setting of the model's tokenizer is still valid: its
``tokenizer_config.json`` keys win over what the extension wrote, and its special-tokens map and
chat template are copied when the extension has none.
"""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

CONFIG = "tokenizer_config.json"
SIDE_FILES = ("special_tokens_map.json", "chat_template.jinja", "chat_template.json")
#: keys that describe where a tokenizer was loaded from, not the tokenizer
_LOCAL_KEYS = ("is_local", "local_files_only", "name_or_path", "_name_or_path")


def _read(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    return data if isinstance(data, dict) else {}


def merged_config(model_cfg: dict[str, Any], ext_cfg: dict[str, Any]) -> dict[str, Any]:
    merged = {**ext_cfg, **{k: v for k, v in model_cfg.items() if k not in _LOCAL_KEYS}}
    decoder = dict(ext_cfg.get("added_tokens_decoder") or {})
    decoder.update(model_cfg.get("added_tokens_decoder") or {})
    if decoder:
        merged["added_tokens_decoder"] = dict(sorted(decoder.items(), key=lambda kv: int(kv[0])))
    return merged


def carry_tokenizer_settings(model_dir: Path, out: Path) -> list[str]:
    """Merge ``model_dir``'s tokenizer settings into the tokenizer files in ``out``; returns
    the keys and files carried over."""
    carried: list[str] = []
    model_cfg = _read(model_dir / CONFIG)
    ext_cfg = _read(out / CONFIG)
    merged = merged_config(model_cfg, ext_cfg)
    carried += sorted(k for k in merged if merged.get(k) != ext_cfg.get(k))
    if merged:
        text = json.dumps(merged, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
        (out / CONFIG).write_text(text, encoding="utf-8")
    for name in SIDE_FILES:
        if (model_dir / name).is_file() and not (out / name).is_file():
            shutil.copyfile(model_dir / name, out / name)
            carried.append(name)
    if carried:
        log.info("carried the model's tokenizer settings over: %s", ", ".join(carried))
    return carried
