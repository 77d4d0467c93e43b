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


def test_adapt_align_on_an_encoder_distills_to_the_model_before_extension(
    tiny_mlm: Any, tmp_path: Path, capsys: Any
) -> None:
    import torch
    from transformers import AutoModelForMaskedLM

    torch.set_num_threads(1)
    mlm = tiny_mlm()
    encoder = tmp_path / "encoder"  # encoder-only (no MLM head), like the e5 export
    AutoModelForMaskedLM.from_pretrained(mlm).base_model.save_pretrained(encoder)
    for name in ("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json"):
        if (mlm / name).is_file():
            (encoder / name).write_bytes((mlm / name).read_bytes())
    train = tmp_path / "ru.txt"
    train.write_text("кот дом\nдом кот.\nкот\nдом\nкот кот. дом дом\n", encoding="utf-8")
    pivot = tmp_path / "en.txt"
    pivot.write_text("the cat\nthe house\na cat and a house\n", encoding="utf-8")
    cfg = tmp_path / "align.json"
    cfg.write_text(json.dumps({"max_length": 12, "rom_max_length": 24}))
    out = tmp_path / "adapted"
    argv = ["adapt", str(encoder), "-o", str(out), "--json", "--align", f"{train}:rus"]
    argv += ["--align-config", str(cfg), "--align-steps", "2", "--align-batch-size", "2"]
    argv += ["--align-teacher-cache", "0", "--align-length-groups", "1"]
    assert main([*argv, "--align-pivot", str(pivot)]) == 0
    report = json.loads(capsys.readouterr().out)
    assert "'distill' chosen automatically" in report["align"]["recipe"]
    assert report["align"]["teacher_cache"] is None  # --align-teacher-cache 0
    meta = json.loads((out / "align.json").read_text())["config"]
    assert meta["teacher"] == str(encoder) and meta["pivot"] == [str(pivot)]
    assert meta["teacher_cache"] == 0 and meta["length_groups"] == 1
    assert report["align"]["length_groups"] == 1  # --align-length-groups 1: one forward
    records = [json.loads(x) for x in (out / "metrics.jsonl").open()]
    assert all("pivot" in r and "keep" in r for r in records if r["event"] == "train")
