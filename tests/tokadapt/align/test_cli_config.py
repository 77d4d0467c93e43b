"""``tokadapt align`` on the command line, presets and config files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tokadapt.align.config import PRESETS, make_config
from tokadapt.cli import main
from tokadapt.errors import ConfigError, InputFileError


def test_presets_are_the_documented_configurations() -> None:
    paper = make_config("transliCo")
    assert (
        paper.layer,
        paper.pooling,
        paper.similarity,
        paper.temperature,
        paper.tcm_weight,
        paper.mlm,
    ) == (8, "mean", "dot", 1.0, 0.5, "auto")
    cos = make_config("cosine", learnable_temperature=True)
    assert (cos.similarity, cos.temperature, cos.learnable_temperature) == ("cosine", 0.05, True)
    assert set(PRESETS) == {"transliCo", "cosine", "sentence", "distill"}
    sent = make_config("sentence")
    assert (sent.layer, sent.keep_weight > 0, sent.distill_weight > 0) == (-1, True, True)
    kd = make_config("distill")
    assert (kd.layer, kd.distill_metric, kd.tcm_weight, kd.keep_best) == (-1, "mse", 0.1, True)
    assert min(kd.keep_weight, kd.distill_weight, kd.pivot_weight) > 0


def test_config_file_then_overrides(tmp_path: Path) -> None:
    cfg_file = tmp_path / "run.json"
    cfg_file.write_text(json.dumps({"preset": "cosine", "steps": 50, "layer": 6}))
    cfg = make_config(None, cfg_file, steps=7, batch_size=None)
    assert (cfg.similarity, cfg.layer, cfg.steps, cfg.batch_size) == ("cosine", 6, 7, 32)
    cfg_file.write_text(json.dumps({"stepz": 5}))
    with pytest.raises(ConfigError, match=r"unknown config keys \['stepz'\]"):
        make_config(None, cfg_file)
    cfg_file.write_text("[1, 2")
    with pytest.raises(InputFileError, match="not valid UTF-8 JSON"):
        make_config(None, cfg_file)
    with pytest.raises(ConfigError, match="unknown preset 'paper'"):
        make_config("paper")
    with pytest.raises(ConfigError, match="temperature must be > 0"):
        make_config(temperature=0.0)


def test_cli_trains_and_reports(
    tiny_mlm_dir: Path, train_specs: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "cli-out"
    rc = main(
        [
            "align",
            "--model",
            str(tiny_mlm_dir),
            "--train",
            *train_specs,
            "-o",
            str(out),
            "--steps",
            "2",
            "--batch-size",
            "4",
            "--layer",
            "2",
            "--no-progress",
        ]
    )
    assert rc == 0
    report = json.loads(capsys.readouterr().out)
    assert report["steps"] == 2 and report["mlm"] is True
    assert (out / "model.safetensors").is_file() and (out / "metrics.jsonl").is_file()
    rc = main(
        [
            "align",
            "--model",
            str(tiny_mlm_dir),
            "--train",
            *train_specs,
            "-o",
            str(out),
            "--steps",
            "2",
            "--layer",
            "2",
        ]
    )
    assert rc == 2
    assert "exists and is not empty; pass --overwrite" in capsys.readouterr().err


def test_cli_bad_layer_message(
    tiny_mlm_dir: Path, train_specs: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rc = main(
        [
            "align",
            "--model",
            str(tiny_mlm_dir),
            "--train",
            train_specs[0],
            "-o",
            str(tmp_path / "x"),
            "--layer",
            "9",
        ]
    )
    assert rc == 2
    err = capsys.readouterr().err
    assert "tokadapt align: error: layer 9 does not exist: the model has 4 layers" in err
