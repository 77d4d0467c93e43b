"""Check an extended ``tokenizer.json`` against its input, id by id, through ``tokenizers``.

Every id of the output is checked, not a sample: each string the original tokenizer knows
(model vocabulary, special, added, control and reserved tokens) must map to the same id in the
output as in the input (both loaded by the real ``tokenizers`` library, which renumbers added
tokens on load), every new piece must sit at the id the manifest gives it, and no other string
may appear (so no old id and no hole in the id space is reused).
"""

from __future__ import annotations

import json
from typing import Any

from tokadapt.errors import InputFileError
from tokadapt.vocab.manifest import Manifest


def _load(raw: str) -> Any:
    from tokenizers import Tokenizer

    return Tokenizer.from_str(raw)


def id_mismatches(before: Any, after: Any, manifest: Manifest) -> list[str]:
    """Human-readable differences (empty when the output is a faithful extension)."""
    old: dict[str, int] = before.get_vocab(with_added_tokens=True)
    new: dict[str, int] = after.get_vocab(with_added_tokens=True)
    bad = [f"{s!r}: id {i} -> {new.get(s)}" for s, i in old.items() if new.get(s) != i]
    bad += [
        f"new {p.piece!r}: id {p.id} -> {new.get(p.piece)}"
        for p in manifest.new_pieces
        if new.get(p.piece) != p.id
    ]
    if len(new) != len(old) + len(manifest.new_pieces):  # a string at an old id or a hole
        extra = set(new) - set(old) - {p.piece for p in manifest.new_pieces}
        count = f"{len(old)} + {len(manifest.new_pieces)}"
        bad.append(f"{len(new)} strings, expected {count}: {sorted(extra)[:3]}")
    return bad


def validate_extension(tokjson: dict[str, Any], raw: bytes, manifest: Manifest) -> None:
    """Raise when ``raw`` (the output tokenizer.json) moves or loses any id of ``tokjson``."""
    before = _load(json.dumps(tokjson, ensure_ascii=False))
    after = _load(raw.decode("utf-8"))
    bad = id_mismatches(before, after, manifest)
    if bad:
        raise InputFileError(
            f"internal: the extended tokenizer does not keep every id ({len(bad)} mismatches, "
            f"e.g. {'; '.join(bad[:5])}); nothing was written. Please report this"
        )
