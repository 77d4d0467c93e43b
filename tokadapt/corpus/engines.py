"""Run :func:`~tokadapt.corpus.shard.process_shard` over many shards: ``local`` or ``ray``.

``local``: a pool of processes on this machine (one shard per task, one native thread each;
with fewer shards than workers the spare cores become native threads inside each shard). A
worker that dies breaks the pool; its unfinished shards are resubmitted to a fresh pool.
``ray``: one Ray task per shard on an existing cluster (``address``) or a local one; Ray retries
a task whose worker died. Either way a retried shard is rewritten from scratch and committed
atomically, so retries never duplicate rows.
"""

from __future__ import annotations

import logging
import multiprocessing
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

from tokadapt.corpus.batch import RomanizeSpec
from tokadapt.corpus.shard import ShardResult, process_shard
from tokadapt.errors import ConfigError, TokadaptError, require

log = logging.getLogger(__name__)
ENGINES = ("local", "ray")
MAX_RETRIES = 3
Report = Callable[[ShardResult], None]
Poll = Callable[[], None]  # called about once a second while shards run (in-shard progress)
POLL_S = 1.0


def plan_threads(workers: int, shards: int) -> tuple[int, int]:
    """(processes, native threads per process) for ``workers`` cores and ``shards`` shards."""
    processes = max(1, min(workers, shards))
    return processes, max(1, workers // processes)


def _pool_round(
    todo: list[Path], out_dir: Path, spec: RomanizeSpec, workers: int, report: Report, poll: Poll
) -> list[Path]:
    """Run ``todo`` in one pool; return the shards left unfinished if a worker died."""
    processes, threads = plan_threads(workers, len(todo))
    ctx = multiprocessing.get_context("spawn")
    left = list(todo)
    with ProcessPoolExecutor(processes, mp_context=ctx) as pool:
        futures = {pool.submit(process_shard, s, out_dir, spec, threads): s for s in todo}
        pending = set(futures)
        while pending:
            done, pending = wait(pending, timeout=POLL_S, return_when=FIRST_COMPLETED)
            poll()
            for future in done:
                try:
                    result = future.result()
                except BrokenProcessPool:
                    continue
                left.remove(futures[future])
                report(result)
    return left


def run_local(
    shards: Sequence[Path],
    out_dir: Path,
    spec: RomanizeSpec,
    workers: int,
    report: Report,
    poll: Poll = lambda: None,
    on_progress: Callable[[str, int, int], None] | None = None,
) -> None:
    """``on_progress`` receives in-shard progress when shards run in this process; with a pool
    the workers write beat files and ``poll`` reads them."""
    if workers == 1 or len(shards) == 1:
        threads = plan_threads(workers, len(shards))[1]
        for shard in shards:
            report(process_shard(shard, out_dir, spec, threads, on_progress=on_progress))
        return
    todo = list(shards)
    for attempt in range(MAX_RETRIES + 1):
        todo = _pool_round(todo, out_dir, spec, workers, report, poll)
        if not todo:
            return
        log.warning(
            "a worker process died; retrying %d unfinished shard(s) (attempt %d of %d)",
            len(todo),
            attempt + 1,
            MAX_RETRIES,
        )
    raise TokadaptError(
        f"{len(todo)} shard(s) failed after {MAX_RETRIES} retries because worker processes "
        f"kept dying (first: {todo[0]}); check memory limits and rerun: finished shards are kept"
    )


def _ray_init(ray: Any, address: str | None, workers: int) -> bool:
    """Connect to ``address`` or start a local cluster; True when we started it."""
    if ray.is_initialized():
        return False
    if address:
        ray.init(address=address, log_to_driver=False)
        return False
    ray.init(num_cpus=workers, include_dashboard=False, log_to_driver=False)
    return True


def run_ray(
    shards: Sequence[Path],
    out_dir: Path,
    spec: RomanizeSpec,
    workers: int | None,
    report: Report,
    address: str | None = None,
    poll: Poll = lambda: None,
) -> None:
    ray: Any = require("ray", "scale", "ray[data]")
    started = _ray_init(ray, address, workers or 2)
    try:
        task = ray.remote(num_cpus=1, max_retries=MAX_RETRIES, retry_exceptions=False)(
            process_shard
        )
        limit = workers or len(shards)
        queue, running = list(shards), list[Any]()
        while queue or running:
            while queue and len(running) < limit:
                running.append(task.remote(str(queue.pop(0)), str(out_dir), spec, 1))
            done, running = ray.wait(running, num_returns=1, timeout=POLL_S)
            poll()
            for ref in done:
                report(ray.get(ref))
    finally:
        if started:
            ray.shutdown()


def check_engine(engine: str) -> None:
    if engine not in ENGINES:
        raise ConfigError(f"engine must be one of {', '.join(ENGINES)}, got {engine!r}")
