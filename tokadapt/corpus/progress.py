"""Corpus progress: rows/s, MB/s (of input) and an ETA, as tqdm on a terminal or log lines."""

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

    def update(self, rows: int, nbytes: int, skipped: bool) -> None:
        self.rows += rows
        self.bytes += nbytes
        self.shards += 1
        self.skipped += skipped
        if self._bar is not None:
            self._bar.update(nbytes)
            self._bar.set_postfix(rows_s=f"{self.rows_per_s:.0f}", shards=self.shards)
        now = time.monotonic()
        if self._bar is None and (now - self.last_log >= self.every_s or self.done):
            self.last_log = now
            log.info("%s", self.line())

    @property
    def elapsed(self) -> float:
        return max(time.monotonic() - self.start, 1e-9)

    @property
    def rows_per_s(self) -> float:
        return self.rows / self.elapsed

    @property
    def mb_per_s(self) -> float:
        return self.bytes / 1e6 / self.elapsed

    @property
    def done(self) -> bool:
        return self.shards >= self.total_shards

    def eta_s(self) -> float | None:
        if self.bytes == 0:
            return None
        return (self.total_bytes - self.bytes) / (self.bytes / self.elapsed)

    def line(self) -> str:
        eta = self.eta_s()
        eta_text = "?" if eta is None else f"{eta:.0f}s"
        return (
            f"{self.shards}/{self.total_shards} shards ({self.skipped} already done), "
            f"{self.rows} rows, {self.rows_per_s:.0f} rows/s, {self.mb_per_s:.1f} MB/s, "
            f"ETA {eta_text}"
        )

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
