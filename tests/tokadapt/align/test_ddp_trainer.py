"""The trainer under DDP (2 CPU processes, gloo) equals one process on the same global batch."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest
import torch
import torch.multiprocessing as mp
from safetensors.torch import load_file

from tokadapt.align import make_config, train

pytestmark = pytest.mark.slow  # two processes that each load transformers: ~30-60 s
# fp32: the claim is the same arithmetic; bf16 rounds a 4-row and an 8-row batch differently
CFG = {
    "steps": 3,
    "layer": 2,
    "lr": 1e-2,
    "shuffle_buffer": 32,
    "log_every": 1,
    "save_every": 3,
    "precision": "fp32",
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _worker(rank: int, port: int, model: str, specs: list[str], out: str) -> None:
    torch.set_num_threads(1)
    os.environ.update(
        RANK=str(rank),
        LOCAL_RANK=str(rank),
        WORLD_SIZE="2",
        MASTER_ADDR="127.0.0.1",
        MASTER_PORT=str(port),
    )
    try:
        train(model, specs, out, make_config("cosine", batch_size=4, **CFG), device="cpu")
    finally:
        torch.distributed.destroy_process_group()


def test_two_process_run_matches_single_process(
    tiny_encoder_dir: Path, train_specs: list[str], tmp_path: Path
) -> None:
    # TCM only, no dropout: the global-batch loss is the same function in both runs
    mp.spawn(
        _worker,
        args=(_free_port(), str(tiny_encoder_dir), train_specs, str(tmp_path / "ddp")),
        nprocs=2,
        join=True,
    )
    train(
        tiny_encoder_dir,
        train_specs,
        tmp_path / "one",
        make_config("cosine", batch_size=8, **CFG),
        device="cpu",
    )
    ddp, one = (
        load_file(tmp_path / "ddp" / "model.safetensors"),
        load_file(tmp_path / "one" / "model.safetensors"),
    )
    start = load_file(tiny_encoder_dir / "model.safetensors")
    moved = [k for k in one if not torch.equal(one[k], start[k])]
    assert moved  # training changed the model
    for key in one:
        torch.testing.assert_close(ddp[key], one[key], rtol=1e-4, atol=1e-5)
    state = (tmp_path / "ddp" / "checkpoints" / "step-0000003" / "state.json").read_text()
    assert '"world_size": 2' in state
