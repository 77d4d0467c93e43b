"""``pooling_of``: the pooling a checkpoint's sentence-transformers configuration names."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tokadapt.errors import InputFileError
from tokadapt.eval.encode import pooling_of


def _st(folder: Path, **modes: bool) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    mods = [
        {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
        {
            "idx": 1,
            "name": "1",
            "path": "1_Pooling",
            "type": "sentence_transformers.models.Pooling",
        },
    ]
    (folder / "modules.json").write_text(json.dumps(mods))
    (folder / "1_Pooling").mkdir(exist_ok=True)
    cfg = {f"pooling_mode_{k}": v for k, v in modes.items()}
    (folder / "1_Pooling" / "config.json").write_text(
        json.dumps({"word_embedding_dimension": 8, **cfg})
    )
    return folder


def test_pooling_follows_the_configuration(tmp_path: Path) -> None:
    assert pooling_of(tmp_path)[0] == "mean"  # no configuration
    assert pooling_of(_st(tmp_path / "m", mean_tokens=True, cls_token=False))[0] == "mean-all"
    assert pooling_of(_st(tmp_path / "c", cls_token=True, mean_tokens=False))[0] == "cls"
    pooling, why = pooling_of(_st(tmp_path / "x", max_tokens=True))
    assert pooling == "mean" and "['max_tokens'] is not computed here" in why


def test_a_broken_configuration_is_one_clear_error(tmp_path: Path) -> None:
    folder = _st(tmp_path / "m", mean_tokens=True)
    (folder / "1_Pooling" / "config.json").write_text("[1, 2]")
    with pytest.raises(InputFileError, match="is not a JSON object"):
        pooling_of(folder)
    (folder / "modules.json").write_bytes(b"\xff\xfe")
    with pytest.raises(InputFileError, match="is not valid JSON"):
        pooling_of(folder)
