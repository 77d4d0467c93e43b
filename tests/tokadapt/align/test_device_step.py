"""FLOPs/MFU, length buckets, and the bf16 / DDP training step (CPU here, CUDA with ``gpu``)."""

from __future__ import annotations

import os
import socket

import pytest
import torch

from tokadapt.align import flops
from tokadapt.align.bucketing import LengthBuckets, pad_pairs
from tokadapt.align.config import make_config
from tokadapt.align.model import AlignModel

DEVICES = [pytest.param("cpu", id="cpu"), pytest.param("cuda", id="cuda", marks=pytest.mark.gpu)]


def _encoder(device: str) -> torch.nn.Module:
    from transformers import XLMRobertaConfig, XLMRobertaModel

    cfg = XLMRobertaConfig(vocab_size=300, hidden_size=32, num_hidden_layers=2,
                           num_attention_heads=2, intermediate_size=64,
                           hidden_dropout_prob=0.0, attention_probs_dropout_prob=0.0)  # fmt: skip
    torch.manual_seed(0)
    return XLMRobertaModel(cfg, add_pooling_layer=False).to(device)


def _batch(device: str) -> dict[str, torch.Tensor]:
    gen = torch.Generator().manual_seed(1)
    seqs = [[0, *torch.randint(5, 300, (n,), generator=gen).tolist(), 2] for n in (3, 9, 5, 12)]
    b = pad_pairs(seqs[:2], seqs[2:], pad_id=1)
    return {k: v.to(device) for k, v in b.items()}


def test_step_flops_formula() -> None:
    enc = _encoder("cpu")
    shape = flops.encoder_shape(enc)
    per_layer = 4 * 32 * 32 + 2 * 32 * 64  # q, k, v, o + the two MLP matrices
    assert shape == flops.Shape(2 * per_layer, 2, 32)
    assert flops.step_flops(shape, [3, 5]) == 6 * 2 * per_layer * 8 + 12 * 2 * 32 * (9 + 25)
    assert flops.encoder_shape(enc, layers=1).matmul_params == per_layer


def test_mfu_uses_peak_table() -> None:
    assert flops.mfu(989e12, 1.0, "NVIDIA H200") == pytest.approx(1.0)
    assert flops.peak_flops("NVIDIA H100 PCIe") == 756e12
    assert flops.mfu(1.0, 1.0, "some CPU") is None


def test_buckets_cover_every_pair_once_and_group_lengths() -> None:
    lengths = torch.randint(2, 120, (1000,), generator=torch.Generator().manual_seed(0)).tolist()
    sampler = LengthBuckets(lengths, 16, window=10, seed=3)
    got = sampler.batches()
    assert sorted(i for b in got for i in b) == list(range(1000))
    spread = [max(lengths[i] for i in b) - min(lengths[i] for i in b) for b in got]
    assert sum(spread) / len(spread) < 20  # random batches of 16 spread ~100


def test_pad_pairs_pads_to_batch_max() -> None:
    b = pad_pairs([[0, 7, 2]], [[0, 8, 9, 10, 11, 12, 13, 14, 2]], pad_id=1)
    assert b["input_ids"].shape == (2, 16)
    assert b["attention_mask"].sum(1).tolist() == [3, 9]
    assert b["special_tokens_mask"][1].nonzero().flatten().tolist() == [0, 8]


@pytest.mark.parametrize("device", DEVICES)
def test_bf16_step_loss_close_to_fp32(device: str) -> None:
    batch = _batch(device)
    losses = {}
    for precision in ("fp32", "bf16"):
        cfg = make_config(layer=2, precision=precision, mlm="off")
        model = AlignModel(_encoder(device), cfg, use_mlm=False).to(device)
        with torch.autocast(device, dtype=torch.bfloat16, enabled=precision == "bf16"):
            loss = model(batch)["loss"]
        loss.backward()
        losses[precision] = float(loss.detach())
    assert abs(losses["bf16"] - losses["fp32"]) <= 0.02 * abs(losses["fp32"]) + 0.02


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.parametrize(
    ("device", "backend"), [("cpu", "gloo"), pytest.param("cuda", "nccl", marks=pytest.mark.gpu)]
)
def test_ddp_single_rank_step_matches_plain(device: str, backend: str) -> None:
    import torch.distributed as dist

    os.environ.update(MASTER_ADDR="127.0.0.1", MASTER_PORT=str(_free_port()))
    dist.init_process_group(backend, rank=0, world_size=1)
    try:
        batch = _batch(device)
        cfg = make_config(layer=2, mlm="off")
        plain = AlignModel(_encoder(device), cfg, use_mlm=False).to(device)
        wrapped = torch.nn.parallel.DistributedDataParallel(
            AlignModel(_encoder(device), cfg, use_mlm=False).to(device)
        )
        a, b = plain(batch)["loss"], wrapped(batch)["loss"]
        b.backward()
        assert torch.isfinite(b) and float(a.detach()) == pytest.approx(float(b.detach()), rel=1e-5)
    finally:
        dist.destroy_process_group()
