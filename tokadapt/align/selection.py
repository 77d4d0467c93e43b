"""Model selection on the held-apart dev sets: keep-best and early stopping.

The *dev score* of an evaluation is the mean of every retrieval score it holds that a user of
the aligned model cares about: original ↔ romanized (``*/rom_top1``), romanized → translation
(``*/rom_en_top1``) and original → translation (``*/orig_en_top1``, so a run that breaks what
already worked is not selected). The evaluation before the first step is a candidate too: when
training never beats the starting model on dev, keep-best gives the starting model back.

A guard keeps what already works: an evaluation whose original → translation score fell more
than ``GUARD`` (1 point) below the first evaluation's is not eligible, however much the
romanized scores rose (aligning must not buy romanized retrieval with original-script quality).
On a small dev set one query is more than a point (88 queries: 1.14 points), and a guard finer
than the set can measure refuses every step over a single query that changed its answer; the
tolerance is therefore one point or one query, whichever is larger (``all/queries``, the
number of pooled original → translation queries, gives the resolution).

With ``keep_best`` the weights of the best evaluation so far are kept in CPU memory (one copy
of the model) and restored at the end of the run; with ``patience`` > 0 training stops after
that many evaluations without improvement.

The selector's state goes into every checkpoint (:meth:`Selector.to_json` in ``state.json``,
the best weights as ``best.safetensors``: only the tensors that differ from the checkpoint's
own weights, so frozen embeddings are not stored twice), and :meth:`Selector.load_state`
brings it back on resume: a resumed run remembers its best step, the guard's baseline and its
patience count.
"""

from __future__ import annotations

import logging
from typing import Any

import torch

log = logging.getLogger(__name__)
SCORED = ("/rom_top1", "/rom_en_top1", "/orig_en_top1")
GUARD = 0.01


def orig_en(scores: dict[str, float]) -> float | None:
    """The (pooled if present, else mean per-set) original → translation score."""
    if "all/orig_en_top1" in scores:
        return scores["all/orig_en_top1"]
    values = [v for k, v in scores.items() if k.endswith("/orig_en_top1")]
    return sum(values) / len(values) if values else None


def tolerance(scores: dict[str, float]) -> float:
    """How far original → translation may fall: ``GUARD`` or one pooled query, the larger."""
    queries = scores.get("all/queries", 0)
    return max(GUARD, 1.0 / queries + 1e-9) if queries else GUARD


def dev_score(scores: dict[str, float]) -> float | None:
    """Mean of the selection scores in ``scores`` (None when there are none); the pooled
    ``all/...`` scores when present (per-set scores of small sets saturate)."""
    keys = [k for k in scores if k.endswith(SCORED)]
    pooled = [k for k in keys if k.startswith("all/")]
    values = [scores[k] for k in (pooled or keys)]
    return sum(values) / len(values) if values else None


class Selector:
    """Tracks the best dev score; see the module docstring."""

    def __init__(self, keep_best: bool, patience: int = 0) -> None:
        self.keep_best = keep_best
        self.patience = patience
        self.best_step = -1
        self.best_score = float("-inf")
        self.best_scores: dict[str, float] = {}
        self.last_step = -1
        self.stale = 0
        self.improved = False
        self.stopped = False
        self._state: dict[str, Any] | None = None
        self.baseline_orig_en: float | None = None
        self.guarded: list[int] = []

    @property
    def best(self) -> tuple[int, float]:
        return self.best_step, self.best_score

    def offer(self, step: int, scores: dict[str, float], model: Any) -> bool:
        """Record one evaluation; True when early stopping says to stop now."""
        score = dev_score(scores)
        self.improved = False
        if score is None:
            return False
        self.last_step = step
        held = orig_en(scores)
        if self.baseline_orig_en is None:
            self.baseline_orig_en = held
        elif held is not None and held < self.baseline_orig_en - tolerance(scores):
            self.guarded.append(step)
            log.info(
                "step %d not eligible: original -> translation %.4f fell below the start's %.4f",
                step,
                held,
                self.baseline_orig_en,
            )
            score = float("-inf")
        if score > self.best_score + 1e-9:
            self.best_step, self.best_score, self.best_scores = step, score, dict(scores)
            self.improved, self.stale = True, 0
            if self.keep_best:
                self._state = {
                    k: v.detach().to("cpu", copy=True) for k, v in model.state_dict().items()
                }
            return False
        self.stale += 1
        self.stopped = self.patience > 0 and self.stale >= self.patience
        if self.stopped:
            log.info(
                "early stop at step %d: %d evaluations without improvement on dev "
                "(best %.4f at step %d)",
                step,
                self.stale,
                self.best_score,
                self.best_step,
            )
        return self.stopped

    def restore(self, model: Any) -> bool:
        """Load the best weights into ``model`` if they are not the last evaluated ones."""
        if not self.keep_best or self._state is None or self.best_step == self.last_step:
            return False
        model.load_state_dict(self._state)
        return True

    # -- checkpointing ----------------------------------------------------------------------
    _FIELDS = ("best_step", "last_step", "stale", "stopped", "baseline_orig_en", "guarded")

    def to_json(self) -> dict[str, Any]:
        """Everything but the weights, JSON-ready (``-inf`` as ``None``)."""
        out: dict[str, Any] = {k: getattr(self, k) for k in self._FIELDS}
        finite = self.best_score != float("-inf")
        out.update(
            best_score=self.best_score if finite else None,
            best_scores=dict(self.best_scores),
            has_weights=self._state is not None,
        )
        return out

    def weights_to_save(self, model: Any) -> dict[str, torch.Tensor]:
        """The kept best weights that differ from ``model``'s current ones (empty: none)."""
        if self._state is None:
            return {}
        current = model.state_dict()
        return {
            k: v.contiguous()
            for k, v in self._state.items()
            if k not in current or not torch.equal(current[k].detach().cpu(), v)
        }

    def load_state(
        self, meta: dict[str, Any] | None, weights: dict[str, torch.Tensor], model: Any
    ) -> None:
        """Restore what :meth:`to_json` and :meth:`weights_to_save` stored; ``model`` holds
        the checkpoint's weights (the tensors not stored are taken from it)."""
        if not meta:
            log.warning("checkpoint has no model-selection state: keep-best starts afresh")
            return
        for key in self._FIELDS:
            setattr(self, key, meta[key])
        self.guarded = list(self.guarded)
        score = meta["best_score"]
        self.best_score = float("-inf") if score is None else float(score)
        self.best_scores = dict(meta["best_scores"])
        self._state = None
        if meta["has_weights"] and self.keep_best:
            state = {k: v.detach().to("cpu", copy=True) for k, v in model.state_dict().items()}
            state.update({k: v.clone() for k, v in weights.items()})
            self._state = state
