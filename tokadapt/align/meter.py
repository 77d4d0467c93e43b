"""Training metrics without host synchronisation: sums stay on the device between reads.

The step loop calls :meth:`StepMeter.add` per micro-batch (loss parts: device tensors, added
on the device; pairs, tokens and model FLOPs: host numbers taken from the CPU batch) and
:meth:`StepMeter.end_step` per optimizer step. Only :meth:`StepMeter.read`, every
``log_every`` steps, copies the sums to the host (one synchronisation) and turns them into the
interval's means, tokens/s, model TFLOP/s and MFU (:mod:`tokadapt.align.flops`).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import torch

from tokadapt.align import flops


@dataclass
class FlopModel:
    """What one micro-batch costs: the trained layers, the teacher's forward, the MLM head.

    With ``teacher_rows`` (a :class:`~tokadapt.align.teacher.TargetCache`'s ``drain``) the
    teacher is charged for the rows it computed, not for the cached ones; without it, for the
    batch's originals."""

    shape: flops.Shape
    teacher: flops.Shape | None = None
    head: tuple[int, int] | None = None  # (hidden, vocab) of the MLM head
    teacher_rows: Callable[[], tuple[int, int]] | None = None

    def micro_batch(self, raw: dict[str, Any]) -> float:
        lengths = list(raw["lengths"])
        total = flops.step_flops(self.shape, lengths)
        if self.teacher is not None and self.teacher_rows is not None:  # forward: a third
            total += flops.sums_flops(self.teacher, *self.teacher_rows()) / 3.0
        elif self.teacher is not None:  # the batch's originals
            total += flops.step_flops(self.teacher, lengths[: len(lengths) // 2]) / 3.0
        if self.head is not None and "labels" in raw:
            masked = int((raw["labels"] != -100).sum())
            total += flops.head_flops(*self.head, masked)
        return total


@dataclass
class StepMeter:
    """Accumulates one logging interval (see module doc)."""

    cost: FlopModel
    peak: float | None  # device peak FLOP/s for MFU (None: unknown, MFU not reported)
    sums: dict[str, torch.Tensor] = field(default_factory=dict)
    counts: dict[str, float] = field(default_factory=dict)
    steps: int = 0
    started: float = field(default_factory=time.perf_counter)

    def add(self, parts: dict[str, torch.Tensor], raw: dict[str, Any], scale: float) -> None:
        for key, value in parts.items():
            value = value.detach().float() * scale
            self.sums[key] = self.sums[key] + value if key in self.sums else value
        host = {
            "pairs": float(raw["pairs"]),
            "dropped": float(raw["dropped"]),
            "tokens": float(sum(raw["lengths"])),
            "flops": self.cost.micro_batch(raw),
        }
        for key, count in host.items():
            self.counts[key] = self.counts.get(key, 0.0) + count

    def end_step(self, grad_norm: torch.Tensor) -> None:
        norm = grad_norm.detach().float()
        self.sums["grad_norm"] = self.sums["grad_norm"] + norm if "grad_norm" in self.sums else norm
        self.steps += 1

    def exclude(self, seconds: float) -> None:
        """Leave ``seconds`` (an evaluation, a checkpoint) out of the interval's wall time."""
        self.started += seconds

    def restart(self) -> None:
        """Drop what was measured (after a warm-up, a checkpoint or an evaluation)."""
        self.sums, self.counts, self.steps = {}, {}, 0
        self.started = time.perf_counter()

    def read(self) -> dict[str, float]:
        """Means per step since the last read, rates over its wall time; then start anew."""
        if not self.steps:
            return {}
        keys = sorted(self.sums)
        values = torch.stack([self.sums[k] for k in keys]).cpu().tolist()  # the one sync
        seconds = max(time.perf_counter() - self.started, 1e-9)
        record = {k: v / self.steps for k, v in zip(keys, values, strict=True)}
        record.update(
            pairs=self.counts["pairs"] / self.steps,
            dropped=self.counts["dropped"] / self.steps,
            step_s=seconds / self.steps,
            tokens_per_s=self.counts["tokens"] / seconds,
            flops_per_step=self.counts["flops"] / self.steps,
            tflops_per_s=self.counts["flops"] / seconds / 1e12,
        )
        if self.peak:
            record["mfu"] = self.counts["flops"] / seconds / self.peak
        self.restart()
        return record
