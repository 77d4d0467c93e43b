"""The trainer's step loop: bucketed pairs stay aligned, metrics carry FLOPs/MFU, compile falls
back cleanly, bf16 and gradient checkpointing agree with fp32; CUDA branches under ``gpu``."""

from __future__ import annotations

import itertools
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import torch
from safetensors.torch import load_file

import translit
from tokadapt.align import make_config, train
from tokadapt.align.pairs import PairStream
from tokadapt.align.sources import parse_source
from tokadapt.align.trainer import Trainer

FAST = {"batch_size": 6, "layer": 2, "lr": 1e-2, "log_every": 1, "save_every": 0}


def test_bucketed_batches_keep_pairs_aligned_and_lose_none(
    xlmr_tokenizer: Any, train_specs: list[str]
) -> None:
    sources = [parse_source(s) for s in train_specs]
    stream = PairStream(sources, xlmr_tokenizer, batch_size=8, max_length=64, bucket_window=5)
    lines = sum(s.count() for s in sources)
    seen: Counter[int] = Counter()
    for k, (items, ids) in itertools.islice(stream.items.iterate(), lines // 8):
        seen.update(ids)
        b = stream.make_batch(items, k, ids)
        assert b["pairs"] == len(items) == 8
        for i, (text, lang) in enumerate(items):
            rom = translit.Romanizer(lang, errors="replace").romanize(text).strip()
            for row, side in ((i, text), (8 + i, rom)):
                want = xlmr_tokenizer(side, truncation=True, max_length=64)["input_ids"]
                assert b["input_ids"][row][: len(want)].tolist() == want
    assert max(seen.values()) == 1 and len(seen) >= lines - 8  # one epoch, nothing twice


def test_window_is_capped_at_one_epoch(xlmr_tokenizer: Any, tmp_path: Path) -> None:
    text = tmp_path / "ru.txt"
    text.write_text("\n".join(f"Москва {'а' * i}" for i in range(40)), encoding="utf-8")
    stream = PairStream(
        [parse_source(f"{text}:rus")], xlmr_tokenizer, batch_size=8, max_length=16, bucket_window=50
    )
    assert stream.items.chunks == 5  # 40 lines: a window of 50 batches would repeat each 10x
    for _, (_, ids) in itertools.islice(stream.items.iterate(), 20):
        assert len(set(ids)) == 8  # no row twice in a batch


def _trainer(model: Path, specs: list[str], out: Path, device: str = "cpu", **kw: Any) -> Trainer:
    cfg = make_config("cosine", steps=2, **{**FAST, **kw})
    return Trainer(cfg, model, [parse_source(s) for s in specs], out, device=device)


def _first_step_loss(model: Path, specs: list[str], out: Path, **kw: Any) -> float:
    tr = _trainer(model, specs, out, **kw)
    tr.module.train()
    tr.train_step(tr.module, tr.make_loader())
    return tr.meter.read()["loss"]


def test_mlm_positions_from_the_loader_give_the_same_loss(
    tiny_mlm_dir: Path, xlmr_tokenizer: Any, train_specs: list[str]
) -> None:
    from tokadapt.align.model import AlignModel, load

    sources = [parse_source(s) for s in train_specs]
    stream = PairStream(sources, xlmr_tokenizer, batch_size=8, max_length=32, mlm_probability=0.3)
    batch = {k: v for k, v in next(iter(stream)).items() if isinstance(v, torch.Tensor)}
    model = AlignModel(load(tiny_mlm_dir).model, make_config(layer=2), use_mlm=True).eval()
    plain = {k: v for k, v in batch.items() if not k.startswith("mlm_index")}
    with torch.no_grad():
        assert torch.equal(model(batch)["mlm"], model(plain)["mlm"])
    assert len(batch["mlm_index_orig"]) + len(batch["mlm_index_rom"]) == int(
        (batch["labels"] != -100).sum()
    )


@pytest.mark.parametrize("device", ["cpu", pytest.param("cuda", marks=pytest.mark.gpu)])
def test_bf16_step_loss_close_to_fp32(
    tiny_encoder_dir: Path, train_specs: list[str], tmp_path: Path, device: str
) -> None:
    fp32, bf16 = (
        _first_step_loss(tiny_encoder_dir, train_specs, tmp_path / p, precision=p, device=device)
        for p in ("fp32", "bf16")
    )
    assert abs(bf16 - fp32) <= 0.02 * abs(fp32) + 0.02


def test_metrics_report_flops_and_mfu(
    tiny_encoder_dir: Path, train_specs: list[str], tmp_path: Path
) -> None:
    cfg = make_config("cosine", steps=3, peak_flops=1e9, **FAST)
    result = train(tiny_encoder_dir, train_specs, tmp_path / "o", cfg)
    lines = (tmp_path / "o" / "metrics.jsonl").read_text().splitlines()
    last = [r for r in map(json.loads, lines) if r["event"] == "train"][-1]
    assert last["flops_per_step"] > 0 and last["tokens_per_s"] > 0
    assert last["mfu"] == pytest.approx(last["tflops_per_s"] * 1e12 / 1e9)
    assert result["mfu"] == last["mfu"]


def _weights(out: Path) -> dict[str, torch.Tensor]:
    return load_file(out / "model.safetensors")


@pytest.fixture(scope="module")
def eager(tiny_encoder_dir: Path, train_specs: list[str], tmp_path_factory) -> Path:  # type: ignore[no-untyped-def]
    out = tmp_path_factory.mktemp("eager") / "o"
    train(tiny_encoder_dir, train_specs, out, make_config("cosine", steps=2, **FAST))
    return out


def test_compile_failure_falls_back_to_the_eager_run(
    eager: Path,
    tiny_encoder_dir: Path,
    train_specs: list[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def broken_backend(gm: Any, inputs: Any) -> Any:
        raise RuntimeError("no compiler here")

    compile_ = torch.nn.Module.compile
    monkeypatch.setattr(torch.nn.Module, "compile", lambda m: compile_(m, backend=broken_backend))
    cfg = make_config("cosine", steps=2, compile=True, **FAST)
    result = train(tiny_encoder_dir, train_specs, tmp_path / "o", cfg)
    assert result["compiled"] is False and "training in eager mode" in caplog.text
    a, b = _weights(eager), _weights(tmp_path / "o")
    assert all(torch.equal(a[k], b[k]) for k in a)


def test_compile_that_works_is_kept(
    tiny_encoder_dir: Path, train_specs: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    compile_ = torch.nn.Module.compile
    monkeypatch.setattr(torch.nn.Module, "compile", lambda m: compile_(m, backend="eager"))
    cfg = make_config("cosine", steps=2, compile=True, **FAST)
    result = train(tiny_encoder_dir, train_specs, tmp_path / "o", cfg)
    assert result["compiled"] is True and result["last_loss"] == result["last_loss"]


def test_gradient_checkpointing_gives_the_same_update(
    eager: Path, tiny_encoder_dir: Path, train_specs: list[str], tmp_path: Path
) -> None:
    cfg = make_config("cosine", steps=2, grad_checkpointing=True, **FAST)
    train(tiny_encoder_dir, train_specs, tmp_path / "o", cfg)
    a, b = _weights(eager), _weights(tmp_path / "o")
    for key in a:
        torch.testing.assert_close(a[key], b[key], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("checkpointing", [False, True])
def test_gradient_checkpointing_recomputes_blocks(
    tiny_encoder_dir: Path, train_specs: list[str], tmp_path: Path, checkpointing: bool
) -> None:
    tr = _trainer(tiny_encoder_dir, train_specs, tmp_path / "o", grad_checkpointing=checkpointing)
    calls = []
    block = tr.module.encoder.encoder.layer[0].attention  # inside the checkpointed forward
    block.register_forward_hook(lambda *_: calls.append(1))
    tr.module.train()
    tr.train_step(tr.module, tr.make_loader())
    assert len(calls) == (2 if checkpointing else 1)  # forward, then again in the backward


@pytest.mark.gpu
@pytest.mark.parametrize("model", ["tiny_encoder_dir", "tiny_mlm_dir"])  # TCM; TCM + MLM
def test_cuda_step_loop_never_waits_for_the_device(
    model: str, train_specs: list[str], tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    path = request.getfixturevalue(model)
    tr = _trainer(path, train_specs, tmp_path / "o", precision="bf16", device="cuda")
    assert tr.optimizer.defaults["fused"] is True
    batches = tr.make_loader()
    tr.module.train()
    tr.train_step(tr.module, batches)  # warm-up (allocations, cuBLAS handles)
    torch.cuda.set_sync_debug_mode("error")
    try:
        for _ in range(3):
            tr.train_step(tr.module, batches)
    finally:
        torch.cuda.set_sync_debug_mode(0)
    assert tr.meter.read()["loss"] > 0


@pytest.mark.gpu
def test_cuda_compile_is_kept(
    tiny_encoder_dir: Path, train_specs: list[str], tmp_path: Path
) -> None:
    cfg = make_config("cosine", steps=2, compile=True, precision="bf16", **FAST)
    result = train(tiny_encoder_dir, train_specs, tmp_path / "o", cfg, device="cuda")
    assert result["compiled"] is True and result["mfu"] is not None
