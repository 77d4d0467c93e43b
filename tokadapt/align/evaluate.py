"""Periodic sentence-retrieval evaluation during alignment training.

An eval file (``FILE`` or ``FILE:LCODE``) holds one sentence per line, or ``sentence<TAB>
translation`` lines for a parallel set. Two scores, with the same layer and pooling as the
TCM loss and cosine similarity (as TransliCo's evaluation: FAISS L2 on normalized vectors):

* ``rom_top1`` — original ↔ romanization retrieval (mean of both directions),
* ``par_top1`` — sentence ↔ translation retrieval (only for lines with a translation).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import torch
import torch.nn.functional as nnf

import translit
from tokadapt.align.sources import parse_source
from tokadapt.errors import InputFileError


@dataclass
class EvalSet:
    name: str
    texts: list[str]
    romanized: list[str]
    translations: list[str] | None = None


def read_eval(spec: str, max_sentences: int = 1000) -> EvalSet:
    """Read an eval file; romanize it once (lines whose romanization is unchanged are kept)."""
    source = parse_source(spec)
    try:
        lines = [ln.rstrip("\n") for ln in source.path.open(encoding="utf-8") if ln.strip()]
    except FileNotFoundError as exc:
        raise InputFileError(f"eval file {source.path} does not exist") from exc
    lines = lines[:max_sentences]
    if len(lines) < 2:
        raise InputFileError(
            f"eval file {source.path} needs at least 2 non-blank lines, found {len(lines)}"
        )
    cols = [ln.split("\t", 1) for ln in lines]
    texts = [c[0].strip() for c in cols]
    trans = [c[1].strip() for c in cols] if all(len(c) == 2 for c in cols) else None
    roms = translit.Romanizer(source.lang, errors="replace").romanize_batch(texts)
    return EvalSet(source.path.name, texts, roms, trans)


@torch.no_grad()
def encode(
    module: Any, tokenizer: Any, texts: Sequence[str], *, max_length: int, batch_size: int = 64
) -> torch.Tensor:
    """Pooled, L2-normalized vectors of ``texts`` from ``module.embed`` (float32, CPU)."""
    device = next(module.parameters()).device
    was_training = module.training
    module.eval()
    out = []
    for i in range(0, len(texts), batch_size):
        enc = tokenizer(
            list(texts[i : i + batch_size]),
            truncation=True,
            max_length=max_length,
            padding=True,
            return_special_tokens_mask=True,
            return_tensors="pt",
        )
        vec = module.embed(
            enc["input_ids"].to(device),
            enc["attention_mask"].to(device),
            enc["special_tokens_mask"].to(device),
        )
        out.append(nnf.normalize(vec.float(), dim=-1).cpu())
    module.train(was_training)
    return torch.cat(out)


def top1(src: torch.Tensor, tgt: torch.Tensor) -> float:
    """Fraction of rows ``i`` of ``src`` whose most similar row of ``tgt`` is ``i``."""
    sim = src @ tgt.T
    return float((sim.argmax(dim=1) == torch.arange(len(src))).float().mean())


def evaluate(
    module: Any, tokenizer: Any, sets: Sequence[EvalSet], max_length: int
) -> dict[str, float]:
    """Scores per eval set, keyed ``NAME/rom_top1`` and ``NAME/par_top1``."""
    scores: dict[str, float] = {}
    for s in sets:
        a = encode(module, tokenizer, s.texts, max_length=max_length)
        b = encode(module, tokenizer, s.romanized, max_length=max_length)
        scores[f"{s.name}/rom_top1"] = (top1(a, b) + top1(b, a)) / 2
        if s.translations is not None:
            c = encode(module, tokenizer, s.translations, max_length=max_length)
            scores[f"{s.name}/par_top1"] = (top1(a, c) + top1(c, a)) / 2
    return scores


def eval_sets_from(specs: Sequence[str] | None, max_sentences: int) -> list[EvalSet]:
    return [read_eval(s, max_sentences) for s in specs or []]
