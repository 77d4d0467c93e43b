"""Script-barrier diagnostic: does a model embed a word's original script near its romanization?

For each non-Latin script in a model's vocabulary, take word-initial pieces (``▁Москва``),
romanize them with ``translit`` (``▁Moskva``), and run BLI between the pieces' own input
embeddings and the static vectors of their romanized twins (mean of the twins' subword
embeddings under the same tokenizer). P@1 near 1 means the script barrier is gone (what
TransMI's merged vocabulary and TransliCo's contrastive alignment aim for).
"""

from __future__ import annotations

import logging
import os
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import numpy as np

from tokadapt.bli import static
from tokadapt.data.scripts import COMMON, char_script, script_name, text_script
from tokadapt.errors import ConfigError
from tokadapt.eval import scoring
from tokadapt.eval.normalize import unit
from tokadapt.eval.signature import signature
from tokadapt.io.tensors import input_embeddings
from tokadapt.io.tokenizer import load_tokenizer

log = logging.getLogger(__name__)
MARKER = "\u2581"


def script_of(text: str) -> str | None:
    """ICU's script name (``Cyrillic``, ``Greek``, ``Han`` …) of ``text``, None if no letter."""
    script = text_script(text)
    return None if script == COMMON else script


def candidates(vocab: dict[str, int], min_chars: int = 2) -> dict[str, list[tuple[str, int]]]:
    """Word-initial non-Latin pieces grouped by script, sorted by id (frequency order)."""
    groups: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for piece, pid in sorted(vocab.items(), key=lambda kv: kv[1]):
        body = piece[1:] if piece.startswith(MARKER) else None
        if body is None or len(body) < min_chars or not all(c.isalpha() for c in body):
            continue
        script = script_of(body)
        if script and script != "Latin" and all(char_script(c) == script for c in body):
            groups[script].append((piece, pid))
    return groups


def _retrieval_scores(
    a: np.ndarray, b: np.ndarray, retrieval: str, backend: str
) -> dict[str, float]:
    top = scoring.translate(
        unit(a), unit(b), None, min(10, len(b)), retrieval=retrieval, backend=backend
    ).indices
    hit = top == np.arange(len(a))[:, None]
    return {
        "p@1": 100.0 * float(hit[:, :1].any(1).mean()),
        "p@10": 100.0 * float(hit.any(1).mean()),
    }


def script_barrier(
    model_dir: str | os.PathLike[str],
    *,
    per_script: int = 1000,
    min_pieces: int = 50,
    scripts: Sequence[str] | None = None,
    retrievals: Sequence[str] = ("nn", "csls"),
    backend: str = "auto",
    scheme: str = "uroman",
) -> dict[str, Any]:
    """Per script: P@1/P@10 original->romanized and back, and the mean piece/twin cosine."""
    from translit import make_romanizer

    for r in retrievals:
        if r not in scoring.RETRIEVALS:
            raise ConfigError(f"retrieval must be in {scoring.RETRIEVALS}, got {r!r}")
    tokenizer = load_tokenizer(model_dir)
    matrix = input_embeddings(model_dir)
    groups = candidates(tokenizer.get_vocab())
    wanted = {script_name(s) for s in scripts} if scripts else None
    romanizer = make_romanizer(scheme)
    out: dict[str, Any] = {}
    for script, items in sorted(groups.items()):
        if wanted is not None and script not in wanted:
            continue
        items = items[: 2 * per_script]  # the most frequent; enough survive the filters
        pieces = [p for p, _ in items]
        twins = romanizer.romanize_vocab(pieces)
        keep = [i for i, t in enumerate(twins) if t[1:].isascii() and any(c.isalpha() for c in t)]
        first = {twins[i]: i for i in reversed(keep)}  # one piece per romanization
        keep = sorted(first.values())[:per_script]
        if len(keep) < min_pieces:
            continue
        orig = matrix[[items[i][1] for i in keep]]
        twin_ids = static.subword_ids(tokenizer, [twins[i][1:] for i in keep])
        rom = static.mean_rows(matrix, twin_ids, str(model_dir))
        row: dict[str, Any] = {
            "pieces": len(keep),
            "examples": [f"{pieces[i]}->{twins[i]}" for i in keep[:3]],
        }
        row["cosine"] = float((unit(orig) * unit(rom)).sum(1).mean())
        for r in retrievals:
            row[f"{r}:orig->rom"] = _retrieval_scores(orig, rom, r, backend)
            row[f"{r}:rom->orig"] = _retrieval_scores(rom, orig, r, backend)
        out[script] = row
        log.info("%s: %d pieces, mean cosine %.3f", script, len(keep), row["cosine"])
    fields = {
        "model": os.fspath(model_dir),
        "per_script": per_script,
        "retrieval": list(retrievals),
        "backend": backend,
        "scheme": scheme,
    }
    return {"scripts": out, "signature": signature("script-barrier", fields)}
