"""Progress inside a shard: rows and input bytes done, reported while the shard is written.

A shard may hold gigabytes, so per-shard progress alone leaves the ETA blank for minutes.
:func:`~tokadapt.corpus.shard.process_shard` calls a :class:`Beat` after every record batch. In
the driver's own process the beat calls back directly; in a worker process or a Ray task it
writes a small JSON file ``.tokadapt-tmp-progress-<name>.json`` into the output directory
(atomically, at most once a second), which the driver polls with :func:`read_beats` while it
waits for shards to finish. The files carry the temporary prefix, so an interrupted run's are
cleaned like any other temporary, and a finished shard removes its own.

Input bytes are estimated per format: Parquet and Arrow by rows done over the file's rows
(from the metadata), text and JSONL by the UTF-8 bytes of the rows read.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from tokadapt.corpus import manifest as mf
from tokadapt.corpus.inputs import shard_format

BEAT_PREFIX = f"{mf.TMP_PREFIX}progress-"
Callback = Callable[[str, int, int], None]  # (shard, rows done, input bytes done)


def beat_path(out_dir: Path, shard: Path) -> Path:
    return out_dir / f"{BEAT_PREFIX}{mf.output_name(shard)}.json"


class ByteMeter:
    """Input bytes consumed after each batch of ``shard`` (estimated, at most the file size)."""

    def __init__(self, shard: Path) -> None:
        self.size = shard.stat().st_size
        self.fmt = shard_format(shard)
        self.rows = self.text_bytes = 0
        self.total_rows = 0
        if self.fmt == "parquet":
            self.total_rows = pq.ParquetFile(shard).metadata.num_rows
        elif self.fmt == "arrow":
            with pa.memory_map(str(shard)) as source:
                self.total_rows = sum(b.num_rows for b in pa.ipc.open_stream(source))

    def add(self, table: pa.Table) -> int:
        self.rows += table.num_rows
        if self.total_rows:
            return min(self.size, self.size * self.rows // self.total_rows)
        for column in table.columns:
            if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
                self.text_bytes += int(pc.sum(pc.binary_length(column)).as_py() or 0)
        return min(self.size, self.text_bytes + self.rows)


class Beat:
    """Report ``(rows, bytes)`` of one shard: to ``callback``, or to a beat file."""

    def __init__(
        self, shard: Path, out_dir: Path, callback: Callback | None = None, every_s: float = 1.0
    ) -> None:
        self.shard, self.path, self.callback = shard, beat_path(out_dir, shard), callback
        self.every_s, self.last = every_s, 0.0

    def __call__(self, rows: int, nbytes: int) -> None:
        if self.callback is not None:
            self.callback(str(self.shard), rows, nbytes)
            return
        now = time.monotonic()
        if now - self.last < self.every_s:
            return
        self.last = now
        tmp = self.path.with_name(f"{self.path.name}.{os.getpid()}")
        tmp.write_text(json.dumps({"shard": str(self.shard), "rows": rows, "bytes": nbytes}))
        tmp.replace(self.path)

    def done(self) -> None:
        self.path.unlink(missing_ok=True)


def read_beats(out_dir: Path) -> dict[str, tuple[int, int]]:
    """``{shard: (rows, bytes)}`` of the shards being written now (unreadable files skipped)."""
    found: dict[str, tuple[int, int]] = {}
    for path in out_dir.glob(f"{BEAT_PREFIX}*.json"):
        try:
            data = json.loads(path.read_text("utf-8"))
            found[str(data["shard"])] = (int(data["rows"]), int(data["bytes"]))
        except (OSError, ValueError, KeyError, TypeError):
            continue
    return found
