"""Clear errors on corrupt or unsupported input; the CLI; outputs never clobbered."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tokadapt.cli import main
from tokadapt.errors import ConfigError, InputFileError, OutputExistsError
from tokadapt.vocab import Manifest, extend_vocab


def test_missing_input_names_the_path(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match=r"nope.json does not exist"):
        extend_vocab(tmp_path / "nope.json", tmp_path / "out")


def test_truncated_tokenizer_json_is_reported(tmp_path: Path, unigram_dir: Path) -> None:
    bad = tmp_path / "tokenizer.json"
    bad.write_bytes((unigram_dir / "tokenizer.json").read_bytes()[:5000])
    with pytest.raises(InputFileError, match=r"tokenizer.json is not valid UTF-8 JSON.*truncated"):
        extend_vocab(bad, tmp_path / "out")


def test_json_that_is_not_a_tokenizer(tmp_path: Path) -> None:
    bad = tmp_path / "tokenizer.json"
    bad.write_text(json.dumps({"vocab": {"a": 0}}))
    with pytest.raises(InputFileError, match=r"not a Hugging Face tokenizer\.json"):
        extend_vocab(bad, tmp_path / "out")


def test_unsupported_model_type_lists_the_supported_ones(tmp_path: Path) -> None:
    bad = tmp_path / "tokenizer.json"
    bad.write_text(json.dumps({"model": {"type": "WordLevel", "vocab": {"a": 0}}}))
    with pytest.raises(InputFileError, match="'WordLevel' is not supported; supported: Unigram"):
        extend_vocab(bad, tmp_path / "out")


def test_garbage_sentencepiece_model(tmp_path: Path) -> None:
    bad = tmp_path / "spiece.model"
    bad.write_bytes(b"\xff\x00 this is not a protobuf")
    with pytest.raises(InputFileError, match=r"spiece.model is not a SentencePiece model"):
        extend_vocab(bad, tmp_path / "out")


def test_vocab_txt_without_unk(tmp_path: Path) -> None:
    bad = tmp_path / "vocab.txt"
    bad.write_text("a\nb\n##c\n")
    with pytest.raises(InputFileError, match=r"vocab.txt: a WordPiece vocab.txt needs an \[UNK\]"):
        extend_vocab(bad, tmp_path / "out")


def test_directory_without_a_tokenizer(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match=r"no tokenizer found; expected tokenizer\.json"):
        extend_vocab(tmp_path, tmp_path.with_name(tmp_path.name + "-out"))


def test_bad_options_are_refused_before_any_work(tmp_path: Path, unigram_dir: Path) -> None:
    with pytest.raises(ConfigError, match="merge mode must be one of max, min, mean"):
        extend_vocab(unigram_dir, tmp_path / "o", mode="average")
    with pytest.raises(ConfigError, match="max_new must be >= 0"):
        extend_vocab(unigram_dir, tmp_path / "o", max_new=-1)
    with pytest.raises(ConfigError, match=r"unknown language code 'Russian'.*did you mean rus"):
        extend_vocab(unigram_dir, tmp_path / "o", lang="Russian")
    assert not (tmp_path / "o").exists()


def test_non_empty_output_is_refused_and_untouched(tmp_path: Path, unigram_dir: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    with pytest.raises(OutputExistsError, match="--overwrite"):
        extend_vocab(unigram_dir, out)
    assert [p.name for p in out.iterdir()] == ["keep.txt"]


def test_cli_summary_and_json(
    tmp_path: Path, unigram_dir: Path, capsys: pytest.CaptureFixture
) -> None:
    out = tmp_path / "out"
    assert (
        main(
            [
                "extend-vocab",
                str(unigram_dir),
                "-o",
                str(out),
                "--mode",
                "mean",
                "--select",
                "Cyrillic,Greek",
                "--json",
            ]
        )
        == 0
    )
    summary = json.loads(capsys.readouterr().out)
    manifest = Manifest.load(out)
    assert summary["new_pieces"] == len(manifest.new_pieces) > 50
    assert manifest.mode == "mean" and manifest.options["select"] == ["Cyrillic", "Greek"]
    assert all(
        p.score == pytest.approx(sum(p.source_scores) / len(p.source_scores))
        for p in manifest.new_pieces
    )
    assert main(["extend-vocab", str(unigram_dir), "-o", str(out)]) == 2
    assert "exists and is not empty" in capsys.readouterr().err


def test_cli_text_summary_and_cap(
    tmp_path: Path, unigram_dir: Path, capsys: pytest.CaptureFixture
) -> None:
    out = tmp_path / "out"
    assert main(["extend-vocab", str(unigram_dir), "-o", str(out), "--max-new", "25"]) == 0
    text = capsys.readouterr().out
    assert "new pieces 25 " in text and "8,000 -> 8,025" in text
    manifest = Manifest.load(out)
    demoted = manifest.options["protect"]["demoted"]  # the cap keeps the best merged scores
    scores = [p.score + demoted.get(p.piece, 0.0) for p in manifest.new_pieces]
    assert scores == sorted(scores, reverse=True)


def test_min_mode_picks_the_lowest_source_score(extended: Callable) -> None:
    _, out, _ = extended("unigram", "min")
    manifest = Manifest.load(out)
    demoted = manifest.options["protect"]["demoted"]  # lowered so English keeps its ids
    multi = [p for p in manifest.new_pieces if len(p.sources) > 1]
    assert len(multi) > 20
    for p in multi:
        assert p.score + demoted.get(p.piece, 0.0) == pytest.approx(min(p.source_scores))
        assert p.chosen == min(zip(p.source_scores, p.sources, strict=True))[1]


def test_language_codes_per_script(tmp_path: Path, unigram_dir: Path) -> None:
    """Cyrillic pieces romanized with Ukrainian rules (г -> h), everything else without a code."""
    import translit

    result = extend_vocab(
        unigram_dir, tmp_path / "out", lang="Cyrillic=ukr", select="Cyrillic,Greek"
    )
    manifest = Manifest.load(tmp_path / "out")
    assert manifest.options["lang"] == {"*": "", "Cyrillic": "ukr"}
    pieces = json.loads((unigram_dir / "tokenizer.json").read_text(encoding="utf-8"))["model"][
        "vocab"
    ]
    ukr, plain = translit.Romanizer("ukr"), translit.Romanizer()
    differs = 0
    for p in manifest.new_pieces:
        src = pieces[p.sources[0]][0]
        rom = ukr if any("\u0400" <= c <= "\u04ff" for c in src) else plain
        assert rom.romanize_piece(src) == p.piece
        differs += ukr.romanize_piece(src) != plain.romanize_piece(src)
    assert differs > 10 and result.summary["lang"] == {"*": "", "Cyrillic": "ukr"}
    with pytest.raises(ConfigError, match="SCRIPT=LCODE"):
        extend_vocab(unigram_dir, tmp_path / "o2", lang="Cyrillic=ukr,oops")
