"""Manifest file format and script detection (the pieces of extend_vocab that stand alone)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tokadapt.data.scripts import latin_only, normalize_select, selected, text_script
from tokadapt.errors import ConfigError, InputFileError
from tokadapt.vocab import Manifest, NewPiece


def _manifest(pieces: list[str]) -> Manifest:
    new = [NewPiece(10 + k, p, [k, k + 1], [-1.5, -2.0], -1.75) for k, p in enumerate(pieces)]
    return Manifest("unigram", "mean", 10, new, counts={"new_pieces": len(new)})


@pytest.mark.parametrize("pieces", [[], ["▁moskva", "a}, {b", '"}', "##x"]])
def test_manifest_round_trips_one_piece_per_line(tmp_path: Path, pieces: list[str]) -> None:
    path = _manifest(pieces).save(tmp_path)
    text = path.read_text(encoding="utf-8")
    assert json.loads(text) == _manifest(pieces).to_json()
    assert Manifest.load(tmp_path) == _manifest(pieces)
    assert text.count('"piece"') == len(pieces) == sum('"piece"' in ln for ln in text.splitlines())


def test_manifest_with_gaps_in_ids_is_refused(tmp_path: Path) -> None:
    data = _manifest(["a", "b"]).to_json()
    data["new_pieces"][1]["id"] = 13
    (tmp_path / "tokadapt_manifest.json").write_text(json.dumps(data))
    with pytest.raises(InputFileError, match="not contiguous"):
        Manifest.load(tmp_path)


@pytest.mark.parametrize(
    ("text", "script"),
    [
        ("Москва", "Cyrillic"),
        ("東京", "Han"),
        ("서울", "Hangul"),
        ("ᱥᱟᱱᱛᱟᱲᱤ", "Ol_Chiki"),
        ("ｆｕｌｌ", "Latin"),
        ("1990", "Common"),
        ("ـ", "Common"),  # tatweel: ICU Script=Common (extensions: Arabic, Syriac …)
        ("ـب", "Arabic"),
    ],
)
def test_text_script(text: str, script: str) -> None:
    assert text_script(text) == script


def test_latin_only_and_select() -> None:
    assert latin_only("moskva") and latin_only("čaj") and latin_only("o'zbek")
    assert not latin_only("12") and not latin_only(".") and not latin_only("mosква")
    scripts = normalize_select("cyrillic, GREEK")
    assert scripts == frozenset({"Cyrillic", "Greek"})
    assert selected("Москва", scripts) and not selected("東京", scripts)
    assert selected("東京", "non-latin") and not selected("café", "non-latin")
    with pytest.raises(ConfigError, match="non-empty list of script names"):
        normalize_select([])


class _CrashingRomanizer:
    """Romanizes like translit but raises on one piece (uroman crashes on one XLM-R piece)."""

    def __init__(self, bad: str) -> None:
        import translit

        self.bad, self.inner = bad, translit.Romanizer()

    def romanize_vocab(self, pieces: list[str], num_threads: int = 0) -> list[str]:
        if self.bad in pieces:
            raise RuntimeError("uroman crashed")
        return self.inner.romanize_vocab(pieces, num_threads)

    def romanize_piece(self, piece: str) -> str:
        return self.romanize_vocab([piece])[0]


def test_a_piece_that_crashes_the_romanizer_is_skipped_and_reported(unigram_dir: Path) -> None:
    from tokadapt.vocab.romanize import romanize_vocabulary
    from tokadapt.vocab.source import load_source

    src = load_source(unigram_dir)
    bad_id = next(i for i, p in enumerate(src.pieces) if p.startswith("▁А") and len(p) > 3)
    crashing = _CrashingRomanizer(src.pieces[bad_id])
    result = romanize_vocabulary(src, crashing, "all")  # type: ignore[arg-type]
    assert result.failed_ids == [bad_id] and result.counts["failed"] == 1
    assert bad_id not in result.candidates and len(result.candidates) > 1000


def test_manifest_json_has_every_new_piece_field() -> None:
    from dataclasses import fields

    row = _manifest(["a"]).to_json()["new_pieces"][0]
    assert set(row) == {f.name for f in fields(NewPiece)}
