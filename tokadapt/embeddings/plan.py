"""From an extended tokenizer and its manifest to an :class:`InitRequest`, with the checks.

The extended tokenizer must be an extension of the model's tokenizer: the same pieces at every
original id, then exactly the manifest's new pieces. The original tokenizer (the model's, or an
explicit ``base_tokenizer``) also segments each new piece for ``subword-mean``.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from tokadapt.embeddings.strategies import InitRequest
from tokadapt.errors import ConfigError, InputFileError, ShapeError
from tokadapt.vocab.manifest import Manifest

log = logging.getLogger(__name__)


def load_tokenizer(path: Path) -> Any:
    """A ``tokenizers.Tokenizer`` from a ``tokenizer.json`` file or a tokenizer directory."""
    from tokenizers import Tokenizer

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


def vocab_list(tokenizer: Any, where: Path) -> list[str]:
    """Pieces by id; every id from 0 to size-1 must be present."""
    vocab: dict[str, int] = tokenizer.get_vocab(with_added_tokens=True)
    pieces = [""] * len(vocab)
    for piece, idx in vocab.items():
        if idx >= len(pieces):
            raise InputFileError(
                f"{where}: token ids are not contiguous (id {idx} of {len(vocab)} pieces)"
            )
        pieces[idx] = piece
    return pieces


def check_extension(
    base: list[str], extended: list[str], manifest: Manifest, base_path: Path, ext_path: Path
) -> None:
    if manifest.base_vocab_size != len(base):
        raise ShapeError(
            f"{ext_path}: the manifest extends a vocabulary of {manifest.base_vocab_size} pieces "
            f"but the model's tokenizer {base_path} has {len(base)}; extend the model's own "
            "tokenizer (tokadapt extend-vocab MODEL_DIR ...)"
        )
    if len(extended) != manifest.new_vocab_size:
        raise ShapeError(
            f"{ext_path}: the tokenizer has {len(extended)} pieces but its manifest "
            f"says {manifest.new_vocab_size}"
        )
    for idx, (old, new) in enumerate(zip(base, extended, strict=False)):
        if old != new:
            raise ShapeError(
                f"{ext_path} is not an extension of {base_path}: id {idx} is {new!r} there "
                f"but {old!r} in the model's tokenizer; extend the model's own tokenizer"
            )
    for piece in manifest.new_pieces:
        if extended[piece.id] != piece.piece:
            raise InputFileError(
                f"{ext_path}: id {piece.id} is {extended[piece.id]!r} but the "
                f"manifest says {piece.piece!r}"
            )


def _subwords(base_tokenizer: Any, pieces: list[str], special: set[int]) -> list[list[int]]:
    model = base_tokenizer.model
    return [[t.id for t in model.tokenize(p) if t.id not in special] for p in pieces]


def build_request(manifest: Manifest, base_tokenizer: Any) -> InitRequest:
    special = {idx for idx, tok in base_tokenizer.get_added_tokens_decoder().items() if tok.special}
    pieces = [p.piece for p in manifest.new_pieces]
    for p in manifest.new_pieces:
        bad = [s for s in p.sources if not 0 <= s < manifest.base_vocab_size]
        if bad or len(p.sources) != len(p.source_scores):
            raise InputFileError(
                f"manifest entry for {p.piece!r} (id {p.id}) has sources {bad or p.sources} "
                f"outside the original vocabulary or without scores"
            )
    if manifest.mode not in ("max", "min", "mean"):
        raise ConfigError(f"manifest mode {manifest.mode!r} is not max, min or mean")
    return InitRequest(
        pieces=pieces,
        sources=[list(p.sources) for p in manifest.new_pieces],
        source_scores=[list(p.source_scores) for p in manifest.new_pieces],
        subwords=_subwords(base_tokenizer, pieces, special),
        mode=manifest.mode,
    )
