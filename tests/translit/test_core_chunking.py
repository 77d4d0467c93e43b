"""Long texts are romanized piece by piece (bounded memory, issue 9 class 7) with exactly the
output of one lattice: an engine that cuts at *every* safe position (chunk_size=1) must agree
with one that never cuts, on real words of 42 languages and on fuzzed mixtures."""

from __future__ import annotations

import functools
import random
from pathlib import Path
from typing import Any

import pytest
import wordfreq
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from translit import _core
from translit._backend import CppBackend
from translit._data import read_tables
from translit._regex_props import TABLE, regex_props_table

_NEVER = 1 << 40


@functools.lru_cache(maxsize=2)
def _engine(chunk_size: int) -> Any:
    tables = {**read_tables(), TABLE: regex_props_table(_core.unassigned_ranges())}
    return _core.Engine(tables, chunk_size)


def _words(lang: str, n: int = 400) -> list[str]:
    return wordfreq.top_n_list(lang, n)


def _agree(text: str) -> bool:
    return _engine(1).romanize(text, "") == _engine(_NEVER).romanize(text, "")


def test_real_text_of_every_wordfreq_language(native: str) -> None:
    rng = random.Random(9)
    bad, cuts = [], 0
    for lang in sorted(wordfreq.available_languages()):
        words = _words(lang)
        for _ in range(20):
            text = " ".join(rng.choice(words) for _ in range(rng.randint(2, 40)))
            cuts += len(_engine(1).chunk_cuts(text))
            if not _agree(text):
                bad.append((lang, text))
    assert not bad, bad[:5]
    assert cuts > 5000  # the comparison really cut the texts


def test_default_engine_cuts_long_lines_without_changing_them(native: str) -> None:
    words = _words("ru", 2000) + _words("hi", 2000) + _words("zh", 500)
    text = " ".join(random.Random(3).choice(words) for _ in range(30000))
    assert len(text) > 2 * 32768
    assert CppBackend()._engine.romanize(text, "") == _engine(_NEVER).romanize(text, "")


_PARTS = st.one_of(
    st.sampled_from(_words("ru", 50) + _words("ar", 50) + _words("ja", 50) + _words("hi", 50)),
    st.sampled_from([" ", "  ", "。", "，", "、", "12", "½", "\u0301", "\u093f", "ก", "ไทย", "⠓⠑"]),
    st.text(max_size=3),
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(parts=st.lists(_PARTS, max_size=12), glue=st.sampled_from([" ", "", "。", " 3 "]))
def test_fuzzed_mixtures_agree(native: str, parts: list[str], glue: str) -> None:
    text = glue.join(parts)
    assert _agree(text), text


_PEAK = """
import random, wordfreq, translit
def kib(key):
    return int(next(l for l in open("/proc/self/status") if l.startswith(key)).split()[1])
words = wordfreq.top_n_list("ru", 3000) + wordfreq.top_n_list("hi", 3000)
rng = random.Random(5)
line = " ".join(rng.choice(words) for _ in range(400_000))
rom = translit.Romanizer()
rom.romanize_batch(["Привет"], 1)
with open("/proc/self/clear_refs", "w") as f:
    f.write("5")  # resets the peak (VmHWM) to the current RSS
before = kib("VmRSS")
out = rom.romanize_batch([line], 1)[0]
print(len(line.encode()), (kib("VmHWM") - before) * 1024, len(out))
"""


@pytest.mark.skipif(not Path("/proc/self/clear_refs").exists(), reason="Linux peak-RSS reset")
def test_peak_memory_of_a_long_line_is_bounded(native: str) -> None:
    import os
    import subprocess
    import sys

    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    proc = subprocess.run(
        [sys.executable, "-c", _PEAK], capture_output=True, text=True, env=env, timeout=300
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    n_bytes, grown, n_out = map(int, proc.stdout.split())
    assert n_bytes > 5_000_000 and n_out > 0
    assert grown <= 20 * n_bytes, f"{grown / n_bytes:.1f}x the line"
