"""Romanize one input shard into one committed Parquet shard (the unit every engine runs).

``process_shard`` is a plain picklable function of (input path, output dir, spec, threads): a
local process pool and Ray tasks call the same function, so the output bytes do not depend on
the engine or on the number of workers. Re-running it on a finished shard returns the existing
manifest without reading the input again beyond its hash.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from tokadapt.corpus import manifest as mf
from tokadapt.corpus.batch import RomanizeSpec, romanize_table
from tokadapt.corpus.beat import Beat, ByteMeter, Callback
from tokadapt.corpus.inputs import BATCH_ROWS, read_batches
from tokadapt.errors import InputFileError

log = logging.getLogger(__name__)
COMPRESSION = "zstd"


@dataclass(frozen=True)
class ShardResult:
    shard: str
    rows: int
    input_bytes: int
    skipped: bool


def _conform(table: pa.Table, schema: pa.Schema | None, shard: Path) -> pa.Table:
    if schema is None or table.schema.equals(schema):
        return table
    try:
        return table.select(schema.names).cast(schema)
    except (KeyError, pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
        raise InputFileError(
            f"{shard}: rows do not share one schema (first {schema}, later {table.schema}); "
            "give every row the same fields and types"
        ) from exc


def _write(
    shard: Path, tmp: Path, spec: RomanizeSpec, threads: int, batch_rows: int, beat: Beat
) -> int:
    writer: pq.ParquetWriter | None = None
    rows = 0
    meter = ByteMeter(shard)
    try:
        for table in read_batches(shard, batch_rows):
            beat(rows, meter.add(table))  # counted when read: the ETA moves with the input
            out = romanize_table(table, spec, threads)
            if writer is None:
                writer = pq.ParquetWriter(tmp, out.schema, compression=COMPRESSION)
            out = _conform(out, writer.schema, shard)
            writer.write_table(out, row_group_size=batch_rows)
            rows += out.num_rows
    finally:
        if writer is not None:
            writer.close()
    if writer is None:  # empty input: still one (empty) output shard
        columns = {c: pa.array([], pa.string()) for c in spec.text_columns}
        empty = romanize_table(pa.table(columns), spec, threads)
        pq.write_table(empty, tmp, compression=COMPRESSION)
    return rows


def process_shard(
    shard: str | Path,
    out_dir: str | Path,
    spec: RomanizeSpec,
    threads: int = 1,
    batch_rows: int = BATCH_ROWS,
    on_progress: Callback | None = None,
) -> ShardResult:
    """Romanize ``shard`` into ``out_dir`` exactly once (see :mod:`tokadapt.corpus.manifest`).

    Progress inside the shard goes to ``on_progress(shard, rows, bytes)``, or, without one
    (a worker process, a Ray task), to a beat file the driver polls (:mod:`.beat`)."""
    shard, out_dir = Path(shard), Path(out_dir)
    signature = f"{spec.signature()}|batch-rows:{batch_rows}|compression:{COMPRESSION}"
    input_sha = mf.file_sha256(shard)
    size = shard.stat().st_size
    if mf.is_done(out_dir, shard, input_sha, signature):
        done = mf.read_manifest(out_dir, shard)
        assert done is not None
        return ShardResult(str(shard), done.rows, size, skipped=True)
    name = f"{mf.output_name(shard)}.parquet"
    tmp = mf.temp_path(out_dir, name)
    beat = Beat(shard, out_dir, on_progress)
    try:
        rows = _write(shard, tmp, spec, threads, batch_rows, beat)
        out_sha, out_bytes = mf.file_sha256(tmp), tmp.stat().st_size
        mf.commit(tmp, out_dir / name)
    finally:
        tmp.unlink(missing_ok=True)
        beat.done()
    record = mf.ShardManifest(
        input=str(shard),
        input_sha256=input_sha,
        input_bytes=size,
        signature=signature,
        rows=rows,
        output=name,
        output_sha256=out_sha,
        output_bytes=out_bytes,
    )
    mf.write_manifest(out_dir, shard, record)
    log.debug("%s: %d rows -> %s", shard, rows, name)
    return ShardResult(str(shard), rows, size, skipped=False)
