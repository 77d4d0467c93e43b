"""The real multilingual-e5-small (encoder only, TCM only): loss falls, resume is exact, the
output loads with AutoModel."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file

from tokadapt.align import make_config, train
from tokadapt.align.model import AlignModel, load
from tokadapt.align.pairs import PairStream
from tokadapt.align.sources import parse_source

pytestmark = pytest.mark.slow
CFG = {
    "steps": 6,
    "batch_size": 8,
    "lr": 1e-4,
    "max_length": 24,
    "save_every": 3,
    "keep_checkpoints": 3,
    "log_every": 1,
}


def _tcm_on(model_dir: Path, spec: str) -> float:
    """TCM loss (eval mode) of the first 16 pairs of ``spec``, the cosine preset at layer 12."""
    loaded = load(model_dir)
    module = AlignModel(loaded.model, make_config("cosine", layer=12), use_mlm=False).eval()
    stream = PairStream(
        [parse_source(spec)], loaded.tokenizer, batch_size=16, max_length=24, shuffle_buffer=1
    )
    batch = next(iter(stream))
    with torch.no_grad():
        return float(module(batch)["tcm"])


def test_e5_trains_resumes_and_loads(e5_dir: Path, tmp_path: Path, corpus: dict[str, Path]) -> None:
    names = corpus["ru"].read_text(encoding="utf-8").splitlines()[:16]
    data = tmp_path / "ru16.txt"
    data.write_text("\n".join(names) + "\n", encoding="utf-8")
    spec = f"{data}:rus"
    cfg = make_config("cosine", layer=12, **CFG)
    result = train(e5_dir, [spec], tmp_path / "a", cfg)
    assert result["mlm"] is False  # e5 has no MLM head: TCM only
    assert _tcm_on(tmp_path / "a", spec) < _tcm_on(e5_dir, spec) - 0.05

    (tmp_path / "b" / "checkpoints").mkdir(parents=True)
    shutil.move(  # moved, not copied: each e5 checkpoint is ~1.4 GB with its optimizer state
        tmp_path / "a" / "checkpoints" / "step-0000003",
        tmp_path / "b" / "checkpoints" / "step-0000003",
    )
    train(e5_dir, [spec], tmp_path / "b", cfg, resume=True)
    a, b = (
        load_file(tmp_path / "a" / "model.safetensors"),
        load_file(tmp_path / "b" / "model.safetensors"),
    )
    assert all(torch.equal(a[k], b[k]) for k in a)

    from transformers import AutoModel

    model = AutoModel.from_pretrained(tmp_path / "a")
    assert model.config.hidden_size == 384 and model.config.num_hidden_layers == 12
