"""Fixtures: hand-built extended tokenizers (Unigram tokenizer.json + manifest) and tiny models.

An extended tokenizer here is the original ``tokenizer.json`` with pieces appended to the
Unigram vocabulary and a :class:`Manifest` naming their sources, i.e. exactly the contract
``tokadapt extend-vocab`` fulfils, built by hand so that every expected row is known.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from embed_helpers import save_tiny_mlm, write_extended_tokenizer


@pytest.fixture
def extended_factory(tmp_path: Path) -> Any:
    def make(base_dir: Path, new: list[Any], mode: str = "max", name: str = "ext") -> Path:
        write_extended_tokenizer(base_dir, tmp_path / name, new, mode)
        return tmp_path / name

    return make


@pytest.fixture
def tiny_mlm(tmp_path: Path) -> Any:
    def make(name: str = "tiny", **kwargs: Any) -> Path:
        return save_tiny_mlm(tmp_path / name, **kwargs)

    return make
