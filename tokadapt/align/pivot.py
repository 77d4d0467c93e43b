"""Pivot sentences kept where the teacher has them (the ``distill`` recipe's third term).

Aligning romanized text moves every Latin piece it touches, and English is made of the same
pieces: pulling romanized sentences towards the teacher's original-script vectors also moves
English sentences, and original → English retrieval falls (notes of issue #13). The pivot term
holds them: every step a few pivot sentences (English) are encoded by the student and pulled
to the frozen teacher's vectors of the same sentences, ``pivot_weight * D(student(p),
teacher(p))``.

The sentences come from ``pivot`` files (one sentence per line; of a file with
``text<TAB>translation`` lines the last column of those lines, i.e. the translation column of
parallel training data) or, without one, from the translation column of the training files
when they have one (:func:`auto_pivot`), else from the built-in English sample
(:mod:`tokadapt.align.pivot_sample`). The teacher's vectors
are computed once when the run starts (the teacher is frozen); a persistent ``cursor`` buffer
walks a seeded permutation of the sentences, so a resumed run continues with the same rows.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import torch
from torch import nn

from tokadapt.align.loss import pool
from tokadapt.align.sentences import unique
from tokadapt.errors import InputFileError

log = logging.getLogger(__name__)
#: at most this many pivot sentences are used (their teacher vectors are kept in memory)
MAX_PIVOT = 4096


def read_pivot(paths: Sequence[str | Path], exclude: frozenset[str] = frozenset()) -> list[str]:
    """Pivot sentences of ``paths`` (see module docstring), near-duplicates and the sentences
    in ``exclude`` (held-out dev lines) dropped; the built-in English sample when ``paths`` is
    empty. Files are streamed and reading stops at ``MAX_PIVOT`` distinct sentences (a training
    corpus can be the pivot file)."""
    if not paths:
        from tokadapt.align.pivot_sample import ENGLISH

        return list(ENGLISH)

    def every_file() -> Iterator[str]:
        for path in map(Path, paths):
            try:
                yield from (line for line in _pivot_lines(path) if line not in exclude)
            except FileNotFoundError as exc:
                raise InputFileError(f"pivot file {path} does not exist") from exc
            except UnicodeDecodeError as exc:
                raise InputFileError(f"pivot file {path} is not UTF-8 text: {exc}") from exc

    out = list(itertools.islice(unique(every_file()), MAX_PIVOT + 1))
    if len(out) < 2:
        raise InputFileError(
            f"pivot files {[str(p) for p in paths]} hold {len(out)} distinct sentence(s); "
            "give at least 2 (one sentence per line, or the translation after a tab)"
        )
    if len(out) > MAX_PIVOT:
        log.info("pivot: using the first %d distinct sentences", MAX_PIVOT)
    return out[:MAX_PIVOT]


def _pivot_lines(path: Path) -> Iterator[str]:
    """A file's sentences; of a file with tab lines (a TSV) only their translation column."""
    tabbed = _has_tab(path)
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip() and ("\t" in line or not tabbed):
                yield line.rsplit("\t", 1)[-1].strip()


def auto_pivot(cfg: Any, sources: Sequence[Any]) -> tuple[Any, str]:
    """With a pivot term and no pivot files given: the training text files that carry
    translations (``text<TAB>translation`` lines) become the pivot files. Returns the config
    and a note for the recipe line ("" when nothing was chosen)."""
    import dataclasses

    if cfg.pivot_weight <= 0 or cfg.pivot or "pivot" in cfg.explicit:
        return cfg, ""
    files = [s.path for s in sources if isinstance(getattr(s, "path", None), Path)]
    with_tr = [str(f) for f in files if f.is_file() and _has_tab(f)]
    if not with_tr:
        return cfg, ""
    note = f"pivot sentences: the translation column of {len(with_tr)} training file(s)"
    return dataclasses.replace(cfg, pivot=with_tr), note


def _has_tab(path: Path) -> bool:
    """Whether any line holds a tab (stops at the first)."""
    with path.open(encoding="utf-8", errors="replace") as handle:
        return any("\t" in line for line in handle)


class PivotSet(nn.Module):
    """Tokenized pivot sentences with the teacher's vectors; :meth:`take` gives a batch."""

    input_ids: torch.Tensor
    attention_mask: torch.Tensor
    special: torch.Tensor
    targets: torch.Tensor
    order: torch.Tensor
    cursor: torch.Tensor

    def __init__(
        self, enc: dict[str, torch.Tensor], targets: torch.Tensor, batch_size: int, seed: int
    ) -> None:
        super().__init__()
        n = int(targets.shape[0])
        self.batch_size = max(1, min(batch_size, n))
        self.register_buffer("input_ids", enc["input_ids"], persistent=False)
        self.register_buffer("attention_mask", enc["attention_mask"], persistent=False)
        self.register_buffer("special", enc["special_tokens_mask"], persistent=False)
        self.register_buffer("targets", targets, persistent=False)
        order = torch.randperm(n, generator=torch.Generator().manual_seed(seed))
        self.register_buffer("order", order, persistent=False)
        self.register_buffer("cursor", torch.zeros((), dtype=torch.long))

    def __len__(self) -> int:
        return int(self.targets.shape[0])

    def take(self) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
        """The next ``batch_size`` rows ``(ids, mask, special, targets)``, trimmed to their
        longest row; the cursor moves only in training mode (a dry or eval forward does not)."""
        n = len(self)
        pos = (self.cursor + torch.arange(self.batch_size, device=self.order.device)) % n
        rows = self.order[pos]
        if self.training:
            self.cursor.add_(self.batch_size).remainder_(n)
        mask = self.attention_mask[rows]
        width = int(mask.sum(dim=1).max())
        return (
            self.input_ids[rows, :width],
            mask[:, :width],
            self.special[rows, :width],
            self.targets[rows],
        )


def tokenize(tokenizer: Any, texts: Sequence[str], max_length: int) -> dict[str, torch.Tensor]:
    """Padded ids, mask and special-token mask (1 also at padding) of ``texts``."""
    enc = tokenizer(
        list(texts),
        truncation=True,
        max_length=max_length,
        padding=True,
        return_special_tokens_mask=True,
        return_tensors="pt",
    )
    special = enc["special_tokens_mask"].bool() | ~enc["attention_mask"].bool()
    return {
        "input_ids": enc["input_ids"],
        "attention_mask": enc["attention_mask"],
        "special_tokens_mask": special.to(torch.uint8),
    }


@torch.no_grad()
def teacher_vectors(
    teacher: Any, enc: dict[str, torch.Tensor], layer: int, pooling: Any, batch: int = 32
) -> torch.Tensor:
    """Pooled vectors of the teacher at ``layer`` for every row of ``enc`` (float32, CPU)."""
    out = []
    for lo in range(0, enc["input_ids"].shape[0], batch):
        ids = enc["input_ids"][lo : lo + batch]
        mask = enc["attention_mask"][lo : lo + batch]
        hidden = teacher(input_ids=ids, attention_mask=mask, output_hidden_states=True)
        vec = pool(
            hidden.hidden_states[layer], mask, enc["special_tokens_mask"][lo : lo + batch], pooling
        )
        out.append(vec.float().cpu())
    return torch.cat(out)


def build(
    texts: Sequence[str],
    student_tokenizer: Any,
    teacher: Any,
    teacher_tokenizer: Any,
    *,
    layer: int,
    pooling: Any,
    max_length: int,
    batch_size: int,
    seed: int,
) -> PivotSet:
    """The :class:`PivotSet` of ``texts``: student ids and the teacher's target vectors."""
    targets = teacher_vectors(
        teacher, tokenize(teacher_tokenizer, texts, max_length), layer, pooling
    )
    log.info("pivot: %d sentences, %d per step", len(texts), min(batch_size, len(texts)))
    return PivotSet(tokenize(student_tokenizer, texts, max_length), targets, batch_size, seed)
