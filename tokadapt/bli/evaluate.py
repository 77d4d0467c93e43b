"""P@k under the two conventions of the literature, from one set of predictions.

* **MUSE** (Conneau et al. 2018): pairs with a word missing from either vocabulary are dropped
  (and counted); each remaining unique source word is one query; it scores at k if any of its
  gold translations is among its top-k predictions. ``p@k`` = hits / queries, in percent.
* **VecMap** (Artetxe et al.): ``accuracy`` = P@1 over the covered source words and
  ``coverage`` = covered / all unique source words of the dictionary; the accuracy over *all*
  source words (out-of-vocabulary counted wrong) is ``accuracy * coverage``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from tokadapt.bli.dictionary import Lookup
from tokadapt.errors import ShapeError

KS = (1, 5, 10)


@dataclass(frozen=True)
class BLIScores:
    p_at: dict[int, float]  # MUSE convention, percent
    accuracy: float  # VecMap convention (P@1 over covered words), percent
    coverage: float  # fraction of unique source words with >= 1 in-vocabulary pair
    queries: int
    pairs: int
    oov_pairs: int
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def strict_accuracy(self) -> float:
        return self.accuracy * self.coverage

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {f"p@{k}": round(v, 4) for k, v in self.p_at.items()}
        out.update(
            accuracy=round(self.accuracy, 4),
            coverage=round(self.coverage, 6),
            strict_accuracy=round(self.strict_accuracy, 4),
            queries=self.queries,
            pairs=self.pairs,
            oov_pairs=self.oov_pairs,
        )
        out.update(self.extra)
        return out


def hits_at(predictions: np.ndarray, gold: Sequence[set[int]], ks: Sequence[int]) -> dict[int, int]:
    """Number of query rows with a gold index among the first ``k`` predictions, per ``k``."""
    if len(predictions) != len(gold):
        raise ShapeError(f"{len(predictions)} prediction rows for {len(gold)} gold sets")
    first = np.full(len(gold), np.iinfo(np.int64).max)
    for row, (pred, want) in enumerate(zip(predictions, gold, strict=True)):
        ranks = [r for r, p in enumerate(pred) if int(p) in want]
        if ranks:
            first[row] = ranks[0]
    return {k: int((first < k).sum()) for k in ks}


def score(predictions: np.ndarray, found: Lookup, ks: Sequence[int] = KS) -> BLIScores:
    """Scores for ``predictions[i]`` = ranked target rows for the query ``found.src_idx[i]``."""
    gold = [found.gold[int(i)] for i in found.src_idx]
    n = len(gold)
    if n == 0:
        raise ShapeError(
            f"none of the {found.n_pairs} test pairs has both words in the vocabularies "
            "(empty overlap); check the dictionary direction, case and the vocabulary cutoff"
        )
    hits = hits_at(predictions, gold, ks)
    p_at = {k: 100.0 * hits[k] / n for k in ks}
    acc = 100.0 * hits_at(predictions[:, :1], gold, (1,))[1] / n
    return BLIScores(p_at, acc, found.coverage, n, found.n_pairs, found.n_oov_pairs)
