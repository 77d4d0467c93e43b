"""The Arrow kernel: per-row and per-column languages, nulls, errors; HF datasets."""

from __future__ import annotations

import pyarrow as pa
import pytest
from corpus_helpers import sentences

import translit
from tokadapt.corpus import RomanizeSpec, romanize_dataset, romanize_table, romanize_texts
from tokadapt.errors import ConfigError, InputFileError


def test_per_row_language_matches_one_romanizer_per_language() -> None:
    rows = sentences(300)
    got = romanize_texts([t for t, _ in rows], [c for _, c in rows], num_threads=2)
    want = [translit.Romanizer(c).romanize(t) for t, c in rows]
    assert got == want


def test_nulls_stay_null_and_one_language_applies_to_all() -> None:
    got = romanize_texts(["Київ", None, "Львів"], "ukr")
    assert got == [translit.romanize("Київ", "ukr"), None, translit.romanize("Львів", "ukr")]


def test_table_gets_one_column_per_text_column_with_its_language() -> None:
    table = pa.table({"a": ["Москва"], "b": ["Αθήνα"]})
    spec = RomanizeSpec(text_columns=("a", "b"), column_langs={"a": "rus"})
    out = romanize_table(table, spec)
    assert out.column_names == ["a", "b", "a_rom", "b_rom"]
    assert out.column("a_rom").to_pylist() == [translit.romanize("Москва", "rus")]
    assert out.column("b_rom").to_pylist() == [translit.romanize("Αθήνα")]


def test_user_mistakes_are_typed_errors() -> None:
    with pytest.raises(ConfigError, match="exclude each other"):
        RomanizeSpec(lang="rus", lang_column="lang")
    with pytest.raises(ConfigError, match="scheme 'icu:xx' is not known"):
        RomanizeSpec(scheme="icu:xx")
    with pytest.raises(InputFileError, match="no column 'body'"):
        romanize_table(pa.table({"text": ["x"]}), RomanizeSpec(text_columns=("body",)))


def test_hf_dataset_and_iterable_dataset_get_the_same_column() -> None:
    datasets = pytest.importorskip("datasets")
    rows = sentences(100, seed=1)
    ds = datasets.Dataset.from_dict({"text": [t for t, _ in rows], "lang": [c for _, c in rows]})
    spec = RomanizeSpec(lang_column="lang")
    want = [translit.Romanizer(c).romanize(t) for t, c in rows]
    assert romanize_dataset(ds, spec, batch_size=32)["text_rom"] == want
    streamed = romanize_dataset(ds.to_iterable_dataset(), spec, batch_size=32)
    assert [r["text_rom"] for r in streamed] == want
