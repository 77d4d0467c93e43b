"""End to end on CPU with a tiny random masked LM: loss falls, resume is exact, output loads."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import torch
from safetensors.torch import load_file

from tokadapt.align import make_config, train
from tokadapt.errors import ConfigError, InputFileError, OutputExistsError

FAST = {"batch_size": 8, "layer": 2, "lr": 2e-2, "log_every": 1, "shuffle_buffer": 64}


def _losses(out: Path) -> list[float]:
    lines = [json.loads(x) for x in (out / "metrics.jsonl").read_text().splitlines()]
    return [r["loss"] for r in lines if r["event"] == "train"]


@pytest.fixture(scope="module")
def run_a(
    tiny_mlm_dir: Path,
    train_specs: list[str],
    corpus: dict[str, Path],
    tmp_path_factory: pytest.TempPathFactory,
) -> Path:
    out = tmp_path_factory.mktemp("align") / "a"
    cfg = make_config("transliCo", steps=12, save_every=6, keep_checkpoints=5, **FAST)
    result = train(tiny_mlm_dir, train_specs, out, cfg, eval=[f"{corpus['hi']}:hin"])
    assert result["mlm"] is True and result["steps"] == 12
    assert set(result["eval_before"]) == set(result["eval_after"]) == {"hi.txt/rom_top1"}
    return out


def test_loss_decreases(run_a: Path) -> None:
    losses = _losses(run_a)
    assert len(losses) == 12
    assert sum(losses[-3:]) / 3 < sum(losses[:3]) / 3 - 0.5


def test_resume_continues_bit_for_bit(
    run_a: Path, tiny_mlm_dir: Path, train_specs: list[str], corpus: dict[str, Path], tmp_path: Path
) -> None:
    out = tmp_path / "b"
    (out / "checkpoints").mkdir(parents=True)
    shutil.copytree(run_a / "checkpoints" / "step-0000006", out / "checkpoints" / "step-0000006")
    cfg = make_config("transliCo", steps=12, save_every=6, keep_checkpoints=5, **FAST)
    result = train(tiny_mlm_dir, train_specs, out, cfg, eval=[f"{corpus['hi']}:hin"], resume=True)
    assert result["steps_this_run"] == 6
    a, b = load_file(run_a / "model.safetensors"), load_file(out / "model.safetensors")
    assert a.keys() == b.keys()
    assert all(torch.equal(a[k], b[k]) for k in a)
    assert _losses(out) == _losses(run_a)[6:]


def test_output_loads_with_auto_classes(run_a: Path, tiny_mlm_dir: Path) -> None:
    from transformers import AutoModel, AutoModelForMaskedLM, AutoTokenizer

    model = AutoModelForMaskedLM.from_pretrained(run_a)
    base = AutoModel.from_pretrained(run_a)
    before = AutoModel.from_pretrained(tiny_mlm_dir)
    assert not torch.equal(
        base.embeddings.word_embeddings.weight, before.embeddings.word_embeddings.weight
    )
    torch.testing.assert_close(
        model.roberta.encoder.layer[0].output.dense.weight,
        base.encoder.layer[0].output.dense.weight,
    )
    tok = AutoTokenizer.from_pretrained(run_a)
    assert tok("Москва")["input_ids"][0] == tok.bos_token_id
    meta = json.loads((run_a / "align.json").read_text())
    assert meta["steps"] == 12 and meta["config"]["layer"] == 2


def test_encoder_only_model_trains_tcm_only(
    tiny_encoder_dir: Path, train_specs: list[str], tmp_path: Path
) -> None:
    cfg = make_config("cosine", steps=3, freeze_embeddings=True, **FAST)
    result = train(tiny_encoder_dir, train_specs, tmp_path / "enc", cfg)
    assert result["mlm"] is False
    start, end = (load_file(d / "model.safetensors") for d in (tiny_encoder_dir, tmp_path / "enc"))
    key = "embeddings.word_embeddings.weight"
    assert torch.equal(start[key], end[key])  # frozen
    layer0 = "encoder.layer.0.attention.self.query.weight"
    assert not torch.equal(start[layer0], end[layer0])
    top = "encoder.layer.2.attention.self.query.weight"  # above the TCM layer: unreachable
    assert torch.equal(start[top], end[top])
    from transformers import AutoModel

    assert type(AutoModel.from_pretrained(tmp_path / "enc")).__name__ == "BertModel"
    with pytest.raises(ConfigError, match="has no MLM head"):
        train(tiny_encoder_dir, train_specs, tmp_path / "enc2", make_config(mlm="on", **FAST))


def test_batch_size_one_is_refused_before_writing(
    tiny_mlm_dir: Path, train_specs: list[str], tmp_path: Path
) -> None:
    with pytest.raises(ConfigError, match="no negatives"):
        train(tiny_mlm_dir, train_specs, tmp_path / "o", make_config(batch_size=1))
    assert not (tmp_path / "o").exists()


def test_missing_layer_is_a_clear_error(
    tiny_mlm_dir: Path, train_specs: list[str], tmp_path: Path
) -> None:
    with pytest.raises(ConfigError, match=r"layer 8 does not exist: the model has 4 layers"):
        train(tiny_mlm_dir, train_specs, tmp_path / "o", make_config("transliCo"))
    assert not (tmp_path / "o").exists()


def test_empty_training_file(tiny_mlm_dir: Path, tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(InputFileError, match="is empty"):
        train(tiny_mlm_dir, [f"{empty}:rus"], tmp_path / "o", make_config(**FAST))


def test_existing_output_is_not_overwritten(
    tiny_mlm_dir: Path, train_specs: list[str], tmp_path: Path
) -> None:
    out = tmp_path / "o"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    with pytest.raises(OutputExistsError, match="--overwrite"):
        train(tiny_mlm_dir, train_specs, out, make_config(steps=1, **FAST))
    assert (out / "keep.txt").read_text() == "mine"


def _snapshot(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def test_corrupt_checkpoint_is_refused_and_nothing_changes(
    run_a: Path, tiny_mlm_dir: Path, train_specs: list[str], tmp_path: Path
) -> None:
    out = tmp_path / "c"
    shutil.copytree(run_a, out)
    model_pt = out / "checkpoints" / "step-0000012" / "model.safetensors"
    data = bytearray(model_pt.read_bytes())
    data[len(data) // 2] ^= 0xFF
    model_pt.write_bytes(bytes(data))
    before = _snapshot(out)
    cfg = make_config("transliCo", steps=14, **FAST)
    with pytest.raises(InputFileError, match=r"step-0000012 is corrupt: model\.safetensors"):
        train(tiny_mlm_dir, train_specs, out, cfg, resume=True)
    (out / "checkpoints" / "step-0000012" / "state.json").write_text("{trunc")
    with pytest.raises(InputFileError, match="corrupt or incomplete"):
        train(tiny_mlm_dir, train_specs, out, cfg, resume=True)
    before["checkpoints/step-0000012/state.json"] = b"{trunc"
    assert _snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c"]  # no staging copy left


def test_early_exit_equals_full_forward(tiny_encoder_dir: Path, xlmr_tokenizer: Any) -> None:
    """TCM-only runs stop after the TCM layer; the vectors equal hidden_states[layer]."""
    from tokadapt.align.model import AlignModel, load

    loaded = load(tiny_encoder_dir)
    module = AlignModel(loaded.model, make_config(layer=2), use_mlm=False).eval()
    enc = xlmr_tokenizer(
        ["Москва", "Αθήνα", "दिल्ली"],
        padding=True,
        return_tensors="pt",
        return_special_tokens_mask=True,
    )
    with torch.no_grad():
        got = module.embed(enc["input_ids"], enc["attention_mask"], enc["special_tokens_mask"])
        full = loaded.model(
            input_ids=enc["input_ids"],
            attention_mask=enc["attention_mask"],
            output_hidden_states=True,
        ).hidden_states[2]
    from tokadapt.align.loss import pool

    torch.testing.assert_close(
        got, pool(full, enc["attention_mask"], enc["special_tokens_mask"], "mean")
    )
