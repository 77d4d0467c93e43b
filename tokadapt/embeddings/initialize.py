"""``init_embeddings``: give every new piece of an extended tokenizer a row in a checkpoint.

Reads the checkpoint without instantiating the model, checks that the extended tokenizer
extends the model's tokenizer, runs one strategy over all vocabulary tensors side by side
(input embeddings | untied output embeddings | output bias: the same weights or draws for
each), writes resized weights, ``config.json`` with the new ``vocab_size`` and the extended
tokenizer into a temporary directory, and publishes it atomically.
"""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path
from typing import Any

import numpy as np

from tokadapt import progress
from tokadapt.embeddings.cards import write_model_files
from tokadapt.embeddings.carry import carry_tokenizer_settings
from tokadapt.embeddings.existing import blended_rows, parse_existing
from tokadapt.embeddings.filerows import FileRows
from tokadapt.embeddings.padding import add_padding, check_base, padded_rows
from tokadapt.embeddings.plan import build_request, check_extension, read_vocab
from tokadapt.embeddings.resize import write_weights
from tokadapt.embeddings.rows import column_mean
from tokadapt.embeddings.strategies import get_strategy
from tokadapt.embeddings.vocab_tensors import VocabTensors, find_vocab_tensors
from tokadapt.io.checkpoint import Checkpoint
from tokadapt.io.hf_dir import copy_model_files, copy_tokenizer_files
from tokadapt.io.outputs import atomic_dir, check_output_dir
from tokadapt.io.safetensors_io import to_float32
from tokadapt.vocab.manifest import Manifest

log = logging.getLogger(__name__)

REPORT_NAME = "tokadapt_init.json"
DEFAULT_STRATEGY = "transmi"
#: the one-step recipe's strategy (``tokadapt adapt``, :func:`tokadapt.api.adapt`): on e5 with
#: protected English, ``focus`` is the one strategy never below the unadapted model on any of
#: 14 CLDR scripts and 8 UDHR languages (benchmarks/results/init_strategies.md)
ADAPT_STRATEGY = "focus"


def old_rows_table(ckpt: Checkpoint, vt: VocabTensors, base: int) -> tuple[Any, list[int]]:
    """Rows ``[0, base)`` of every distinct vocabulary tensor side by side as float32, and each
    tensor's column count. A single tensor in a safetensors file is read from disk on demand
    (:class:`FileRows`), so the checkpoint never becomes resident."""
    names = vt.distinct
    first = ckpt.index[names[0]]
    if len(names) == 1 and first.st is not None and len(ckpt.shape(names[0])) == 2:
        info = first.st.tensors[names[0]]
        cols = ckpt.shape(names[0])[1]
        return FileRows(first.path, info.begin, base, cols, info.dtype), [cols]
    parts = [to_float32(ckpt.array(n)[:base], ckpt.dtype(n)).reshape(base, -1) for n in names]
    widths = [p.shape[1] for p in parts]
    return (parts[0] if len(parts) == 1 else np.concatenate(parts, axis=1)), widths


def _split(rows: np.ndarray, vt: VocabTensors, widths: list[int]) -> dict[str, np.ndarray]:
    bounds = np.cumsum([0, *widths])
    return {name: rows[:, bounds[i] : bounds[i + 1]] for i, name in enumerate(vt.distinct)}


def init_embeddings(
    model_dir: str | Path,
    tokenizer_dir: str | Path,
    out_dir: str | Path,
    *,
    strategy: str = DEFAULT_STRATEGY,
    seed: int = 0,
    overwrite: bool = False,
    base_tokenizer: str | Path | None = None,
    pad_to_multiple_of: int | None = None,
    existing: str = "keep",
) -> dict[str, Any]:
    """Initialize the new rows of ``model_dir`` for ``tokenizer_dir`` and write ``out_dir``.

    ``pad_to_multiple_of`` rounds the embedding rows up (extra rows: the mean old row, never
    handed out by the tokenizer). ``existing``: what happens to the rows of romanizations already
    in the vocabulary (``keep``, ``blend:ALPHA``, ``blend-unread:ALPHA``; see
    :mod:`tokadapt.embeddings.existing`). Returns the report also written to
    ``out_dir/tokadapt_init.json``.
    """
    spec = get_strategy(strategy)
    parse_existing(existing)
    times: dict[str, float] = {}
    clock = time.perf_counter()
    model_dir, tokenizer_dir = Path(model_dir), Path(tokenizer_dir)
    inputs = (model_dir, tokenizer_dir, base_tokenizer)
    check_output_dir(out_dir, overwrite, inputs)
    ckpt = Checkpoint(model_dir)
    vt = find_vocab_tensors(ckpt)
    manifest = Manifest.load(tokenizer_dir)
    base_path = Path(base_tokenizer) if base_tokenizer is not None else model_dir
    check_base(ckpt, vt.rows, base_path)
    check_extension(
        read_vocab(base_path), read_vocab(tokenizer_dir), manifest, base_path, tokenizer_dir
    )
    base = manifest.base_vocab_size
    request = build_request(manifest, base_path, all_subwords=spec.needs_subwords)
    times["read_and_plan"] = time.perf_counter() - clock

    clock = time.perf_counter()
    progress.note("init-embeddings", f"initializing {len(request.pieces):,} rows ({strategy})")
    table, widths = old_rows_table(ckpt, vt, base)
    rows, counts = spec.function(table, request, np.random.default_rng(seed))
    old_ids, old_rows = blended_rows(table, manifest.existing, existing, manifest.pivot_ids)
    total_rows = padded_rows(max(vt.rows, manifest.new_vocab_size), pad_to_multiple_of)
    needs_pad = total_rows > max(vt.rows, manifest.new_vocab_size)
    table_mean = column_mean(table) if needs_pad else np.zeros(table.shape[1], np.float32)
    del table
    new_rows = _split(rows, vt, widths)
    replaced = {k: (old_ids, v) for k, v in _split(old_rows, vt, widths).items()}
    times["initialize"] = time.perf_counter() - clock

    clock = time.perf_counter()
    new_rows = add_padding(new_rows, base, total_rows, vt.rows, table_mean, ckpt, widths)
    report: dict[str, Any] = {
        "strategy": strategy,
        "seed": seed,
        "mode": manifest.mode,
        "model": str(model_dir),
        "tokenizer": str(tokenizer_dir),
        "base_vocab_size": base,
        "new_pieces": len(request.pieces),
        "rows_before": vt.rows,
        "rows_after": total_rows,
        "reused_padding_rows": max(0, min(vt.rows, manifest.new_vocab_size) - base),
        "tensors": {
            "input": vt.inputs,
            "output": vt.outputs,
            "bias": vt.biases,
            "tied_copies": vt.copies,
        },
        "counts": counts,
        "existing": {"option": existing, "rows_blended": len(old_ids)},
    }
    with atomic_dir(out_dir, overwrite=overwrite, inputs=inputs) as tmp:
        progress.note(
            "init-embeddings", f"writing {sum(len(s.names) for s in ckpt.shards)} tensors"
        )
        report["files"] = write_weights(ckpt, vt, base, new_rows, tmp, replaced)
        copy_model_files(model_dir, tmp, skip_tokenizer=True)
        config = dict(ckpt.config, vocab_size=total_rows)
        (tmp / "config.json").write_text(json.dumps(config, indent=2, sort_keys=True) + "\n")
        copy_tokenizer_files(tokenizer_dir, tmp)
        report["carried_tokenizer_settings"] = carry_tokenizer_settings(model_dir, tmp)
        times["write"] = time.perf_counter() - clock
        report["seconds"] = {k: round(v, 3) for k, v in times.items()}
        write_model_files(tmp, report=report, manifest=manifest, config=config, model_dir=model_dir)
        (tmp / REPORT_NAME).write_text(json.dumps(report, indent=2, sort_keys=True) + "\n")
    log.info("initialized %d new rows with %s into %s", len(request.pieces), strategy, out_dir)
    return report
