"""``tokadapt.adapt``: extend a model's tokenizer and initialize its new embeddings in one call.

Takes and returns Hugging Face objects (or paths / Hub ids) and keeps the file-based stages
(:func:`tokadapt.vocab.extend_vocab`, :func:`tokadapt.embeddings.init_embeddings`) as the
single implementation: inputs that are objects are saved to a scratch directory, the stages run,
and the adapted model and tokenizer are loaded back (for models that fit in memory). With
``out_dir`` the adapted checkpoint stays on disk there as well.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tokadapt.errors import require


@dataclass
class Adapted:
    model: Any
    tokenizer: Any
    #: ``extend_vocab``'s summary and ``init_embeddings``' report
    vocab_summary: dict[str, Any]
    init_report: dict[str, Any]
    out_dir: Path | None


def _load(directory: Path, model: Any) -> tuple[Any, Any]:
    transformers: Any = require("transformers", "hf", "transformers")
    tokenizer = transformers.AutoTokenizer.from_pretrained(str(directory))
    if hasattr(model, "save_pretrained"):
        loader = type(model)
    else:
        config = json.loads((directory / "config.json").read_text(encoding="utf-8"))
        archs = config.get("architectures") or []
        causal = any(a.endswith(("ForCausalLM", "LMHeadModel")) for a in archs)
        loader = transformers.AutoModelForCausalLM if causal else transformers.AutoModel
    return loader.from_pretrained(str(directory)), tokenizer


def adapt(
    model: Any,
    tokenizer: Any = None,
    *,
    out_dir: str | Path | None = None,
    strategy: str = "focus",
    mode: str = "max",
    select: str | Iterable[str] = "all",
    lang: str | Mapping[str, str] | None = None,
    max_new: int | None = None,
    seed: int = 0,
    overwrite: bool = False,
    pad_to_multiple_of: int | None = None,
    protect: Any = True,
) -> Adapted:
    """Adapt ``model`` (PreTrainedModel, path or Hub id) and its ``tokenizer`` (fast tokenizer,
    ``tokenizers.Tokenizer``, path or Hub id; default: the model's own) to romanized text."""
    from tokadapt.embeddings.pipeline import extend_and_initialize
    from tokadapt.models.inputs import model_dir, tokenizer_dir

    with tempfile.TemporaryDirectory(prefix="tokadapt-adapt-") as scratch_name:
        scratch = Path(scratch_name)
        mdir = model_dir(model, scratch)
        tdir = tokenizer_dir(tokenizer, scratch) if tokenizer is not None else mdir
        target = Path(out_dir) if out_dir is not None else scratch / "adapted"
        ext, report = extend_and_initialize(
            mdir,
            tdir,
            scratch / "extended",
            target,
            mode=mode,
            lang=lang,
            select=select,
            max_new=max_new,
            protect=protect,
            strategy=strategy,
            seed=seed,
            overwrite=overwrite,
            base_tokenizer=tdir if tokenizer is not None else None,
            pad_to_multiple_of=pad_to_multiple_of,
        )
        new_model, new_tokenizer = _load(target, model)
    return Adapted(
        new_model, new_tokenizer, ext.summary, report, Path(out_dir) if out_dir else None
    )
