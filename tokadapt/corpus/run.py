"""``romanize_corpus``: discover shards, lock the output, run an engine, report progress."""

from __future__ import annotations

import fcntl
import logging
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tokadapt.corpus import manifest as mf
from tokadapt.corpus.batch import RomanizeSpec
from tokadapt.corpus.beat import read_beats
from tokadapt.corpus.engines import check_engine, run_local, run_ray
from tokadapt.corpus.inputs import discover
from tokadapt.corpus.progress import Progress
from tokadapt.corpus.shard import ShardResult
from tokadapt.errors import ConfigError, OutputExistsError

log = logging.getLogger(__name__)
LOCK_NAME = ".tokadapt-corpus.lock"


@dataclass(frozen=True)
class CorpusSummary:
    shards: int
    skipped: int
    rows: int
    input_bytes: int
    seconds: float

    @property
    def mb_per_s(self) -> float:
        return self.input_bytes / 1e6 / max(self.seconds, 1e-9)


@contextmanager
def output_lock(out_dir: Path) -> Iterator[None]:
    """One run per output directory; the OS drops the lock when a killed driver exits."""
    out_dir.mkdir(parents=True, exist_ok=True)
    handle = (out_dir / LOCK_NAME).open("a")
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise OutputExistsError(
                f"another romanize-corpus run is writing to {out_dir}; wait for it to finish "
                "or choose another output directory"
            ) from exc
        removed = mf.clean_temps(out_dir)
        if removed:
            log.info("removed %d temporary file(s) left by an interrupted run", removed)
        yield
        mf.clean_temps(out_dir)  # those of workers killed during this run (all have exited)
    finally:
        handle.close()


def romanize_corpus(
    inputs: Sequence[str],
    out_dir: str | os.PathLike[str],
    spec: RomanizeSpec,
    *,
    engine: str = "local",
    workers: int | None = None,
    ray_address: str | None = None,
    show_progress: bool | None = None,
) -> CorpusSummary:
    """Romanize every input shard into ``out_dir`` (one Parquet shard + manifest per input).

    Resumable and exactly-once: finished shards are skipped, unfinished ones redone.
    """
    check_engine(engine)
    if workers is not None and workers < 1:
        raise ConfigError(f"workers must be >= 1, got {workers}")
    shards = discover(list(inputs))
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise OutputExistsError(f"output {out} exists and is not a directory")
    total = sum(s.stat().st_size for s in shards)
    progress = Progress(total, len(shards), show=show_progress)

    def report(result: ShardResult) -> None:
        progress.update(result.rows, result.input_bytes, result.skipped, result.shard)

    def poll() -> None:  # in-shard progress of worker processes / Ray tasks
        progress.set_running(read_beats(out))

    with output_lock(out):
        try:
            if engine == "ray":
                run_ray(shards, out, spec, workers, report, ray_address, poll)
            else:
                cores = workers or (os.cpu_count() or 1)
                run_local(shards, out, spec, cores, report, poll, progress.partial)
        finally:
            progress.close()
    log.info("done: %s", progress.line())
    return CorpusSummary(
        progress.shards, progress.skipped, progress.rows, progress.bytes, progress.elapsed
    )
