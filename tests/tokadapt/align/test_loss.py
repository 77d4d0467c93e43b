"""The TCM loss against hand computation, its gradients and pooling."""

from __future__ import annotations

import math

import pytest
import torch

from tokadapt.align.loss import TCMHead, pool, tcm_loss


def brute_force_tcm(orig: list[list[float]], rom: list[list[float]], t: float) -> float:
    """Row-by-row InfoNCE over the 2N interleaved vectors, in plain Python."""
    xs = [v for pair in zip(orig, rom, strict=True) for v in pair]
    total = 0.0
    for j, xj in enumerate(xs):
        sims = {
            k: sum(a * b for a, b in zip(xj, xk, strict=True)) / t
            for k, xk in enumerate(xs)
            if k != j
        }
        total -= sims[j ^ 1] - math.log(sum(math.exp(s) for s in sims.values()))
    return total / len(xs)


def test_two_identical_pairs_has_closed_form() -> None:
    e = torch.eye(2)
    # each row: partner similarity 1, two negatives with similarity 0 -> log(1 + 2/e)
    assert float(tcm_loss(e, e.clone(), 1.0, "dot")) == pytest.approx(math.log(1 + 2 / math.e))


def test_matches_brute_force_dot_and_temperature() -> None:
    orig = [[0.5, -1.0, 2.0], [1.5, 0.0, -0.5], [0.2, 0.3, 0.1]]
    rom = [[0.4, -0.8, 1.5], [1.0, 0.5, -1.0], [-0.3, 0.2, 0.6]]
    for t in (1.0, 0.5):
        got = float(tcm_loss(torch.tensor(orig), torch.tensor(rom), t, "dot"))
        assert got == pytest.approx(brute_force_tcm(orig, rom, t), rel=1e-6)


def test_cosine_normalizes_first() -> None:
    orig = torch.tensor([[3.0, 4.0], [0.0, 2.0], [1.0, 1.0]])
    rom = torch.tensor([[6.0, 8.0], [1.0, 1.0], [0.0, 5.0]])
    unit = [[a / math.hypot(*v) for a in v] for v in orig.tolist()]
    unit_rom = [[a / math.hypot(*v) for a in v] for v in rom.tolist()]
    want = brute_force_tcm(unit, unit_rom, 0.05)
    assert float(tcm_loss(orig, rom, 0.05, "cosine")) == pytest.approx(want, rel=1e-5)
    assert float(tcm_loss(orig * 7, rom, 0.05, "cosine")) == pytest.approx(want, rel=1e-5)


def test_gradients_reach_both_sides() -> None:
    torch.manual_seed(0)
    orig = torch.randn(4, 8, requires_grad=True)
    rom = torch.randn(4, 8, requires_grad=True)
    tcm_loss(orig, rom, 1.0, "dot").backward()
    assert orig.grad is not None and rom.grad is not None
    assert orig.grad.abs().sum() > 0 and rom.grad.abs().sum() > 0


def test_single_pair_has_no_negative_and_zero_loss() -> None:
    orig = torch.randn(1, 4, requires_grad=True)
    loss = tcm_loss(orig, torch.randn(1, 4), 1.0, "dot")
    assert loss.item() == 0.0
    loss.backward()  # stays on the graph


def test_learnable_temperature_receives_gradient() -> None:
    head = TCMHead(0.05, "cosine", learnable=True)
    torch.manual_seed(1)
    head(torch.randn(3, 5), torch.randn(3, 5)).backward()
    assert head.log_temperature.grad is not None and head.log_temperature.grad != 0
    assert head.temperature.item() == pytest.approx(0.05)


def test_mean_pooling_skips_special_and_padding() -> None:
    hidden = torch.tensor([[[9.0], [1.0], [3.0], [9.0], [7.0]]])  # <s> a b </s> <pad>
    attn = torch.tensor([[1, 1, 1, 1, 0]])
    special = torch.tensor([[1, 0, 0, 1, 1]])
    assert pool(hidden, attn, special, "mean").item() == pytest.approx(2.0)
    assert pool(hidden, attn, special, "cls").item() == pytest.approx(9.0)
    assert pool(hidden, attn, special, "mean-all").item() == pytest.approx(22.0 / 4)
    only_special = torch.tensor([[1, 1, 1, 1, 1]])
    assert pool(hidden, attn, only_special, "mean").item() == pytest.approx(22.0 / 4)
