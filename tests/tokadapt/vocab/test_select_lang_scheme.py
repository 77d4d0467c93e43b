"""#9 class 5: --select / --lang / --scheme are validated (ISO 15924, ISO 639-3, FLORES-200)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tokadapt.cli import main
from tokadapt.data.scripts import normalize_select
from tokadapt.errors import ConfigError
from tokadapt.vocab.schemes import lang_by_script, romanizer_sets

pytest.importorskip("icu")


@pytest.mark.parametrize(
    ("given", "want"),
    [
        ("Cyrl", {"Cyrillic"}),
        ("cyrillic,GREK", {"Cyrillic", "Greek"}),
        ("Hani, deva", {"Han", "Devanagari"}),
        ("NON-LATIN", "non-latin"),
    ],
)
def test_select_accepts_codes_and_names(given: str, want: object) -> None:
    got = normalize_select(given)
    assert got == (frozenset(want) if isinstance(want, set) else want)


def test_select_unknown_script_suggests() -> None:
    with pytest.raises(ConfigError) as err:
        normalize_select("Cyrilic")
    assert str(err.value) == (
        "unknown script 'Cyrilic': not an ISO 15924 code or name known to ICU; did you mean "
        "Cyrillic, Syriac? (examples: Latn/Latin, Cyrl/Cyrillic, Hani/Han, Deva/Devanagari)"
    )


@pytest.mark.parametrize(
    ("lang", "codes"),
    [
        ("rus", {"*": "rus"}),
        ("rus_Cyrl", {"Cyrillic": "rus", "*": None}),
        ("cyrl=ukr,ARABIC=fas", {"Cyrillic": "ukr", "Arabic": "fas", "*": None}),
        ("Cyrillic=ukr_Cyrl,*=hin", {"Cyrillic": "ukr", "*": "hin"}),
        ({"Greek": "ell"}, {"Greek": "ell", "*": None}),
    ],
)
def test_lang_forms(lang: object, codes: dict[str, str | None]) -> None:
    assert lang_by_script(lang)[0] == codes  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("lang", "message"),
    [
        ("Cyrilic=ukr", "unknown script 'Cyrilic'.*did you mean Cyrillic"),
        ("Cyrillic=ukrr", "unknown language code 'ukrr'.*did you mean ukr"),
        ("ru", "unknown language code 'ru'.*did you mean rus"),
        ("Russian", "unknown language code 'Russian'.*did you mean rus"),
        ("rus_Cyrk", "unknown script 'Cyrk'.*did you mean .*Cyrillic"),
        ("Arabic=rus_Cyrl", "lang Arabic=rus_Cyrl: 'rus_Cyrl' is written in Cyrillic, not Arabic"),
        ("Cyrillic", "lang must be LCODE or SCRIPT=LCODE|unknown language code 'Cyrillic'"),
    ],
)
def test_lang_refused_with_suggestion(lang: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        lang_by_script(lang)


def test_schemes_times_scripts() -> None:
    sets, recorded = romanizer_sets("uroman,icu:bgn", "Cyrillic=ukr")
    assert list(sets) == ["uroman", "icu:bgn"] and recorded == {"*": "", "Cyrillic": "ukr"}
    assert sets["icu:bgn"]["Cyrillic"].romanize("Київ") == "Kyyiv"
    assert sets["uroman"]["Cyrillic"].lang == "ukr"
    with pytest.raises(ConfigError, match="unknown romanization scheme 'iso9'"):
        romanizer_sets("uroman,iso9", None)


@pytest.mark.parametrize(
    ("flag", "value", "message"),
    [
        ("--select", "Cyrilic", "unknown script 'Cyrilic'"),
        ("--lang", "Cyrilic=ukr", "unknown script 'Cyrilic'"),
        ("--lang", "xyzq", "unknown language code 'xyzq'"),
        ("--scheme", "icu:Nope-Latin", "ICU cannot build the transform 'Nope-Latin'"),
    ],
)
def test_cli_exit_2_one_line(
    flag: str, value: str, message: str, tmp_path: Path, unigram_dir: Path, capsys
) -> None:
    code = main(["extend-vocab", str(unigram_dir), "-o", str(tmp_path / "o"), flag, value])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1
    assert err.startswith(f"tokadapt extend-vocab: error: {message}")
    assert not (tmp_path / "o").exists()


def test_multi_scheme_merge_records_producers(tmp_path: Path, unigram_dir: Path) -> None:
    import json

    from tokadapt.vocab import Manifest, extend_vocab
    from translit import make_romanizer

    extend_vocab(unigram_dir, tmp_path / "u", select="Cyrl")
    extend_vocab(unigram_dir, tmp_path / "m", select="Cyrl", scheme="uroman,icu:iso9")
    only, multi = Manifest.load(tmp_path / "u"), Manifest.load(tmp_path / "m")
    assert multi.options["scheme"] == ["uroman", "icu:iso9"]
    assert set(multi.romanizer["schemes"]) == {"uroman", "icu:iso9"}
    assert len(only.new_pieces) > 20  # --select Cyrl selects (it used to select nothing)
    assert {p.piece for p in only.new_pieces} < {p.piece for p in multi.new_pieces}
    vocab = json.loads((unigram_dir / "tokenizer.json").read_text(encoding="utf-8"))["model"]
    roms = {s: make_romanizer(s) for s in ("uroman", "icu:iso9")}
    both = 0
    for p in multi.new_pieces:
        assert p.schemes and set(p.schemes) <= set(roms)
        for i in p.sources:  # every source romanizes to the piece under some producing scheme
            src = vocab["vocab"][i][0]
            assert any(roms[s].romanize_piece(src) == p.piece for s in p.schemes)
        both += len(p.schemes) == 2
    assert both > 0 and all(p.schemes == ["uroman"] for p in only.new_pieces)
