"""The native thread pool (issue 9 class 7, issue 10): persistent workers, a refused thread is a
Python exception (not SIGABRT), requests are capped, and a forked child gets a working pool."""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
from pathlib import Path

import pytest

import translit
from translit import _core

TEXTS = ["Привет мир", "नमस्ते", "東京"] * 400
HW = _core.build_info()["hardware_threads"]
LINUX = Path("/proc/self/task").is_dir()

_REFUSED = """
import resource, translit
rom = translit.Romanizer()
rom.romanize_batch(["Привет"], num_threads=1)
vm = int([l for l in open("/proc/self/status") if l.startswith("VmSize")][0].split()[1]) * 1024
resource.setrlimit(resource.RLIMIT_AS, (vm + (4 << 20), resource.RLIM_INFINITY))
try:
    rom.romanize_batch(["Привет мир"] * 1000, num_threads=1000)
except translit.ResourceError as exc:
    print("ResourceError:", exc)
print(rom.romanize_batch(["Привет мир"] * 1000, num_threads=1)[0])
"""


@pytest.mark.skipif(not LINUX or HW < 2, reason="needs Linux /proc and >= 2 hardware threads")
def test_refused_thread_is_a_resource_error_and_the_engine_stays_usable(native: str) -> None:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    proc = subprocess.run(
        [sys.executable, "-c", _REFUSED], capture_output=True, text=True, env=env, timeout=120
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "ResourceError: the operating system refused to start worker thread" in proc.stdout
    assert "ulimit" in proc.stdout and proc.stdout.strip().endswith("Privet mir")


_PERSIST = """
import os, translit
texts = ["Привет мир", "नमस्ते", "東京"] * 400
count = lambda: len(os.listdir("/proc/self/task"))
rom = translit.Romanizer()
want = rom.romanize_batch(texts, num_threads=1)
before = count()
assert rom.romanize_batch(texts, num_threads=10_000) == want
first = count()
for _ in range(5):
    assert rom.romanize_batch(texts, num_threads=10_000) == want
print(before, first, count())
"""


@pytest.mark.skipif(not LINUX or HW < 2, reason="needs Linux /proc and >= 2 hardware threads")
def test_workers_persist_and_requests_are_capped(native: str) -> None:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    proc = subprocess.run(
        [sys.executable, "-c", _PERSIST], capture_output=True, text=True, env=env, timeout=120
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    before, first, last = map(int, proc.stdout.split())
    assert before < first <= before + HW - 1  # workers started once, capped at the hardware
    assert last == first  # and reused, not started per call


def _child(queue: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    queue.put(translit.Romanizer().romanize_batch(TEXTS, num_threads=2)[:3])


@pytest.mark.skipif(not LINUX, reason="fork start method")
def test_forked_child_romanizes_with_threads(native: str) -> None:
    rom = translit.Romanizer()
    want = rom.romanize_batch(TEXTS, num_threads=2)[:3]  # the parent's pool is running
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    child = ctx.Process(target=_child, args=(queue,))
    child.start()
    child.join(60)
    assert child.exitcode == 0
    assert queue.get(timeout=5) == want
