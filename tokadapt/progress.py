"""Progress of long runs: a tqdm bar on a terminal, periodic log lines otherwise.

>>> with progress(total=1000, desc="encode", unit="text") as bar:  # doctest: +SKIP
...     for batch in batches:
...         bar.update(len(batch), loss=0.3)

On a terminal (stderr is a TTY) this is a tqdm bar. When stderr is a pipe or a file, a bar
would print nothing useful, so every ``interval`` seconds (default 10, or the
``TOKADAPT_PROGRESS_INTERVAL`` environment variable) one line is logged to the
``tokadapt.progress`` logger: ``encode: 420/1000 text (42.0%), 35.1 text/s, ETA 0:00:16,
loss=0.3``, and a last line when work that lasted at least ``interval`` ends (a bar appears
only after 2 s). The library only logs; the CLI shows that logger on stderr with timestamps
unless ``--quiet`` (:func:`configure`). ``enabled=None`` (the default) means: on in the CLI,
off when the library is used from Python (pass ``True``).
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import time
from types import TracebackType
from typing import Any

log = logging.getLogger("tokadapt.progress")

INTERVAL_ENV = "TOKADAPT_PROGRESS_INTERVAL"
DEFAULT_INTERVAL = 10.0
NOTE_DELAY = 2.0
_pending: list[threading.Timer] = []
_state = {"quiet": False, "cli": False}  # library default: silent unless enabled=True


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is at the time (tests and callers may swap it)."""

    def emit(self, record: logging.LogRecord) -> None:
        self.stream = sys.stderr
        super().emit(record)


def configure(quiet: bool = False) -> None:
    """CLI setup: progress lines to stderr with a timestamp; ``quiet`` silences bars and lines."""
    _state["quiet"], _state["cli"] = quiet, True
    log.setLevel(logging.WARNING if quiet else logging.INFO)
    if not any(isinstance(h, _StderrHandler) for h in log.handlers):
        handler = _StderrHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(message)s"))
        log.addHandler(handler)
        log.propagate = False


def interval_from_env() -> float:
    raw = os.environ.get(INTERVAL_ENV, "")
    try:
        return max(float(raw), 0.0) if raw else DEFAULT_INTERVAL
    except ValueError:
        return DEFAULT_INTERVAL


def _clock(seconds: float) -> str:
    seconds = int(max(seconds, 0))
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


class Progress:
    """Counts work done; draws a bar (terminal) or logs a line every ``interval`` seconds."""

    def __init__(
        self,
        total: float | None,
        desc: str,
        unit: str = "it",
        *,
        initial: float = 0,
        enabled: bool | None = None,
        interval: float | None = None,
        scale: bool = False,
    ) -> None:
        self.total, self.desc, self.unit, self.n = total, desc, unit, float(initial)
        self.interval = interval_from_env() if interval is None else interval
        self.postfix: dict[str, Any] = {}
        self.start = self.last = time.monotonic()
        self._initial, self.scale = float(initial), scale
        self._logged = -1.0
        self.horizon: float | None = None  # where the work ends early unless told otherwise
        self.horizon_why = ""
        on = _state["cli"] and not _state["quiet"] if enabled is None else enabled
        self._bar = None
        self._lines = on and not sys.stderr.isatty()
        if on and sys.stderr.isatty():
            from tqdm.auto import tqdm

            self._bar = tqdm(
                total=total, initial=initial, desc=desc, unit=unit, unit_scale=scale,
                dynamic_ncols=True, delay=2.0,  # only work that lasts a couple of seconds
            )  # fmt: skip

    def update(self, n: float = 1, **postfix: Any) -> None:
        self.n += n
        if postfix:
            self.set_postfix(**postfix)
        if self._bar is not None:
            self._bar.update(n)
        elif self._lines and time.monotonic() - self.last >= self.interval:
            self.last, self._logged = time.monotonic(), self.n
            log.info("%s", self.line())

    def set_postfix(self, **postfix: Any) -> None:
        self.postfix.update(postfix)
        if self._bar is not None:  # tqdm's ETA is to total: the bar shows the horizon beside it
            ends = {} if self.horizon is None else {"ends_by": f"{self.horizon:,.0f}"}
            self._bar.set_postfix(**self.postfix, **ends, refresh=False)

    def set_horizon(self, n: float | None, why: str = "") -> None:
        """The work is expected to end at ``n`` (< total) unless something changes, e.g. an
        early stop: the ETA is then given to ``n``, with ``why`` and the time to ``total``."""
        self.horizon = n if n is not None and self.total and n < self.total else None
        self.horizon_why = why
        self.set_postfix()

    def line(self) -> str:
        """``desc: n/total unit (p%), rate unit/s, ETA h:mm:ss, key=value …``; with a horizon
        ``ETA h:mm:ss to unit H (why; h:mm:ss to unit total)``."""
        elapsed = max(time.monotonic() - self.start, 1e-9)
        rate = (self.n - self._initial) / elapsed
        div, unit = (1e6, f"M{self.unit}") if self.scale else (1.0, self.unit)
        done = f"{self.n / div:,.1f}" if self.scale else f"{self.n:,.0f}"
        if self.total:
            done += f"/{self.total / div:,.1f}" if self.scale else f"/{self.total:,.0f}"
        parts = [f"{self.desc}: {done} {unit}"]
        if self.total:
            parts[0] += f" ({100 * self.n / self.total:.1f}%)"
        slow = 0 < rate < 1 and not self.scale
        parts.append(f"{1 / rate:,.1f} s/{unit}" if slow else f"{rate / div:,.1f} {unit}/s")
        if self.total and rate > 0 and self.horizon is not None:
            parts.append(
                f"ETA {_clock((self.horizon - self.n) / rate)} to {self.unit} "
                f"{self.horizon:,.0f} ({self.horizon_why}; "
                f"{_clock((self.total - self.n) / rate)} to {self.unit} {self.total:,.0f})"
            )
        elif self.total and rate > 0:
            parts.append(f"ETA {_clock((self.total - self.n) / rate)}")
        parts += [f"{k}={v}" for k, v in self.postfix.items()]
        return ", ".join(parts)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None
        elif self._lines:
            self._lines = False
            if time.monotonic() - self.start < self.interval:
                return  # short work: no line at all (e.g. many small encode calls)
            done = _clock(time.monotonic() - self.start)
            if self._logged == self.n:  # the last periodic line already shows the end
                log.info("%s: done in %s", self.desc, done)
            else:
                log.info("%s (done in %s)", self.line(), done)

    def __enter__(self) -> Progress:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def progress(total: float | None, desc: str, unit: str = "it", **kw: Any) -> Progress:
    return Progress(total, desc, unit, **kw)


def note(command: str, message: str) -> None:
    """One line at the start of a stage of a multi-stage command (timestamped by the CLI, so
    the gaps between lines are the stages' durations); silent with ``--quiet``.

    Like a bar, a stage line appears only once the stage has lasted ``NOTE_DELAY`` seconds: a
    command that finishes (or fails on bad input) quickly prints nothing but its result or its
    one error line. The next note or :func:`end` cancels a line not yet shown.
    """
    if _state["quiet"]:
        return
    _cancel_pending()
    timer = threading.Timer(NOTE_DELAY, log.info, args=("%s: %s", command, message))
    timer.daemon = True
    _pending.append(timer)
    timer.start()


def say(command: str, message: str) -> None:
    """One line now (timestamped by the CLI), e.g. what a command chose before a long run;
    silent with ``--quiet`` and, as the bars are, in library use unless logging shows it."""
    if not _state["quiet"]:
        log.info("%s: %s", command, message)


def end() -> None:
    """The command is over: stage lines not shown yet are dropped."""
    _cancel_pending()


def _cancel_pending() -> None:
    while _pending:
        _pending.pop().cancel()
