"""Contrastive script alignment (TransliCo's TCM objective + MLM) in PyTorch.

torch is imported only inside this package. Entry points:

* :func:`train` — one run from a checkpoint directory and text sources (also ``tokadapt align``),
* :class:`AlignConfig` / :func:`make_config` / :data:`PRESETS` — settings and presets,
* :func:`tcm_loss` — the loss itself (negatives all-gathered across DDP ranks).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from tokadapt.align.config import PRESETS, AlignConfig, make_config
from tokadapt.align.evaluate import EvalSet, eval_sets_from, read_eval
from tokadapt.align.loss import pool, tcm_loss
from tokadapt.align.sources import RowsSource, TextSource, parse_source

__all__ = [
    "PRESETS",
    "AlignConfig",
    "EvalSet",
    "RowsSource",
    "TextSource",
    "eval_sets_from",
    "make_config",
    "parse_source",
    "pool",
    "read_eval",
    "tcm_loss",
    "train",
]


def train(
    model_dir: str | Path,
    train: Sequence[Any],
    out_dir: str | Path,
    cfg: AlignConfig | None = None,
    *,
    eval: Sequence[str] = (),
    resume: bool | str | Path = False,
    overwrite: bool = False,
    show_progress: bool | None = None,
    tokenizer_dir: str | Path | None = None,
    device: str | None = None,
) -> dict[str, Any]:
    """Align ``model_dir`` on ``train`` sources: ``"FILE[:LCODE]"`` strings (text files, or
    Parquet/Arrow shards, their directories and globs) or source objects
    (:class:`TextSource`, :class:`RowsSource`, :class:`tokadapt.align.shards.ShardSource`)."""
    from tokadapt.align import rundir
    from tokadapt.align.trainer import Trainer

    cfg = cfg or make_config()  # recipe "auto": chosen by model kind at load time
    sources = [parse_source(s) if isinstance(s, str) else s for s in train]
    sets = eval_sets_from(list(eval), cfg.eval_max_sentences)
    try:
        return Trainer(
            cfg,
            model_dir,
            sources,
            out_dir,
            eval_sets=sets,
            resume=resume,
            overwrite=overwrite,
            show_progress=show_progress,
            tokenizer_dir=tokenizer_dir,
            device=device,
        ).run()
    except BaseException:  # an error or Ctrl-C (not kill -9): no empty staging folder left
        rundir.abandon(rundir.staging_path(Path(out_dir)))
        raise
