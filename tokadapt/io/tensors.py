"""The one finder of a checkpoint's input-embedding matrix (BLI, script barrier, surgery).

Names as the transformer families store them: ``word_embeddings`` (BERT/XLM-R), ``embed_tokens``
(Llama/Mistral/T5 decoder), ``wte`` (GPT-2), ``shared`` (T5), ``tok_embeddings`` (Llama's
original format), ``embed_in`` (GPT-NeoX/Pythia), ``word_emb`` (XLNet-style).
"""

from __future__ import annotations

import os
import re

import numpy as np

from tokadapt.errors import InputFileError
from tokadapt.io.checkpoint import Checkpoint
from tokadapt.io.safetensors_io import to_float32

INPUT_RE = re.compile(
    r"(?:^|\.)(?:word_embeddings|embed_tokens|wte|shared|tok_embeddings|embed_in|word_emb)\.weight$"
)


def input_embedding_names(ckpt: Checkpoint) -> list[str]:
    """Every 2-D tensor whose name marks it as an input embedding, in checkpoint order."""
    return [n for n in ckpt.index if INPUT_RE.search(n) and len(ckpt.shape(n)) == 2]


def input_embeddings(model_dir: str | os.PathLike[str]) -> np.ndarray:
    """The input embedding matrix ``(vocab, hidden)`` float32 of a checkpoint directory."""
    ckpt = Checkpoint(os.fspath(model_dir))
    names = input_embedding_names(ckpt)
    if not names:
        raise InputFileError(
            f"{ckpt.dir}: no input embedding tensor (looked for {INPUT_RE.pattern} among "
            f"{len(ckpt.index)} tensors); is this a transformer checkpoint?"
        )
    return np.array(to_float32(ckpt.array(names[0]), ckpt.dtype(names[0])), dtype=np.float32)
