"""Two CPU processes (gloo): the all-gathered TCM loss and its gradients equal the
single-process loss and gradients on the same global batch."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import torch
import torch.distributed as dist
import torch.multiprocessing as mp

from tokadapt.align.loss import tcm_loss

SIZES = (3, 2)  # pairs per rank: uneven on purpose


def _setup(seed: int = 0) -> tuple[torch.nn.Linear, torch.Tensor, torch.Tensor]:
    torch.manual_seed(seed)
    encoder = torch.nn.Linear(6, 4)
    n = sum(SIZES)
    return encoder, torch.randn(n, 6), torch.randn(n, 6)


def _reference(similarity: str, temperature: float) -> tuple[float, list[torch.Tensor]]:
    encoder, a, b = _setup()
    loss = tcm_loss(encoder(a), encoder(b), temperature, similarity, gather=False)
    loss.backward()
    return loss.item(), [p.grad.clone() for p in encoder.parameters()]


def _worker(
    rank: int, world: int, init_file: str, similarity: str, temperature: float, out: str
) -> None:
    dist.init_process_group("gloo", init_method=f"file://{init_file}", rank=rank, world_size=world)
    try:
        encoder, a, b = _setup()
        lo = sum(SIZES[:rank])
        hi = lo + SIZES[rank]
        loss = tcm_loss(encoder(a[lo:hi]), encoder(b[lo:hi]), temperature, similarity)
        loss.backward()
        grads = [p.grad.clone() for p in encoder.parameters()]
        for g in grads:  # what DDP does: average over ranks
            dist.all_reduce(g)
            g /= world
        torch.save({"loss": loss.item(), "grads": grads}, Path(out) / f"rank{rank}.pt")
    finally:
        dist.destroy_process_group()


@pytest.mark.parametrize(("similarity", "temperature"), [("dot", 1.0), ("cosine", 0.05)])
def test_gathered_loss_and_grads_equal_single_process(
    tmp_path: Path, similarity: str, temperature: float
) -> None:
    os.environ.setdefault("GLOO_SOCKET_IFNAME", "lo")
    mp.spawn(
        _worker,
        args=(2, str(tmp_path / "init"), similarity, temperature, str(tmp_path)),
        nprocs=2,
        join=True,
    )
    want_loss, want_grads = _reference(similarity, temperature)
    for rank in range(2):
        got = torch.load(tmp_path / f"rank{rank}.pt")
        assert got["loss"] == pytest.approx(want_loss, rel=1e-6)
        for g, w in zip(got["grads"], want_grads, strict=True):
            torch.testing.assert_close(g, w, rtol=1e-5, atol=1e-6)


def test_local_only_negatives_would_differ() -> None:
    """Guards the test above: without the gather, per-rank losses are not the global one."""
    encoder, a, b = _setup()
    with torch.no_grad():
        full = tcm_loss(encoder(a), encoder(b), 1.0, "dot", gather=False).item()
        part = tcm_loss(encoder(a[:3]), encoder(b[:3]), 1.0, "dot", gather=False).item()
    assert abs(full - part) > 1e-3
