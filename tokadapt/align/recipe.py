"""One recipe: extend the vocabulary, initialize the new rows, align — ``tokadapt adapt --align``.

:func:`adapt_and_align` runs the three stages into a temporary directory next to ``out`` and
publishes the aligned model atomically. The output holds the aligned checkpoint and tokenizer,
``metrics.jsonl`` (training and dev curve) and ``tokadapt_adapt.json``: what each stage reported
(the extension's counts, the initialization report, the alignment summary with the recipe the
trainer chose for the model kind).

The alignment's teacher (used by the distillation recipes, ignored by TransliCo's) is the model
*before* extension with its own tokenizer, unless ``cfg.teacher`` names another: the extended
tokenizer also changes how English is tokenized (new Latin pieces), and the pivot term pulls
English sentences back to what the original model made of them.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from tokadapt.io.outputs import atomic_dir, check_output_dir

log = logging.getLogger(__name__)
REPORT_NAME = "tokadapt_adapt.json"


def adapt_and_align(
    model_dir: str | Path,
    out_dir: str | Path,
    train: Sequence[str],
    *,
    eval: Sequence[str] = (),
    cfg: Any = None,
    strategy: str = "focus",
    mode: str = "max",
    lang: str | None = None,
    select: str = "all",
    max_new: int | None = None,
    seed: int = 0,
    overwrite: bool = False,
    show_progress: bool | None = None,
    protect: Any = True,
) -> dict[str, Any]:
    """extend → init → align (see the module docstring); returns the report."""
    from tokadapt.align import make_config
    from tokadapt.align import train as align_train
    from tokadapt.embeddings.pipeline import extend_and_initialize

    out = check_output_dir(out_dir, overwrite)
    out.parent.mkdir(parents=True, exist_ok=True)
    cfg = cfg if cfg is not None else make_config()
    if not cfg.teacher:  # distillation recipes: the model before extension, its own tokenizer
        cfg = dataclasses.replace(cfg, teacher=str(model_dir))
    with tempfile.TemporaryDirectory(prefix=".tokadapt-adapt.", dir=out.parent) as tmp:
        work = Path(tmp)
        log.info("adapt: extending %s, initializing the new rows (%s)", model_dir, strategy)
        ext, init = extend_and_initialize(
            model_dir,
            model_dir,
            work / "tokenizer",
            work / "init",
            mode=mode,
            lang=lang,
            select=select,
            max_new=max_new,
            protect=protect,
            strategy=strategy,
            seed=seed,
        )
        log.info("adapt: aligning (%d training files)", len(train))
        with atomic_dir(out, overwrite) as final:
            summary = align_train(
                work / "init",
                list(train),
                final,
                cfg,
                eval=list(eval),
                overwrite=True,
                show_progress=show_progress,
            )
            summary["out"] = str(out)
            report = {
                "stages": ["extend", "init", "align"],
                "extend": _extend_report(ext),
                "init": init,
                "align": summary,
            }
            (final / REPORT_NAME).write_text(
                json.dumps(report, indent=2, sort_keys=True, default=str) + "\n", encoding="utf-8"
            )
    return report


def _extend_report(ext: Any) -> dict[str, Any]:
    """The extension's summary and manifest counts (not its 100k new pieces)."""
    manifest = ext.manifest
    return {
        **dict(ext.summary),
        "new_pieces": len(manifest.new_pieces),
        "base_vocab_size": manifest.base_vocab_size,
        "mode": manifest.mode,
        "counts": dict(manifest.counts),
    }
