"""The native engine as a component: build information, table errors, ASCII pass-through,
thread safety and long inputs."""

from __future__ import annotations

import unicodedata
from concurrent.futures import ThreadPoolExecutor

import pytest
from core_support import engine, reference_string

import translit
from translit import _core
from translit._data import DATA_FILES, read_tables


def test_build_info_names_unicode_and_reference(native: str) -> None:
    info = _core.build_info()
    assert info["uroman_reference"] == "1.3.1.1"
    assert info["unicode_version"] == unicodedata.unidata_version
    assert info["cxx_standard"] >= 201703


def test_missing_table_is_a_translit_data_error_naming_the_file(native: str) -> None:
    tables = dict(read_tables())
    del tables["NumProps.jsonl"]
    with pytest.raises(translit.DataError, match=r"NumProps\.jsonl"):
        _core.Engine(tables)


def test_core_input_errors_are_translit_input_errors(native: str) -> None:
    with pytest.raises(translit.InputError, match="surrogate"):
        _core.Engine(read_tables()).romanize_batch(["ok", "\ud800"], "", 1)


def test_engine_reads_exactly_the_data_files(native: str) -> None:
    assert set(read_tables()) == set(DATA_FILES)


@pytest.mark.parametrize("text", ["", " ", "hello, world!", "a  b\tc\x00d", "Mc Donald St. 1.5"])
def test_ascii_passes_through_like_uroman(native: str, text: str) -> None:
    assert engine().romanize(text, "") == reference_string(text) == text


def test_long_mixed_line_matches_uroman(native: str) -> None:
    text = " ".join(["Привет", "मित्र", "東京", "123", "ሰላም", "안녕"] * 40)
    assert engine().romanize(text, "") == reference_string(text)


def test_concurrent_calls_give_sequential_results(native: str) -> None:
    texts = ["Привет мир", "महात्मा गांधी", "北京欢迎你", "ちょっと", "བོད་སྐད"] * 40
    expected = [engine().romanize(t, "") for t in texts]
    with ThreadPoolExecutor(max_workers=4) as pool:
        got = list(pool.map(lambda t: engine().romanize(t, ""), texts))
    assert got == expected


def test_lone_surrogate_is_rejected(native: str) -> None:
    with pytest.raises(translit.InputError, match="surrogate at character offset 1"):
        engine().romanize("a\ud800b", "")
