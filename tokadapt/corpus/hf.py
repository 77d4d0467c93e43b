"""Romanized columns on Hugging Face ``datasets`` (``Dataset`` and ``IterableDataset``).

``romanize_dataset(ds, spec)`` adds one ``<column><suffix>`` string column per text column
with a batched ``map``; each batch is one GIL-free native call per language (``num_threads``
native threads, ``0`` = every core). An ``IterableDataset`` stays lazy and streams.
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from tokadapt.corpus.batch import RomanizeSpec, romanize_table
from tokadapt.errors import require

BATCH_SIZE = 4096


class _BatchFn:
    """Picklable batch function (``num_proc > 1`` and dataset fingerprints need one)."""

    def __init__(self, spec: RomanizeSpec, num_threads: int) -> None:
        self.spec, self.num_threads = spec, num_threads

    def __call__(self, batch: Any) -> Any:
        table = batch if isinstance(batch, pa.Table) else pa.table(dict(batch))
        out = romanize_table(table, self.spec, self.num_threads)
        names = [self.spec.output_column(c) for c in self.spec.text_columns]
        if isinstance(batch, pa.Table):
            return out.select(names)
        return {name: out.column(name).to_pylist() for name in names}


def romanize_dataset(
    dataset: Any,
    spec: RomanizeSpec | None = None,
    *,
    num_threads: int = 0,
    batch_size: int = BATCH_SIZE,
    num_proc: int | None = None,
) -> Any:
    """``dataset`` with romanized columns added (same type: ``Dataset`` or ``IterableDataset``)."""
    datasets: Any = require("datasets", "scale")
    spec = spec or RomanizeSpec()
    fn = _BatchFn(spec, num_threads)
    if isinstance(dataset, datasets.IterableDataset):
        return dataset.map(fn, batched=True, batch_size=batch_size)
    return dataset.map(
        fn,
        batched=True,
        batch_size=batch_size,
        num_proc=num_proc,
        desc="romanize",
    )
