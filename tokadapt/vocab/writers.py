"""Write the extended tokenizer: ``tokenizer.json`` per family, ``vocab.txt``, configs.

Old ids never change: new pieces are appended after every existing id (special tokens
included). The files are written into a directory that :func:`tokadapt.io.outputs.atomic_dir`
moves into place only when everything succeeded.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tokadapt.io.outputs import atomic_file
from tokadapt.vocab.source import CARRIED, TokenizerSource

_SPECIAL_ROLES = {
    "<s>": ("bos_token", "cls_token"),
    "</s>": ("eos_token", "sep_token"),
    "<unk>": ("unk_token",),
    "<pad>": ("pad_token",),
    "<mask>": ("mask_token",),
    "[CLS]": ("cls_token",),
    "[SEP]": ("sep_token",),
    "[UNK]": ("unk_token",),
    "[PAD]": ("pad_token",),
    "[MASK]": ("mask_token",),
    "<|endoftext|>": ("eos_token",),
}


def dump_json(data: dict[str, Any]) -> bytes:
    """Compact, deterministic UTF-8 JSON (the format ``tokenizers`` itself reads)."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def write_bytes(path: Path, data: bytes) -> None:
    with atomic_file(path, "wb") as handle:
        handle.write(data)


def special_tokens(src: TokenizerSource) -> dict[str, str]:
    """``special_tokens_map.json`` content derived from the special added tokens."""
    found: dict[str, str] = {}
    for tok in src.tokjson.get("added_tokens", []):
        if not tok.get("special"):
            continue
        for role in _SPECIAL_ROLES.get(tok["content"], ()):
            found.setdefault(role, tok["content"])
    return dict(sorted(found.items()))


def write_configs(src: TokenizerSource, out: Path) -> list[str]:
    """Carry ``tokenizer_config.json``/``special_tokens_map.json`` over, or generate them so
    ``transformers.AutoTokenizer.from_pretrained(out)`` loads the fast tokenizer offline."""
    written = []
    for name in CARRIED:
        if name in src.carried:
            write_bytes(out / name, src.carried[name])
            written.append(name)
    specials = special_tokens(src)
    if "tokenizer_config.json" not in src.carried:
        config: dict[str, Any] = {
            "tokenizer_class": "PreTrainedTokenizerFast",
            "clean_up_tokenization_spaces": False,
            **specials,
        }
        write_bytes(out / "tokenizer_config.json", _pretty(config))
        written.append("tokenizer_config.json")
    if "special_tokens_map.json" not in src.carried:
        write_bytes(out / "special_tokens_map.json", _pretty(specials))
        written.append("special_tokens_map.json")
    return written


def _pretty(obj: Any) -> bytes:
    return (json.dumps(obj, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")
