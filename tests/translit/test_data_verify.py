"""uroman's data tables are verified against the pinned release when they are loaded."""

from __future__ import annotations

import pytest

import translit
from translit import _data


def test_installed_tables_verify_as_the_pinned_release() -> None:
    assert _data.verified_version() == "1.3.1.1"
    assert f"uroman-data:1.3.1.1+{translit.data_hash()}|" in translit.signature()


def test_a_changed_table_is_a_data_error_naming_both_hashes() -> None:
    tables = dict(_data.read_tables())
    tables["Scripts.txt"] += "\n# edited"
    found = _data.tables_sha256(tables)
    with pytest.raises(translit.DataError, match=found) as info:
        _data.verify(tables)
    assert _data.PINNED_DATA_SHA256["1.3.1.1"] in str(info.value)
    assert isinstance(info.value, ValueError) and "pip install uroman==1.3.1.1" in str(info.value)


def test_a_missing_table_fails_verification() -> None:
    tables = dict(_data.read_tables())
    del tables["NumProps.jsonl"]
    with pytest.raises(translit.DataError, match="do not match the pinned release"):
        _data.verify(tables)


def test_signature_names_the_unicode_tables() -> None:
    """Machines whose unicodedata or regex differ romanize differently: the signature says so."""
    import unicodedata
    from importlib import metadata

    sig = translit.signature()
    assert f"|unicode:{unicodedata.unidata_version}+regex-{metadata.version('regex')}" in sig
