"""SHA-256 of files and bytes: the project's one hashing helper (checkpoints, manifests, e5)."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

CHUNK = 1 << 22


def sha256_bytes(data: bytes) -> str:
    """Hex SHA-256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: str | os.PathLike[str], chunk: int = CHUNK) -> str:
    """Hex SHA-256 of a file's bytes, read in ``chunk``-sized blocks (constant memory)."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for block in iter(lambda: handle.read(chunk), b""):
            digest.update(block)
    return digest.hexdigest()
