"""Romanized columns on a Ray Data ``Dataset`` through ``map_batches`` (Arrow batches).

Each Ray task romanizes its batch with one GIL-free native call per language; use
``num_threads`` > 1 only with a matching ``num_cpus`` reservation.
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from tokadapt.corpus.batch import RomanizeSpec, romanize_table
from tokadapt.errors import require

BATCH_SIZE = 4096


class _RayBatchFn:
    def __init__(self, spec: RomanizeSpec, num_threads: int) -> None:
        self.spec, self.num_threads = spec, num_threads

    def __call__(self, batch: pa.Table) -> pa.Table:
        return romanize_table(batch, self.spec, self.num_threads)


def romanize_ray_dataset(
    dataset: Any,
    spec: RomanizeSpec | None = None,
    *,
    num_threads: int = 1,
    batch_size: int = BATCH_SIZE,
) -> Any:
    """``dataset.map_batches`` that appends the romanized columns (lazy, like all Ray Data)."""
    require("ray", "scale", "ray[data]")
    fn = _RayBatchFn(spec or RomanizeSpec(), num_threads)
    return dataset.map_batches(
        fn, batch_format="pyarrow", batch_size=batch_size, num_cpus=max(1, num_threads)
    )
