"""Word embeddings in memory and on disk: word2vec/fastText text (``.vec``) and ``.npy`` + vocab.

:class:`Embeddings` validates on construction (2-D finite float32, one row per word, no duplicate
words), so every later stage can trust it. Readers name the file and line of every problem.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np

from tokadapt.errors import DataError, InputFileError, ShapeError
from tokadapt.io.outputs import atomic_file


@dataclass
class Embeddings:
    """``words[i]`` has the vector ``vectors[i]`` (float32, shape ``(len(words), dim)``)."""

    words: list[str]
    vectors: np.ndarray
    origin: str = "<memory>"
    lines: list[int] | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self.vectors = np.ascontiguousarray(self.vectors, dtype=np.float32)
        if self.vectors.ndim != 2 or len(self.words) != len(self.vectors):
            raise ShapeError(
                f"{self.origin}: need one vector per word, got {len(self.words)} words and an "
                f"array of shape {self.vectors.shape}"
            )
        finite = np.isfinite(self.vectors).all(1)
        if not finite.all():
            row = int(np.flatnonzero(~finite)[0])
            raise InputFileError(
                f"{self._where(row)}: the vector of {self.words[row]!r} contains NaN or inf "
                f"({int((~finite).sum())} such rows); clean or drop these rows"
            )
        seen: dict[str, int] = {}
        for row, word in enumerate(self.words):
            first = seen.setdefault(word, row)
            if first != row:
                raise InputFileError(
                    f"{self._where(row)}: duplicate word {word!r} (first at "
                    f"{self._where(first)}); each word must appear once — deduplicate the file"
                )

    def _where(self, row: int) -> str:
        if self.lines is not None:
            return f"{self.origin}:{self.lines[row]}"
        return f"{self.origin} row {row}"

    @cached_property
    def index(self) -> dict[str, int]:
        return {w: i for i, w in enumerate(self.words)}

    @property
    def dim(self) -> int:
        return int(self.vectors.shape[1])

    def __len__(self) -> int:
        return len(self.words)

    def head(self, n: int | None) -> Embeddings:
        """The first ``n`` words (vocabulary cutoff; files are usually sorted by frequency)."""
        if n is None or n >= len(self.words):
            return self
        return Embeddings(
            self.words[:n],
            self.vectors[:n],
            self.origin,
            None if self.lines is None else self.lines[:n],
        )


def _header(first: str) -> tuple[int, int] | None:
    parts = first.split()
    if len(parts) == 2 and all(p.isdigit() for p in parts):
        return int(parts[0]), int(parts[1])
    return None


def _decode(src: Path, lineno: int, raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DataError(
            f"{src}:{lineno}: invalid UTF-8 ({exc.reason} at byte {exc.start} of the line); "
            "convert the file to UTF-8"
        ) from exc


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _vec_row(src: Path, lineno: int, parts: list[str], dim: int) -> tuple[str, np.ndarray]:
    """``(word, vector)`` of one line. A word may contain spaces (``New York``), but a line
    whose field before the vector is a number has extra values and is refused."""
    if len(parts) < dim + 1 or (len(parts) > dim + 1 and _is_number(parts[-dim - 1])):
        raise DataError(
            f"{src}:{lineno}: expected a word and {dim} numbers, found {len(parts) - 1} fields "
            "after the first; the file is truncated or malformed (fix or drop this line)"
        )
    try:
        return " ".join(parts[:-dim]), np.array(parts[-dim:], dtype=np.float32)
    except ValueError as exc:
        raise DataError(f"{src}:{lineno}: a vector value is not a number ({exc})") from exc


def read_vec(path: str | os.PathLike[str], max_words: int | None = None) -> Embeddings:
    """Read word2vec/fastText text vectors, with or without the ``count dim`` header.

    Every line must be ``word v1 ... vdim``; a line with more or fewer fields, invalid UTF-8, or
    a header whose count differs from the rows raises :class:`DataError` naming file and line.
    """
    src = Path(path)
    if not src.is_file():
        raise InputFileError(f"embedding file {src} does not exist (or is not a file)")
    words: list[str] = []
    rows: list[np.ndarray] = []
    lines: list[int] = []
    dim, count = None, None
    with src.open("rb") as handle:
        for lineno, raw in enumerate(handle, 1):
            text = _decode(src, lineno, raw).rstrip("\n").rstrip("\r").rstrip(" ")
            if lineno == 1 and (head := _header(text)) is not None:
                count, dim = head
                if dim < 1:
                    raise DataError(f"{src}:1: the header gives dimension 0")
                continue
            if not text:
                continue
            parts = text.split(" ")
            if dim is None:
                dim = len(parts) - 1
                if dim < 1:
                    raise DataError(f"{src}:{lineno}: expected 'word v1 v2 ...', got {text!r}")
            word, row = _vec_row(src, lineno, parts, dim)
            words.append(word)
            rows.append(row)
            lines.append(lineno)
            if max_words is not None and len(words) >= max_words:
                break
    if not words:
        raise DataError(f"{src} contains no vectors")
    complete = max_words is None or len(words) < max_words
    if count is not None and complete and count != len(words):
        raise DataError(
            f"{src}:1: the header announces {count} vectors but the file has {len(words)}; the "
            "file is truncated or the header is wrong (fix the first line)"
        )
    return Embeddings(words, np.vstack(rows), str(src), lines)


def read_npy(vectors: str | os.PathLike[str], vocab: str | os.PathLike[str]) -> Embeddings:
    """Read a ``.npy`` matrix and its vocabulary file (one word per line, same order)."""
    vec_path, vocab_path = Path(vectors), Path(vocab)
    for p in (vec_path, vocab_path):
        if not p.is_file():
            raise InputFileError(f"embedding file {p} does not exist")
    try:
        matrix = np.load(vec_path, allow_pickle=False)  # never unpickle object arrays
    except (ValueError, OSError, EOFError) as exc:
        raise DataError(f"{vec_path}: not a numeric .npy matrix ({exc})") from exc
    raw = vocab_path.read_bytes().split(b"\n")
    words = [_decode(vocab_path, i, line).rstrip("\r") for i, line in enumerate(raw, 1)]
    if words and words[-1] == "":
        words.pop()
    if matrix.ndim != 2 or len(words) != len(matrix):
        raise ShapeError(
            f"{vocab_path} has {len(words)} words but {vec_path} has shape {matrix.shape}; "
            "they must have one row per word"
        )
    return Embeddings(words, matrix, str(vocab_path), list(range(1, len(words) + 1)))


def read_embeddings(path: str | os.PathLike[str], max_words: int | None = None) -> Embeddings:
    """``.npy`` (with ``<stem>.vocab`` or ``.txt`` beside it) or text vectors otherwise."""
    p = Path(path)
    if p.suffix == ".npy":
        for ext in (".vocab", ".txt", ".words"):
            if p.with_suffix(ext).is_file():
                return read_npy(p, p.with_suffix(ext)).head(max_words)
        raise InputFileError(
            f"{p}: no vocabulary file beside it (expected {p.with_suffix('.vocab')})"
        )
    return read_vec(p, max_words)


def write_vec(emb: Embeddings, path: str | os.PathLike[str], overwrite: bool = False) -> None:
    """Write text vectors with a header, atomically."""
    with atomic_file(path, overwrite=overwrite) as handle:
        handle.write(f"{len(emb)} {emb.dim}\n")
        for word, row in zip(emb.words, emb.vectors, strict=True):
            handle.write(word + " " + " ".join(f"{v:.6g}" for v in row) + "\n")
