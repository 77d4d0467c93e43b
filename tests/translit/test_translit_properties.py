"""Hypothesis properties of the romanizer (native core; the python fallback when not built).

Example counts are modest: the python fallback is uroman itself (~3k words/s).
"""

from __future__ import annotations

import pickle

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import translit
from translit._backend import load_core
from translit.vocab import split_piece

ANY_CHAR = st.characters(codec=None, exclude_categories=())  # includes lone surrogates
NO_SURROGATE = st.characters(exclude_categories=("Cs",))
COMBINING = st.sampled_from([chr(c) for c in range(0x300, 0x370)] + ["\u093f", "\u0e31", "\u200d"])
SCRIPT_SAMPLES = st.sampled_from(
    [
        "Привет",
        "Ελλάδα",
        "東京",
        "서울",
        "हिन्दी",
        "العربية",
        "ⴰⵣ",
        "⠓⠑",
        "१२३",
        "百分",
        " ",
        "\x00",
        "\t",
    ]
)
MIXED = st.lists(st.one_of(SCRIPT_SAMPLES, st.text(NO_SURROGATE, max_size=4)), max_size=8).map(
    "".join
)


def _native_built() -> bool:
    try:
        load_core()
    except translit.BackendError:
        return False
    return True


# the python fallback is uroman (~3k words/s): fewer examples when it is what runs
EXAMPLES = 150 if _native_built() else 30
CFG = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


def _rom(backend: str, **kw: str) -> translit.Romanizer:
    return translit.Romanizer(backend=backend, **kw)  # type: ignore[arg-type]


@CFG
@given(text=st.text(ANY_CHAR, max_size=40))
def test_never_crashes_with_replace(golden_backend: str, text: str) -> None:
    out = _rom(golden_backend, errors="replace").romanize(text)
    assert isinstance(out, str)
    assert not any(0xD800 <= ord(c) <= 0xDFFF for c in out)


@CFG
@given(text=st.text(ANY_CHAR, max_size=40))
def test_strict_rejects_exactly_lone_surrogates(golden_backend: str, text: str) -> None:
    has_surrogate = any(0xD800 <= ord(c) <= 0xDFFF for c in text)
    try:
        _rom(golden_backend).romanize(text)
    except translit.InputError as exc:
        assert has_surrogate and "surrogate" in str(exc)
    else:
        assert not has_surrogate


@CFG
@given(mark=COMBINING, text=MIXED)
def test_combining_mark_at_start_and_nul(golden_backend: str, mark: str, text: str) -> None:
    rom = _rom(golden_backend)
    for s in (mark + text, mark, text + "\x00" + mark, "\x00" + text):
        assert isinstance(rom.romanize(s), str)
        assert "".join(e.text for e in rom.edges(s)) == rom.romanize(s)


@CFG
@given(text=st.text(st.characters(max_codepoint=0x7F, codec="ascii"), max_size=60))
def test_ascii_in_ascii_out(golden_backend: str, text: str) -> None:
    assert _rom(golden_backend).romanize(text) == text


@CFG
@given(text=MIXED)
def test_edges_cover_input_and_concatenate_to_output(golden_backend: str, text: str) -> None:
    rom = _rom(golden_backend)
    edges = rom.edges(text)
    pos = 0
    for e in edges:
        assert e.start == pos and e.end >= e.start, (text, edges)
        pos = e.end
    assert pos == len(text)
    assert "".join(e.text for e in edges) == rom.romanize(text)


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(texts=st.lists(MIXED, max_size=30), lang=st.sampled_from([None, "rus", "ukr", "fas"]))
def test_batch_equals_map_for_any_thread_count(
    golden_backend: str, texts: list[str], lang: str | None
) -> None:
    rom = translit.Romanizer(lang, backend=golden_backend)  # type: ignore[arg-type]
    single = [rom.romanize(t) for t in texts]
    for threads in (1, 2, 4, 0):
        assert rom.romanize_batch(texts, num_threads=threads) == single


@CFG
@given(
    marker=st.sampled_from(["", "▁", "Ġ", "##"]),
    payload=MIXED.filter(bool),
    end=st.sampled_from(["", "</w>"]),
)
def test_vocab_mode_keeps_markers(golden_backend: str, marker: str, payload: str, end: str) -> None:
    piece = marker + payload + end
    parts = split_piece(piece)
    assert "".join(parts) == piece
    out = _rom(golden_backend).romanize_piece(piece)
    assert out == parts.prefix + _rom(golden_backend).romanize(parts.payload) + parts.suffix


@pytest.mark.parametrize(
    "piece", ["<0x00>", "<0xE2>", "<s>", "</s>", "<unk>", "[CLS]", "<|im_end|>"]
)
def test_vocab_mode_leaves_special_pieces(golden_backend: str, piece: str) -> None:
    assert _rom(golden_backend).romanize_piece(piece) == piece


def test_romanizer_pickles_with_its_settings(golden_backend: str) -> None:
    rom = translit.Romanizer("ukr", backend=golden_backend, errors="replace")  # type: ignore[arg-type]
    again = pickle.loads(pickle.dumps(rom))
    assert (again.lang, again.errors, again.implementation) == ("ukr", "replace", golden_backend)
    assert again.romanize("Игорь\ud800") == rom.romanize("Игорь\ud800")


@pytest.mark.slow
def test_ten_megabyte_line(native: str) -> None:
    unit = "Привет, мир! Ελλάδα 東京 हिन्दी. "
    rom = translit.Romanizer(backend=native)  # type: ignore[arg-type]
    one = rom.romanize(unit)
    assert rom.romanize(unit * 3) == one * 3  # the unit romanizes compositionally
    n = 10_000_000 // len(unit.encode("utf-8")) + 1
    assert rom.romanize(unit * n) == one * n


PIECE_PARTS = st.sampled_from(
    [
        "▁",
        "Ġ",
        "##",
        "</w>",
        "<",
        ">",
        "0x",
        "4F",
        "e2",
        "s",
        "|",
        "[",
        "]",
        "CLS",
        "мир",
        "东",
        " ",
        "unk",
        "/",
        "_",
    ]
)


@CFG
@given(piece=st.lists(PIECE_PARTS, max_size=7).map("".join))
def test_vocab_mode_follows_split_piece(golden_backend: str, piece: str) -> None:
    """Whatever splits pieces natively agrees with translit.vocab.split_piece."""
    rom = _rom(golden_backend)
    parts = split_piece(piece)
    want = parts.prefix + rom.romanize(parts.payload) + parts.suffix
    assert rom.romanize_piece(piece) == want
    assert rom.romanize_vocab([piece, piece], num_threads=2) == [want, want]


def test_romanizer_works_in_spawned_worker(golden_backend: str) -> None:
    """What a DataLoader worker does: receive the Romanizer pickled and use it."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    rom = translit.Romanizer("ukr", backend=golden_backend)  # type: ignore[arg-type]
    texts = ["Игорь", "Ελλάδα", "東京"]
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=ctx) as pool:
        assert list(pool.map(rom.romanize, texts)) == [rom.romanize(t) for t in texts]
