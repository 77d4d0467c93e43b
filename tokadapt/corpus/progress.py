"""Corpus progress: rows/s, MB/s (of input) and an ETA, as tqdm on a terminal or log lines.

Finished shards count exactly; shards being written count with their in-shard progress
(:mod:`tokadapt.corpus.beat`), so the rates and the ETA move within large shards too."""

from __future__ import annotations

import logging
import sys
import time
from typing import Any

log = logging.getLogger(__name__)


class Progress:
    """Counts finished shards; ``show=None`` picks tqdm when stderr is a terminal."""

    def __init__(
        self, total_bytes: int, total_shards: int, show: bool | None = None, every_s: float = 10.0
    ) -> None:
        self.total_bytes, self.total_shards = total_bytes, total_shards
        self.rows = self.bytes = self.shards = self.skipped = 0
        self.running: dict[str, tuple[int, int]] = {}  # shard -> (rows, bytes) done so far
        self.finished: set[str] = set()
        self.start = self.last_log = time.monotonic()
        self.every_s = every_s
        self._bar: Any = None
        if show is None:
            show = sys.stderr.isatty()
        if show:
            from tqdm import tqdm

            self._bar = tqdm(
                total=total_bytes, unit="B", unit_scale=True, desc="romanize-corpus", leave=False
            )

    def update(self, rows: int, nbytes: int, skipped: bool, shard: str | None = None) -> None:
        """A shard finished (or was skipped)."""
        self.running.pop(shard or "", None)
        self.finished.add(shard or "")
        self.rows += rows
        self.bytes += nbytes
        self.shards += 1
        self.skipped += skipped
        self._show()

    def partial(self, shard: str, rows: int, nbytes: int) -> None:
        """In-shard progress of a shard being written."""
        self.running[shard] = (rows, nbytes)
        self._show()

    def set_running(self, running: dict[str, tuple[int, int]]) -> None:
        """Replace the in-shard progress (polled beat files; finished shards ignored)."""
        self.running = {k: v for k, v in running.items() if k not in self.finished}
        self._show()

    def _show(self) -> None:
        if self._bar is not None:
            self._bar.n = self.done_bytes
            self._bar.set_postfix(rows_s=f"{self.rows_per_s:.0f}", shards=self.shards)
        now = time.monotonic()
        if self._bar is None and (now - self.last_log >= self.every_s or self.done):
            self.last_log = now
            log.info("%s", self.line())

    @property
    def done_rows(self) -> int:
        return self.rows + sum(r for r, _ in self.running.values())

    @property
    def done_bytes(self) -> int:
        return self.bytes + sum(b for _, b in self.running.values())

    @property
    def elapsed(self) -> float:
        return max(time.monotonic() - self.start, 1e-9)

    @property
    def rows_per_s(self) -> float:
        return self.done_rows / self.elapsed

    @property
    def mb_per_s(self) -> float:
        return self.done_bytes / 1e6 / self.elapsed

    @property
    def done(self) -> bool:
        return self.shards >= self.total_shards

    def eta_s(self) -> float | None:
        done = self.done_bytes
        if done == 0:
            return None
        return max(0, self.total_bytes - done) / (done / self.elapsed)

    def line(self) -> str:
        eta = self.eta_s()
        eta_text = "?" if eta is None else f"{eta:.0f}s"
        return (
            f"{self.shards}/{self.total_shards} shards ({self.skipped} already done, "
            f"{len(self.running)} running), {self.done_rows} rows, "
            f"{self.rows_per_s:.0f} rows/s, {self.mb_per_s:.1f} MB/s, "
            f"ETA {eta_text}"
        )

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
