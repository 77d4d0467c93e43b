"""Extend, then initialize: the two stages ``tokadapt adapt`` runs, in one place.

Used by the ``adapt`` command, :func:`tokadapt.adapt` and the first two stages of
:func:`tokadapt.align.recipe.adapt_and_align`, so an option of either stage is passed through
once, not three times.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tokadapt.embeddings.initialize import init_embeddings

if TYPE_CHECKING:
    from tokadapt.vocab.extend import ExtendResult


def extend_and_initialize(
    model_dir: str | Path,
    tokenizer_dir: str | Path,
    ext_dir: str | Path,
    out_dir: str | Path,
    *,
    mode: str = "max",
    lang: str | Mapping[str, str] | None = None,
    select: str | Iterable[str] = "all",
    max_new: int | None = None,
    protect: Any = True,
    strategy: str = "focus",
    seed: int = 0,
    overwrite: bool = False,
    base_tokenizer: str | Path | None = None,
    pad_to_multiple_of: int | None = None,
) -> tuple[ExtendResult, dict[str, Any]]:
    """Extend ``tokenizer_dir`` into ``ext_dir``, initialize ``model_dir``'s new rows into
    ``out_dir``; returns ``(ExtendResult, init report)``."""
    from tokadapt.vocab import extend_vocab

    ext = extend_vocab(
        tokenizer_dir,
        ext_dir,
        mode=mode,
        lang=lang,
        select=select,
        max_new=max_new,
        protect=protect,
    )
    report = init_embeddings(
        model_dir,
        ext.out_dir,
        out_dir,
        strategy=strategy,
        seed=seed,
        overwrite=overwrite,
        base_tokenizer=base_tokenizer,
        pad_to_multiple_of=pad_to_multiple_of,
    )
    return ext, report
