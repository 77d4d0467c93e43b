"""Find the vocabulary-indexed tensors of a checkpoint by name pattern and shape.

Input embeddings (``word_embeddings``, ``embed_tokens``, ``wte`` …), output embeddings (an MLM
decoder or LM head, tied or not) and output biases (the MLM bias). Tied copies that a checkpoint
stores twice are detected by content, so that they receive identical new rows.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

import numpy as np

from tokadapt.errors import InputFileError, ShapeError
from tokadapt.io.checkpoint import Checkpoint
from tokadapt.io.tensors import input_embedding_names

log = logging.getLogger(__name__)

OUTPUT_RE = re.compile(
    r"(?:^|\.)(?:lm_head|lm_head\.decoder|cls\.predictions\.decoder|generator_lm_head|embed_out"
    r"|pred_layer\.proj|output)\.weight$"
)
BIAS_RE = re.compile(
    r"(?:^|\.)(?:lm_head|lm_head\.decoder|cls\.predictions|cls\.predictions\.decoder"
    r"|generator_lm_head|pred_layer\.proj|embed_out)\.bias$"
)
_HEAD_ARCH = ("ForMaskedLM", "ForCausalLM", "LMHeadModel", "ForPreTraining")


@dataclass(frozen=True)
class VocabTensors:
    rows: int
    inputs: list[str]
    outputs: list[str]
    biases: list[str]
    #: name -> the earlier name whose stored content it duplicates (tied copies)
    copies: dict[str, str]

    @property
    def all(self) -> list[str]:
        return self.inputs + self.outputs + self.biases

    @property
    def distinct(self) -> list[str]:
        return [name for name in self.all if name not in self.copies]


def _content_copies(ckpt: Checkpoint, names: list[str]) -> dict[str, str]:
    copies: dict[str, str] = {}
    for i, name in enumerate(names):
        for earlier in names[:i]:
            if earlier in copies or ckpt.shape(earlier) != ckpt.shape(name):
                continue
            if ckpt.dtype(earlier) == ckpt.dtype(name) and np.array_equal(
                ckpt.array(earlier), ckpt.array(name)
            ):
                copies[name] = earlier
                break
    return copies


def find_vocab_tensors(ckpt: Checkpoint) -> VocabTensors:
    names = list(ckpt.index)
    inputs = input_embedding_names(ckpt)
    if not inputs:
        raise InputFileError(
            f"{ckpt.dir}: missing tensor: no input embedding matrix found (looked for names "
            f"ending in word_embeddings/embed_tokens/wte/shared .weight among {len(names)} "
            "tensors); is this a transformer checkpoint?"
        )
    rows = ckpt.shape(inputs[0])[0]
    outputs = [n for n in names if OUTPUT_RE.search(n) and n not in inputs]
    biases = [n for n in names if BIAS_RE.search(n)]
    for name in inputs + outputs + biases:
        shape = ckpt.shape(name)
        ok = shape == (rows,) if name in biases else (len(shape) == 2 and shape[0] == rows)
        if not ok and (name in inputs or "output" not in name.split(".")):
            raise ShapeError(
                f"{ckpt.dir}: vocabulary tensor {name} has shape {shape}, but the input "
                f"embeddings {inputs[0]} have {rows} rows; the checkpoint is inconsistent"
            )
    outputs = [n for n in outputs if ckpt.shape(n)[0] == rows]
    config_rows = ckpt.config.get("vocab_size")
    if config_rows is not None and config_rows != rows:
        raise ShapeError(
            f"{ckpt.dir}/config.json says vocab_size={config_rows} but {inputs[0]} has {rows} "
            "rows; fix config.json or the checkpoint"
        )
    _check_head(ckpt, outputs)
    found = set(inputs + outputs + biases)
    unknown = [n for n in names if n not in found and ckpt.shape(n)[:1] == (rows,)]
    if unknown:
        log.warning(
            "tensors with %d leading rows left unresized (not recognised as vocabulary "
            "tensors): %s",
            rows,
            ", ".join(unknown),
        )
    ordered = inputs + outputs + biases
    return VocabTensors(rows, inputs, outputs, biases, _content_copies(ckpt, ordered))


def _check_head(ckpt: Checkpoint, outputs: list[str]) -> None:
    archs = ckpt.config.get("architectures") or []
    has_head = any(a.endswith(_HEAD_ARCH) for a in archs)
    if has_head and not outputs and ckpt.config.get("tie_word_embeddings") is False:
        raise InputFileError(
            f"{ckpt.dir}: missing tensor: config.json declares {archs[0]} with untied word "
            "embeddings, but no output embedding (lm_head/decoder .weight) is in the checkpoint"
        )
