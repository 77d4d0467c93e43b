"""``tokadapt adapt --align``: extend -> init -> align in one command, every stage reported."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tokadapt.cli import main


def test_adapt_align_runs_three_stages(tiny_mlm: Any, tmp_path: Path, capsys: Any) -> None:
    import torch

    torch.set_num_threads(1)
    model = tiny_mlm()
    train = tmp_path / "ru.txt"
    train.write_text("кот дом\nдом кот.\nкот\nдом\nкот кот. дом дом\n", encoding="utf-8")
    cfg = tmp_path / "align.json"
    cfg.write_text(json.dumps({"layer": 1, "lr": 1e-3}))
    out = tmp_path / "adapted"
    argv = ["adapt", str(model), "-o", str(out), "--json", "--align", f"{train}:rus"]
    argv += ["--align-config", str(cfg), "--align-steps", "2", "--align-batch-size", "2"]
    argv += ["--no-protect"]  # the 50-piece tokenizer's romanized pieces are all English words
    assert main(argv) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["stages"] == ["extend", "init", "align"]
    assert report["extend"]["new_pieces"] == report["init"]["new_pieces"] > 0
    assert report["align"]["steps"] == 2 and "transliCo" in report["align"]["recipe"]
    assert json.loads((out / "tokadapt_adapt.json").read_text()) == report
    assert (out / "model.safetensors").is_file() and (out / "metrics.jsonl").is_file()
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temp left
