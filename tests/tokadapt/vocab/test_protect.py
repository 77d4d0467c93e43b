"""Tokenization-preserving extension: protected text keeps its ids in every family, exhaustively."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import pytest
from tokenizers import Tokenizer
from vocab_helpers import FAMILY_FIXTURES, ids, input_tokenizer, output_tokenizer

from tokadapt.errors import InputFileError
from tokadapt.vocab import Manifest, extend_vocab
from tokadapt.vocab.protect import (
    Protection,
    file_texts,
    frequent_words,
    protected_texts,
    word_forms,
)

FAMILIES = sorted(FAMILY_FIXTURES)


def _words(names_by_locale: dict[str, list[str]]) -> list[str]:
    """Latin-script words of real text (CLDR names of en, de, fr, tr, vi)."""
    words = {
        w for loc in ("en", "de", "fr", "tr", "vi") for n in names_by_locale[loc] for w in n.split()
    }
    return sorted(w for w in words if w.isalpha())


@pytest.fixture(scope="module")
def victims(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    names_by_locale: dict[str, list[str]],
) -> dict[str, list[str]]:
    """Per family: the real Latin words whose ids the unprotected extension changes."""
    out = {}
    words = [f for w in _words(names_by_locale) for f in word_forms(w)]
    for kind in FAMILIES:
        src = request.getfixturevalue(FAMILY_FIXTURES[kind])
        dst = tmp_path_factory.mktemp(f"plain_{kind}") / "out"
        extend_vocab(src, dst, protect=False)
        before, after = ids(input_tokenizer(src), words), ids(output_tokenizer(dst), words)
        out[kind] = [w for w, a, b in zip(words, before, after, strict=True) if a != b]
    return out


@pytest.mark.parametrize("kind", FAMILIES)
def test_protected_words_keep_their_ids(
    kind: str,
    victims: dict[str, list[str]],
    original_script_texts: list[str],
    request: pytest.FixtureRequest,
    tmp_path: Path,
) -> None:
    assert victims[kind], "the unprotected extension changes no word: the test would be vacuous"
    (tmp_path / "words.txt").write_text("\n".join(victims[kind]) + "\n", encoding="utf-8")
    src = request.getfixturevalue(FAMILY_FIXTURES[kind])
    protection = Protection(lang=None, files=(str(tmp_path / "words.txt"),))
    result = extend_vocab(src, tmp_path / "out", protect=protection)
    before, after = input_tokenizer(src), output_tokenizer(tmp_path / "out")
    texts = protected_texts(protection)
    assert ids(before, texts) == ids(after, texts)
    assert ids(before, original_script_texts) == ids(after, original_script_texts)
    s = result.summary
    assert s["protect_demoted"] + s["protect_dropped"] > 0
    assert s["protected_changed_unguarded"] > 0 and s["new_pieces"] > 0


def test_unigram_demotes_and_records_in_manifest(
    unigram_dir: Path, victims: dict[str, list[str]], tmp_path: Path
) -> None:
    (tmp_path / "w.txt").write_text("\n".join(victims["unigram"]), encoding="utf-8")
    extend_vocab(unigram_dir, tmp_path / "out", protect=str(tmp_path / "w.txt"))
    manifest = Manifest.load(tmp_path / "out")
    demoted = manifest.options["protect"]["demoted"]
    assert demoted and manifest.counts["protect_demoted"] == len(demoted)
    by_piece = {p.piece: p for p in manifest.new_pieces}
    for piece, delta in list(demoted.items())[:50]:
        p = by_piece[piece]
        assert p.score == pytest.approx(max(p.source_scores) - delta, abs=1e-3)


def test_protection_off_keeps_plain_transmi(unigram_dir: Path, tmp_path: Path) -> None:
    a = extend_vocab(unigram_dir, tmp_path / "a", protect=False).summary
    assert a["protected_texts"] == 0 and a["protect_demoted"] == a["protect_dropped"] == 0


def test_word_forms_and_files(tmp_path: Path) -> None:
    assert word_forms("the") == ["the", "The", " the", " The"]
    assert word_forms("I") == ["I", " I"]
    (tmp_path / "p.txt").write_text("New York\n\nUnited\n", encoding="utf-8")
    assert file_texts(str(tmp_path / "p.txt")) == ["New York", "New", "York", "United", "United"]
    assert protected_texts(Protection(lang=None, files=(str(tmp_path / "p.txt"),))) == [
        "New York",
        "New",
        "York",
        "United",
    ]
    assert protected_texts(Protection.off()) == []


def test_missing_protect_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="protected-text file"):
        file_texts(str(tmp_path / "nope.txt"))


def test_frequent_words_from_wordfreq() -> None:
    words = frequent_words("en", 1000)
    assert len(words) == 1000 and "the" in words[:5]


def test_without_wordfreq_one_warning(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setitem(sys.modules, "wordfreq", None)
    with caplog.at_level(logging.WARNING):
        assert frequent_words("en", 10) == []
    assert len(caplog.records) == 1 and "pip install" in caplog.records[0].getMessage()


def test_default_protects_english(unigram_dir: Path, tmp_path: Path) -> None:
    s = extend_vocab(unigram_dir, tmp_path / "out").summary
    assert s["protected_texts"] > 100_000
    top = frequent_words("en", 2000)
    tok = Tokenizer.from_file(str(tmp_path / "out" / "tokenizer.json"))
    assert ids(input_tokenizer(unigram_dir), top) == ids(tok, top)
