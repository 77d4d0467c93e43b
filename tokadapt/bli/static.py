"""Static word vectors from a Hugging Face checkpoint (any model, before or after adaptation).

A word's vector is the mean of the input embeddings of its subwords (the embedding matrix is
read with ``safetensors`` directly, no model is instantiated), or — with ``layer`` — the
mean-pooled output of that contextual layer for the word alone.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from tokadapt.bli.embeddings import Embeddings
from tokadapt.errors import InputFileError, require
from tokadapt.loading import reading

_EMBED_SUFFIXES = ("word_embeddings.weight", "embed_tokens.weight", "wte.weight", "shared.weight")


def input_embeddings(model_dir: str | os.PathLike[str]) -> np.ndarray:
    """The input embedding matrix ``(vocab, hidden)`` float32 of a safetensors checkpoint."""
    folder = Path(model_dir)
    files = sorted(folder.glob("*.safetensors"))
    if not files:
        raise InputFileError(
            f"{folder} has no *.safetensors file; save the model with "
            "save_pretrained(safe_serialization=True)"
        )
    safetensors = require("safetensors", "hf", "safetensors")
    for file in files:
        with (
            reading(file, "safetensors checkpoint"),
            safetensors.safe_open(str(file), framework="numpy") as handle,  # type: ignore[attr-defined]
        ):
            for key in handle.keys():  # noqa: SIM118
                if key.endswith(_EMBED_SUFFIXES):
                    return np.asarray(handle.get_tensor(key), dtype=np.float32)
    raise InputFileError(f"no input embedding tensor (*{'|*'.join(_EMBED_SUFFIXES)}) in {folder}")


def load_tokenizer(model_dir: str | os.PathLike[str]) -> object:
    from tokenizers import Tokenizer

    path = Path(model_dir) / "tokenizer.json"
    if not path.is_file():
        raise InputFileError(f"{path} does not exist; static vectors need a fast tokenizer file")
    return Tokenizer.from_file(str(path))


def subword_ids(tokenizer: object, words: Sequence[str]) -> list[list[int]]:
    encs = tokenizer.encode_batch(list(words), add_special_tokens=False)  # type: ignore[attr-defined]
    return [list(e.ids) for e in encs]


def mean_rows(matrix: np.ndarray, ids: Sequence[Sequence[int]], origin: str) -> np.ndarray:
    out = np.zeros((len(ids), matrix.shape[1]), dtype=np.float32)
    for row, pieces in enumerate(ids):
        if not pieces:
            raise InputFileError(f"{origin}: word #{row} tokenizes to no subword")
        out[row] = matrix[list(pieces)].mean(0)
    return out


def static_vectors(
    model_dir: str | os.PathLike[str],
    words: Sequence[str],
    *,
    layer: int | None = None,
    batch_size: int = 64,
    device: str | None = None,
) -> Embeddings:
    """:class:`Embeddings` for ``words`` (unique, in order) from the checkpoint in ``model_dir``."""
    words = [w for w in dict.fromkeys(words) if w.strip()]
    if layer is None:
        matrix = input_embeddings(model_dir)
        vectors = mean_rows(matrix, subword_ids(load_tokenizer(model_dir), words), str(model_dir))
    else:
        from tokadapt.retrieval import encode_texts, load_encoder

        model, tok = load_encoder(Path(model_dir), device)
        vectors = encode_texts(model, tok, words, layer=layer, batch_size=batch_size)
    return Embeddings(
        words, vectors, f"{model_dir} (static{'' if layer is None else f' L{layer}'})"
    )


def read_word_list(path: str | os.PathLike[str]) -> list[str]:
    """One word per line (a tab-separated line contributes its first column)."""
    p = Path(path)
    if not p.is_file():
        raise InputFileError(f"word list {p} does not exist")
    words = [line.split("\t")[0].strip() for line in p.read_text(encoding="utf-8").splitlines()]
    return [w for w in words if w]
