"""Native core vs the python fallback (uroman itself): same results and the same exceptions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from translit_goldens import golden_files, read_golden, read_known

import translit
from translit._data import reference_test_files as uroman_golden


def _sample_rows(step: int = 7) -> list[tuple[str, str]]:
    known = {(k.lcode, k.input) for k in read_known()}
    rows = [
        (r.lcode, r.input)
        for f in golden_files()
        for r in read_golden(f)[::step]
        if r.corpus != "xlmr" and (r.lcode, r.input) not in known
    ]
    src, _ = uroman_golden()
    lines = src.read_text(encoding="utf-8").splitlines()
    return rows + [("", line) for line in lines if not line.startswith("::lcode")]


def _pair(lcode: str, native: str) -> tuple[translit.Romanizer, translit.Romanizer]:
    return (
        translit.Romanizer(lcode or None, backend=native),  # type: ignore[arg-type]
        translit.Romanizer(lcode or None, backend="python"),
    )


def test_results_and_edges_match(native: str) -> None:
    failures = []
    for lcode, text in _sample_rows():
        cpp, ref = _pair(lcode, native)
        if cpp.romanize(text) != ref.romanize(text):
            failures.append(f"romanize lcode={lcode!r} {text!r}: {cpp.romanize(text)!r}")
        if cpp.edges(text) != ref.edges(text):
            failures.append(f"edges lcode={lcode!r} {text!r}: {cpp.edges(text)!r}")
    assert not failures, "\n".join(failures[:40])


def test_batch_matches_reference(native: str) -> None:
    texts = [t for lc, t in _sample_rows(11) if lc == ""]
    cpp, ref = _pair("", native)
    assert cpp.romanize_batch(texts, num_threads=2) == ref.romanize_batch(texts)


def _outcome(call: Callable[[], Any]) -> tuple[str, str]:
    try:
        return "ok", repr(call())
    except Exception as exc:
        return type(exc).__name__, str(exc)


BAD_CALLS: list[tuple[str, Callable[[str], Any]]] = [
    ("lone surrogate", lambda b: translit.Romanizer(backend=b).romanize("ab\ud800c")),
    ("low surrogate", lambda b: translit.Romanizer(backend=b).edges("\udfff")),
    (
        "replace surrogate",
        lambda b: translit.Romanizer(backend=b, errors="replace").romanize("a\ud83d"),
    ),
    ("bytes input", lambda b: translit.Romanizer(backend=b).romanize(b"abc")),  # type: ignore[arg-type]
    ("None input", lambda b: translit.Romanizer(backend=b).romanize(None)),  # type: ignore[arg-type]
    ("int input", lambda b: translit.Romanizer(backend=b).edges(5)),  # type: ignore[arg-type]
    ("bad lang", lambda b: translit.Romanizer("Russian", backend=b)),
    ("two-letter lang", lambda b: translit.Romanizer("ru", backend=b)),
    ("upper lang", lambda b: translit.Romanizer("RUS", backend=b)),
    ("int lang", lambda b: translit.Romanizer(7, backend=b)),  # type: ignore[arg-type]
    ("bad errors", lambda b: translit.Romanizer(backend=b, errors="ignore")),  # type: ignore[arg-type]
    ("batch bad item", lambda b: translit.Romanizer(backend=b).romanize_batch(["a", 3])),  # type: ignore[list-item]
    ("batch surrogate", lambda b: translit.Romanizer(backend=b).romanize_batch(["a", "\ud800"])),
    ("negative threads", lambda b: translit.Romanizer(backend=b).romanize_batch(["a"], -1)),
    ("vocab surrogate", lambda b: translit.Romanizer(backend=b).romanize_vocab(["▁\ud800"])),
    ("empty", lambda b: translit.Romanizer(backend=b).romanize("")),
    ("NUL", lambda b: translit.Romanizer(backend=b).romanize("a\x00б")),
    ("unknown lcode", lambda b: translit.Romanizer("zzz", backend=b).romanize("Щука")),
]


@pytest.mark.parametrize(("name", "call"), BAD_CALLS, ids=[n for n, _ in BAD_CALLS])
def test_same_exceptions(name: str, call: Callable[[str], Any], native: str) -> None:
    assert _outcome(lambda: call(native)) == _outcome(lambda: call("python"))


PIECES = st.sampled_from(
    ["Привет", "Ελλάδα", "東京", "서울", "हिन्दी", "العربية", "ⴰⵣ", "⠓⠑", "१२३", "٣٤", "ไทย", "ሰላም"]
)
MIXED = st.lists(st.one_of(PIECES, st.text(max_size=3)), max_size=6).map(" ".join)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=MIXED, lcode=st.sampled_from(["", "rus", "ukr", "fas", "hin", "ell"]))
def test_random_mixed_text_parity(native: str, text: str, lcode: str) -> None:
    cpp, ref = _pair(lcode, native)
    try:
        want = ref.romanize(text)
    except translit.InputError:
        raise
    except Exception:  # uroman itself crashes (e.g. 百分之): covered by known_differences.tsv
        assume(False)
    assert cpp.romanize(text) == want
    assert cpp.edges(text) == ref.edges(text)
