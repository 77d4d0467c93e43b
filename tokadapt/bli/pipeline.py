"""One BLI run: normalize, seed, map, retrieve, score, sign (what ``tokadapt bli`` calls)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from tokadapt import progress
from tokadapt.bli.dictionary import Dictionary, lookup
from tokadapt.bli.embeddings import Embeddings
from tokadapt.bli.evaluate import KS, score
from tokadapt.bli.mapping import procrustes, refine
from tokadapt.bli.seeds import seed_pairs
from tokadapt.bli.selflearning import SelfLearningConfig, self_learning
from tokadapt.errors import ConfigError, ShapeError
from tokadapt.eval import scoring, search
from tokadapt.eval.budget import current as current_limits
from tokadapt.eval.normalize import normalize, parse_chain
from tokadapt.eval.signature import signature

log = logging.getLogger(__name__)

Method = Literal["none", "procrustes", "refine", "self-learning"]
METHODS: tuple[Method, ...] = ("none", "procrustes", "refine", "self-learning")


@dataclass(frozen=True)
class BLIConfig:
    method: str = "procrustes"
    retrieval: str = "csls"
    csls_k: int = scoring.CSLS_K
    normalization: str = "unit,center,unit"
    seed_from: str = "dict"
    max_vocab: int | None = None
    refine_iterations: int = 5
    refine_max_rank: int = 15000
    self_learning: SelfLearningConfig = field(default_factory=SelfLearningConfig)
    src_lang: str | None = None
    tgt_lang: str | None = None
    #: romanization scheme of the romanized seeds (``uroman``, ``icu:bgn`` …)
    scheme: str = "uroman"
    rng_seed: int = 0
    backend: str = "auto"

    def check(self) -> None:
        if self.method not in METHODS:
            raise ConfigError(f"method must be one of {', '.join(METHODS)}, got {self.method!r}")
        if self.retrieval not in scoring.RETRIEVALS:
            raise ConfigError(
                f"retrieval must be one of {', '.join(scoring.RETRIEVALS)}, got {self.retrieval!r}"
            )
        parse_chain(self.normalization)


def map_spaces(
    x: np.ndarray, z: np.ndarray, seeds: np.ndarray | None, cfg: BLIConfig
) -> tuple[np.ndarray, np.ndarray, dict[str, Any]]:
    """Apply the configured mapping; returns mapped source, mapped target and info."""
    if cfg.method == "none":
        if x.shape[1] != z.shape[1]:
            raise ShapeError(
                f"source dimension {x.shape[1]} != target dimension {z.shape[1]}; "
                "without a mapping both spaces must share one dimension"
            )
        return x, z, {}
    assert seeds is not None
    if cfg.method == "procrustes":
        return x @ procrustes(x, z, seeds), z, {"seed_pairs": len(seeds)}
    if cfg.method == "refine":
        w, hist = refine(
            x,
            z,
            seeds,
            iterations=cfg.refine_iterations,
            max_rank=cfg.refine_max_rank,
            backend=cfg.backend,
        )
        return x @ w, z, {"seed_pairs": len(seeds), "refinement": hist}
    sl = SelfLearningConfig(
        **{**cfg.self_learning.__dict__, "seed": cfg.rng_seed, "backend": cfg.backend}
    )
    xw, zw, hist = self_learning(x, z, seeds, sl)
    return xw, zw, {"seed_pairs": len(seeds), "iterations": len(hist)}


def run_bli(
    src: Embeddings,
    tgt: Embeddings,
    test: Dictionary,
    cfg: BLIConfig,
    train: Dictionary | None = None,
    ks: tuple[int, ...] = KS,
) -> dict[str, Any]:
    """Everything ``tokadapt bli --json`` prints: ``p@k`` (percent), coverage, signature …"""
    cfg.check()
    src, tgt = src.head(cfg.max_vocab), tgt.head(cfg.max_vocab)
    found = lookup(test, src, tgt)
    if len(found.src_idx) == 0:
        raise ShapeError(
            f"empty overlap: none of the {len(test)} pairs of {test.origin} has its source word "
            f"in {src.origin} and its target word in {tgt.origin}; check direction and case"
        )
    x = normalize(src.vectors, cfg.normalization)
    z = normalize(tgt.vectors, cfg.normalization)
    seeds = None
    if cfg.method != "none":
        seeds = seed_pairs(
            cfg.seed_from,
            src,
            tgt,
            dictionary=train,
            src_lang=cfg.src_lang,
            tgt_lang=cfg.tgt_lang,
            scheme=cfg.scheme,
        )
    progress.note("bli", f"mapping ({cfg.method}) {len(x):,} x {len(z):,} vectors")
    xw, zw, info = map_spaces(x, z, seeds, cfg)
    xw, zw = normalize(xw, "unit"), normalize(zw, "unit")
    progress.note("bli", f"searching {len(found.src_idx):,} queries ({cfg.retrieval})")
    top = scoring.translate(
        xw,
        zw,
        found.src_idx,
        max(ks),
        retrieval=cfg.retrieval,
        csls_k=cfg.csls_k,
        backend=cfg.backend,
    )
    result = score(top.indices, found, ks).as_dict()
    fields = {
        "src": cfg.src_lang or src.origin,
        "tgt": cfg.tgt_lang or tgt.origin,
        "method": cfg.method,
        "retrieval": cfg.retrieval,
        "k": cfg.csls_k,
        "norm": cfg.normalization,
        "seed": cfg.seed_from if cfg.method != "none" else None,
        "vocab": cfg.max_vocab,
        "rng": cfg.rng_seed,
        "backend": search.resolve_backend(cfg.backend),
        "index": None if current_limits().csls_index == "exact" else current_limits().csls_index,
    }
    result["signature"] = (
        signature("bli", fields, lang=cfg.tgt_lang) + f" = P@1 {result['p@1']:.2f}"
    )
    result["mapping"] = info
    return result
