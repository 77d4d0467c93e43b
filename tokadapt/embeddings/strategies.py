"""Initialization strategies: pure functions from the existing rows to the new rows.

Every strategy has the signature ``(table, request, rng) -> (new_rows, counts)``: ``table`` holds
the original vocabulary's rows (``base_vocab_size x D``, float32; columns may be several
vocabulary tensors side by side, e.g. input embeddings | untied decoder | MLM bias, so that each
gets the same treatment), ``request`` says what is known about each new piece, ``rng`` is the only
source of randomness, and ``counts`` says how each piece was initialized (for the report).

The registry is open: ``@register("focus", "...")`` adds a strategy (FOCUS, WECHSEL, OFA …) that
the CLI's ``--strategy`` offers without further changes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from tokadapt.embeddings.rows import RowWeights, column_mean, column_moments, combine
from tokadapt.errors import ConfigError


@dataclass(frozen=True)
class InitRequest:
    """What is known about the new pieces (index ``i`` = the ``i``-th new id)."""

    pieces: list[str]
    #: original ids whose romanization produced the piece, and their scores (manifest)
    sources: list[list[int]]
    source_scores: list[list[float]]
    #: the piece's string segmented by the original tokenizer (unknown pieces removed)
    subwords: list[list[int]]
    #: the manifest's merge mode: "max", "min" or "mean"
    mode: str = "max"


Result = tuple[np.ndarray, dict[str, int]]
Strategy = Callable[[np.ndarray, InitRequest, np.random.Generator], Result]
_DRAW_CHUNK = 16384


@dataclass(frozen=True)
class StrategySpec:
    name: str
    description: str
    function: Strategy
    #: whether every piece needs its subword segmentation (else only source-less pieces)
    needs_subwords: bool = False


STRATEGIES: dict[str, StrategySpec] = {}


def register(
    name: str, description: str, *, needs_subwords: bool = False
) -> Callable[[Strategy], Strategy]:
    def decorate(function: Strategy) -> Strategy:
        STRATEGIES[name] = StrategySpec(name, description, function, needs_subwords)
        return function

    return decorate


def get_strategy(name: str) -> StrategySpec:
    if name not in STRATEGIES:
        raise ConfigError(
            f"unknown initialization strategy {name!r}; choose one of: {', '.join(STRATEGIES)}"
        )
    return STRATEGIES[name]


# -- weights per piece ---------------------------------------------------------------------
def pick_source(
    sources: list[int], scores: list[float], mode: str
) -> tuple[list[int], list[float]]:
    """TransMI's merge of several sources into (ids, weights); ties go to the lowest id."""
    if len(sources) == 1:
        return [sources[0]], [1.0]
    if mode == "max":
        best = min(zip(sources, scores, strict=True), key=lambda p: (-p[1], p[0]))
        return [best[0]], [1.0]
    if mode == "min":
        best = min(zip(sources, scores, strict=True), key=lambda p: (p[1], p[0]))
        return [best[0]], [1.0]
    if mode == "mean":  # the true mean (TransMI's code sums without dividing)
        return list(sources), [1.0 / len(sources)] * len(sources)
    if mode == "softmax":  # score-weighted: softmax over the sources' log-probabilities
        s = np.asarray(scores, dtype=np.float64)
        w = np.exp(s - s.max())
        return list(sources), list(w / w.sum())
    raise ConfigError(f"unknown TransMI merge mode {mode!r}; choose max, min, mean or softmax")


def _weights(request: InitRequest, mode: str | None) -> tuple[RowWeights, dict[str, int]]:
    """Row weights per piece: its sources (when ``mode``), else its subwords, else none."""
    ids: list[list[int]] = []
    weights: list[list[float]] = []
    counts: Counter[str] = Counter()
    one = [1.0]
    for sources, scores, subwords in zip(
        request.sources, request.source_scores, request.subwords, strict=True
    ):
        if mode is not None and len(sources) == 1:  # the common case: a plain copy
            ids.append(sources)
            weights.append(one)
            counts["copy"] += 1
            continue
        if mode is not None and sources:
            picked, w = pick_source(sources, scores, mode)
            counts[f"merged-{mode}"] += 1
        elif subwords:
            picked, w = subwords, [1.0 / len(subwords)] * len(subwords)
            counts["subword-mean"] += 1
        else:
            picked, w = [], []
            counts["overall-mean"] += 1
        ids.append(picked)
        weights.append(w)
    return RowWeights.from_lists(ids, weights), dict(counts)


def _weighted(table: np.ndarray, request: InitRequest, mode: str | None) -> Result:
    row_weights, counts = _weights(request, mode)
    fallback = column_mean(table) if counts.get("overall-mean") else None
    return combine(table, row_weights, fallback), counts


# -- the strategies ------------------------------------------------------------------------
@register(
    "transmi",
    "TransMI: copy the single source, else merge per the manifest's mode "
    "(max/min: the source with the max/min score, mean: the true mean); pieces without "
    "sources fall back to subword-mean",
)
def transmi(table: np.ndarray, request: InitRequest, rng: np.random.Generator) -> Result:
    return _weighted(table, request, request.mode)


def _transmi_mode(mode: str) -> Strategy:
    def strategy(table: np.ndarray, request: InitRequest, rng: np.random.Generator) -> Result:
        return _weighted(table, request, mode)

    return strategy


for _mode, _text in (
    ("max", "the source with the highest score"),
    ("min", "the source with the lowest score"),
    ("mean", "the true mean of the sources"),
    ("softmax", "the sources weighted by the softmax of their scores"),
):
    register(
        f"transmi-{_mode}",
        f"TransMI, merging several sources into {_text} (overrides the manifest's mode)",
    )(_transmi_mode(_mode))


@register(
    "subword-mean",
    "the mean of the rows of the pieces the original tokenizer splits "
    "the new piece into (overall mean when it has none)",
    needs_subwords=True,
)
def subword_mean(table: np.ndarray, request: InitRequest, rng: np.random.Generator) -> Result:
    return _weighted(table, request, None)


def _gaussian_rows(
    n: int, mean: np.ndarray, factor: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """``mean + z @ factor.T`` for standard normal ``z``, drawn in row chunks (same stream as
    one draw; float64 math, float32 result) to bound the memory."""
    out = np.empty((n, len(mean)), dtype=np.float32)
    for start in range(0, n, _DRAW_CHUNK):
        z = rng.standard_normal((min(_DRAW_CHUNK, n - start), len(mean)))
        out[start : start + len(z)] = (z @ factor.T if factor.ndim == 2 else z * factor) + mean
    return out


@register("random", "independent normal draws with each column's mean and standard deviation")
def random_normal(table: np.ndarray, request: InitRequest, rng: np.random.Generator) -> Result:
    mean, var = column_moments(table, full=False)
    rows = _gaussian_rows(len(request.pieces), mean, np.sqrt(var), rng)
    return rows, {"random": len(request.pieces)}


@register("mvn", "multivariate normal with the rows' mean and covariance")
def multivariate_normal(
    table: np.ndarray, request: InitRequest, rng: np.random.Generator
) -> Result:
    mean, cov = column_moments(table, full=True)
    eigval, eigvec = np.linalg.eigh(cov)
    factor = eigvec * np.sqrt(np.clip(eigval, 0.0, None))  # cov = factor @ factor.T
    rows = _gaussian_rows(len(request.pieces), mean, factor, rng)
    return rows, {"mvn": len(request.pieces)}


# strategies in their own modules register themselves on import
from tokadapt.embeddings import focus as _focus  # noqa: E402,F401
from tokadapt.embeddings import wechsel as _wechsel  # noqa: E402,F401
