"""``tokadapt adapt``: the real extend-vocab followed by init-embeddings, on a tiny MLM."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
from embed_helpers import TINY_PIECES

from tokadapt.cli import main
from tokadapt.vocab.manifest import Manifest


def test_adapt_extends_and_initializes(tiny_mlm: Any, tmp_path: Path, capsys: Any) -> None:
    from safetensors.numpy import load_file

    model = tiny_mlm()
    out = tmp_path / "adapted"
    # TransMI's copy, unprotected: the 50-piece tokenizer's romanized pieces are English words
    argv = ["adapt", str(model), "-o", str(out), "--json", "--strategy", "transmi"]
    assert main([*argv, "--no-protect"]) == 0
    report = json.loads(capsys.readouterr().out)
    manifest = Manifest.load(out)
    assert report["new_pieces"] == len(manifest.new_pieces) > 0
    pieces = {p.piece: p for p in manifest.new_pieces}
    assert "▁kot" in pieces  # ▁кот romanized
    old = load_file(model / "model.safetensors")["roberta.embeddings.word_embeddings.weight"]
    new = load_file(out / "model.safetensors")["roberta.embeddings.word_embeddings.weight"]
    kot = pieces["▁kot"]
    assert kot.sources == [4 + TINY_PIECES.index("▁кот")]
    assert np.array_equal(new[kot.id], old[kot.sources[0]])
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temp left
