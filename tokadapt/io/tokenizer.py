"""Loading a tokenizer from disk: the project's one ``load_tokenizer`` (BLI, embeddings, demo)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from tokadapt.errors import InputFileError


def load_tokenizer(path: str | os.PathLike[str]) -> Any:
    """A ``tokenizers.Tokenizer`` from a ``tokenizer.json`` file or a tokenizer directory.

    A directory without ``tokenizer.json`` (a slow SentencePiece/WordPiece tokenizer) is
    converted by ``transformers`` when it is installed.
    """
    from tokenizers import Tokenizer

    path = Path(path)
    file = path if path.is_file() else path / "tokenizer.json"
    if file.is_file():
        try:
            return Tokenizer.from_file(str(file))
        except Exception as exc:  # tokenizers raises bare Exception subclasses
            raise InputFileError(f"{file}: not a loadable tokenizer.json ({exc})") from exc
    try:
        from transformers import AutoTokenizer

        return AutoTokenizer.from_pretrained(str(path)).backend_tokenizer
    except Exception as exc:  # transformers raises many types for a missing/odd tokenizer
        raise InputFileError(
            f"no tokenizer found in {path} (no tokenizer.json and transformers could not load "
            f"one: {exc}); pass the original tokenizer with --base-tokenizer"
        ) from exc
