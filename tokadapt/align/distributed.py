"""Process-group helpers for ``torchrun`` and an all-gather that carries gradients.

``torchrun`` sets ``RANK``/``WORLD_SIZE``/``LOCAL_RANK``; :func:`init_from_env` starts the
process group (NCCL on CUDA, gloo on CPU) only when ``WORLD_SIZE > 1``, so a plain ``python``
run needs no launcher.

:func:`gather_with_grad` concatenates every rank's rows in rank order (ranks may hold different
numbers of rows). Every rank then computes the *same* global loss ``L``; its backward sums the
gradient of the gathered tensor over ranks and keeps this rank's rows, which is
``world_size * dL/dx_rank``. DDP averages parameter gradients over ranks, so the update equals
the gradient of ``L`` in a single process that saw the whole global batch.

The row counts are exchanged on the host: under NCCL through a side gloo group of CPU tensors,
so the step loop never waits for the device to learn them (an all-gather of CUDA tensors read
with ``.item()`` would stall the host until the GPU caught up).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import torch
import torch.distributed as dist


@dataclass(frozen=True)
class DistInfo:
    rank: int = 0
    world_size: int = 1
    local_rank: int = 0

    @property
    def is_main(self) -> bool:
        return self.rank == 0


def is_active() -> bool:
    return dist.is_available() and dist.is_initialized() and dist.get_world_size() > 1


def info() -> DistInfo:
    if dist.is_available() and dist.is_initialized():
        local = int(os.environ.get("LOCAL_RANK", dist.get_rank()))
        return DistInfo(dist.get_rank(), dist.get_world_size(), local)
    return DistInfo()


def init_from_env(device_type: str) -> DistInfo:
    """Join the process group that ``torchrun`` describes in the environment (if any)."""
    world = int(os.environ.get("WORLD_SIZE", "1"))
    if world > 1 and not dist.is_initialized():
        backend = "nccl" if device_type == "cuda" else "gloo"
        if device_type == "cuda":
            torch.cuda.set_device(int(os.environ.get("LOCAL_RANK", "0")))
        dist.init_process_group(backend=backend)
    return info()


_HOST_GROUP: dict[str, Any] = {}


def host_group() -> Any:
    """A gloo group for host-side integers (the default group itself when it is gloo)."""
    if dist.get_backend() == "gloo":
        return None
    if "group" not in _HOST_GROUP:  # created once, by every rank in the same order
        _HOST_GROUP["group"] = dist.new_group(backend="gloo")
    return _HOST_GROUP["group"]


def barrier() -> None:
    if is_active():
        dist.barrier()


def broadcast_object(obj: Any, src: int = 0) -> Any:
    """Send a picklable object from ``src`` to every rank (identity without a process group)."""
    if not is_active():
        return obj
    box = [obj]
    dist.broadcast_object_list(box, src=src)
    return box[0]


def all_sizes(n: int, device: torch.device | None = None) -> list[int]:
    """Every rank's ``n``, in rank order (exchanged on the host: no device synchronisation)."""
    if not is_active():
        return [n]
    local = torch.tensor([n], dtype=torch.long)
    out = [torch.zeros_like(local) for _ in range(dist.get_world_size())]
    dist.all_gather(out, local, group=host_group())
    return [int(t) for t in out]


class _GatherRows(torch.autograd.Function):
    @staticmethod
    def forward(ctx: Any, x: torch.Tensor, sizes: list[int]) -> torch.Tensor:  # type: ignore[override,unused-ignore]
        rank = dist.get_rank()
        width = max(sizes)
        padded = x.new_zeros((width, *x.shape[1:]))
        padded[: x.shape[0]] = x
        parts = [torch.empty_like(padded) for _ in sizes]
        dist.all_gather(parts, padded.contiguous())
        ctx.offset = sum(sizes[:rank])
        ctx.n = x.shape[0]
        return torch.cat([p[:n] for p, n in zip(parts, sizes, strict=True)])

    @staticmethod
    def backward(ctx: Any, grad: torch.Tensor) -> tuple[torch.Tensor, None]:  # type: ignore[override,unused-ignore]
        total = grad.contiguous().clone()
        dist.all_reduce(total, op=dist.ReduceOp.SUM)
        return total[ctx.offset : ctx.offset + ctx.n], None


def gather_with_grad(x: torch.Tensor) -> torch.Tensor:
    """Concatenate ``x`` (rows may differ per rank) over ranks, keeping the gradient path."""
    if not is_active():
        return x
    sizes = all_sizes(x.shape[0], x.device)
    if max(sizes) == 0:
        return x
    out: torch.Tensor = _GatherRows.apply(x, sizes)
    return out


def all_reduce_mean(value: torch.Tensor) -> torch.Tensor:
    """Mean of a tensor over ranks (for logging; no gradient)."""
    if not is_active():
        return value
    out = value.detach().clone()
    dist.all_reduce(out, op=dist.ReduceOp.SUM)
    return out / dist.get_world_size()
