"""The one locale <-> ISO 639-3 <-> script table, and CLDR read through it."""

from __future__ import annotations

import pytest

import translit
from tokadapt.data import cldr, locales
from tokadapt.errors import ConfigError


def test_every_row_is_a_language_code_translit_accepts() -> None:
    for code, row in locales.TABLE.items():
        assert translit.Romanizer(row.iso639_3).lang == row.iso639_3, code
        assert len(row.script) == 4 and row.script[0].isupper(), code


def test_lookups_both_ways() -> None:
    assert locales.iso639_3("ru") == "rus" and locales.script_name("ka") == "Georgian"
    assert locales.from_iso639_3("ell") == ["el"]


def test_an_unknown_locale_names_the_fix() -> None:
    with pytest.raises(ConfigError, match=r"add a row to tokadapt/data/locales\.py"):
        locales.iso639_3("xx")


def test_bli_locales_come_from_the_table_and_babel_knows_them() -> None:
    assert cldr.LOCALES["uk"] == "ukr" and list(cldr.LOCALES) == list(cldr.BLI_LOCALES)
    for loc in cldr.BLI_LOCALES:
        assert cldr.names(loc, "territories")["JP"], loc


def test_unknown_cldr_locale_and_kind_are_config_errors() -> None:
    with pytest.raises(ConfigError, match="babel has no CLDR locale"):
        cldr.names("zz-not-a-locale", "territories")
    with pytest.raises(ConfigError, match="CLDR kind must be one of"):
        cldr.names("ru", "planets")
