"""Romanization schemes: the factory, ICU presets, exact ICU output per call and batched."""

from __future__ import annotations

import pickle

import pytest

import translit
from translit.errors import InputError
from translit.presets import preset_names
from translit.schemes import make_romanizer, parse_schemes

icu = pytest.importorskip("icu")
babel = pytest.importorskip("babel")
wordfreq = pytest.importorskip("wordfreq")

LOCALES = ("ru", "uk", "bg", "el", "hi", "bn", "ta", "zh", "ja", "ar", "fa", "he", "ko")
CLDR_ONLY = ("ka", "hy", "am", "th")
SPECS = [
    "icu:Any-Latin",
    "icu:Any-Latin; Latin-ASCII",
    "icu:Russian-Latin/BGN",
    *(f"icu:{n}" for n in preset_names() if not n.startswith("bgn")),
]


@pytest.fixture(scope="module")
def texts() -> list[str]:
    """Thousands of real strings: CLDR territory/language names and frequent words, 14 locales."""
    out: list[str] = []
    for loc in LOCALES:
        locale = babel.Locale.parse(loc)
        out += list(locale.territories.values())[:150] + list(locale.languages.values())[:150]
        out += wordfreq.top_n_list(loc, 200)
    for loc in CLDR_ONLY:  # no wordfreq list for these
        out += list(babel.Locale.parse(loc).territories.values())[:150]
    return out


def _icu_reference(spec: str, texts: list[str]) -> list[str]:
    rom = make_romanizer(spec)
    tr = (
        icu.Transliterator.createFromRules("ref", rom.transform.text)
        if rom.transform.is_rules
        else icu.Transliterator.createInstance(rom.transform.text)
    )
    return [tr.transliterate(t) for t in texts]


@pytest.mark.parametrize("spec", SPECS)
def test_icu_scheme_equals_pyicu_per_call_and_batched(spec: str, texts: list[str]) -> None:
    assert len(texts) > 6500
    want = _icu_reference(spec, texts)
    rom = make_romanizer(spec)
    assert [rom.romanize(t) for t in texts[:1500]] == want[:1500]
    for threads in (1, 2, 4):
        assert rom.romanize_batch(texts, num_threads=threads) == want


def test_presets_map_to_the_documented_icu_ids() -> None:
    ids = set(icu.Transliterator.getAvailableIDs())
    for name in preset_names():
        tr = make_romanizer(f"icu:{name}").transform
        if not tr.is_rules:
            assert set(tr.text.split("; ")) <= ids, name
    assert make_romanizer("icu:bgn", "ukr").transform.text == "Ukrainian-Latin/BGN"
    assert make_romanizer("icu:iso9-ascii").transform.text == "Cyrillic-Latin; Latin-ASCII"


@pytest.mark.parametrize(
    ("spec", "lang", "text", "out"),
    [
        ("icu:bgn", None, "Щука", "Shchuka"),
        ("icu:iso9-ascii", None, "Щука", "Suka"),
        ("icu:pinyin", None, "中国人 银行", "zhongguoren yinxing"),
        ("icu:iso15919", None, "हिन्दी", "hindī"),
        ("icu:ungegn-ascii", None, "Ελληνικά", "Ellinika"),
        ("icu:hepburn", None, "とうきょう", "toukyou"),
        ("uroman:rus", None, "Щука", "Shchuka"),
        ("uroman", "rus_Cyrl", "Щука", "Shchuka"),
    ],
)
def test_examples(spec: str, lang: str | None, text: str, out: str) -> None:
    assert make_romanizer(spec, lang).romanize(text) == out


def test_vocab_mode_keeps_markers_and_specials() -> None:
    rom = make_romanizer("icu:iso9")
    pieces = ["▁Щука", "Ġмир", "##ка", "<s>", "<0x41>", "[CLS]", "<|im_end|>", "мир</w>"]
    assert rom.romanize_vocab(pieces) == [
        "▁Ŝuka",
        "Ġmir",
        "##ka",
        "<s>",
        "<0x41>",
        "[CLS]",
        "<|im_end|>",
        "mir</w>",
    ]


def test_romanizer_scheme_argument_pickle_and_signature() -> None:
    rom = translit.Romanizer("ukr", scheme="icu:bgn")
    assert rom.scheme == "icu:bgn" and rom.romanize("Київ") == "Kyyiv"
    back = pickle.loads(pickle.dumps(rom))
    assert back.romanize("Київ") == "Kyyiv"
    sig = rom.signature()
    assert "scheme:icu:bgn" in sig and f"ICU {icu.ICU_VERSION}" in sig
    assert translit.Romanizer(scheme="uroman:hin").lang == "hin"
    assert pickle.loads(pickle.dumps(translit.Romanizer("rus"))).lang == "rus"


def test_errors() -> None:
    with pytest.raises(InputError, match="unknown romanization scheme 'rot13'"):
        make_romanizer("rot13")
    with pytest.raises(InputError, match="ICU cannot build the transform 'Foo-Latin'"):
        make_romanizer("icu:Foo-Latin")
    with pytest.raises(InputError, match="unknown language code 'russian'"):
        make_romanizer("uroman", "russian")
    with pytest.raises(InputError, match="cannot give character offsets"):
        make_romanizer("icu:iso9").edges("Щука")
    with pytest.raises(InputError, match="got one str"):
        make_romanizer("icu:iso9").romanize_vocab("Щука")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="got one str"):
        translit.Romanizer().romanize_vocab("Щука")


def test_parse_schemes_keeps_compound_ids() -> None:
    assert parse_schemes("uroman, icu:iso9,icu:Any-Latin; Latin-ASCII") == [
        "uroman",
        "icu:iso9",
        "icu:Any-Latin; Latin-ASCII",
    ]


def test_cli_scheme(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from translit.cli import main

    src, out = tmp_path / "in.txt", tmp_path / "out.txt"
    src.write_text("Щука\n::lcode ukr Київ\n", encoding="utf-8")
    assert main(["--scheme", "icu:bgn", "-i", str(src), "-o", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == "Shchuka\n::lcode ukr Kyyiv\n"
    assert main(["--scheme", "icu:nope", "-i", str(src), "-o", str(tmp_path / "x")]) == 2
