"""Unigram, byte-level BPE, character-level BPE and WordPiece: the extension's guarantees."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from vocab_helpers import (
    FAMILY_FIXTURES,
    fertility_by_script,
    has_latin_letter,
    ids,
    input_tokenizer,
    output_tokenizer,
)

from tokadapt.vocab import Manifest

KINDS = ["unigram", "unigram_spm", "bytelevel", "qwenlike", "charbpe", "wordpiece"]


@pytest.mark.parametrize("kind", KINDS)
def test_original_ids_and_pieces_unchanged(kind: str, extended: Callable) -> None:
    src, out, result = extended(kind)
    before, after = input_tokenizer(src), output_tokenizer(out)
    base = result.manifest.base_vocab_size
    assert base == before.get_vocab_size(with_added_tokens=True)
    assert [after.id_to_token(i) for i in range(base)] == [
        before.id_to_token(i) for i in range(base)
    ]


@pytest.mark.parametrize("kind", KINDS)
def test_new_ids_contiguous_after_the_old_ones(kind: str, extended: Callable) -> None:
    _, out, result = extended(kind)
    after, manifest = output_tokenizer(out), Manifest.load(out)
    base, new = manifest.base_vocab_size, manifest.new_pieces
    assert len(new) > 100
    assert [p.id for p in new] == list(range(base, base + len(new)))
    assert [after.token_to_id(p.piece) for p in new] == [p.id for p in new]
    assert after.get_vocab_size(with_added_tokens=True) == base + len(new)
    assert result.summary["new_pieces"] == len(new)


@pytest.mark.parametrize("kind", KINDS)
def test_original_script_text_keeps_identical_ids(
    kind: str, extended: Callable, original_script_texts: list[str]
) -> None:
    src, out, _ = extended(kind)
    before, after = (
        ids(input_tokenizer(src), original_script_texts),
        ids(output_tokenizer(out), original_script_texts),
    )
    diff = [t for t, a, b in zip(original_script_texts, before, after, strict=True) if a != b]
    assert len(original_script_texts) > 20000
    assert diff == []


@pytest.mark.parametrize("kind", KINDS)
def test_romanized_text_uses_new_pieces_and_fertility_drops(
    kind: str, extended: Callable, romanized_sample: tuple[list[str], list[str]]
) -> None:
    # TransMI's mechanism, without protection: these tiny tokenizers are trained on names in
    # 50 locales, so most romanized pieces are also pieces of frequent English words, and the
    # default protection (English keeps its ids) removes most of them (test_protect.py)
    src, out, result = extended(kind, protect=False)
    originals, romanized = romanized_sample
    before, after = input_tokenizer(src), output_tokenizer(out)
    base = result.manifest.base_vocab_size
    used = sum(1 for row in ids(after, romanized) for i in row if i >= base)
    table = fertility_by_script(before, after, originals, romanized)
    print(f"\n{kind}: fertility (tokens/word) on romanized CLDR names, before -> after")
    for script, row in table.items():
        print(f"  {script:12s} {row['before']:6.2f} -> {row['after']:6.2f}  ({row['words']} words)")
    assert used > len(romanized) // 2
    assert sum(r["after"] * r["words"] for r in table.values()) < 0.9 * sum(
        r["before"] * r["words"] for r in table.values()
    )


@pytest.mark.parametrize("kind", ["unigram", "charbpe", "wordpiece"])
def test_latin_words_change_only_through_new_pieces(
    kind: str, extended: Callable, names_by_locale: dict[str, list[str]]
) -> None:
    """English CLDR names that were never romanized: the share that changes is measured."""
    src, out, result = extended(kind)
    english = [n for n in names_by_locale["en"] if has_latin_letter(n)]
    before, after = ids(input_tokenizer(src), english), ids(output_tokenizer(out), english)
    base = result.manifest.base_vocab_size
    changed = [(a, b) for a, b in zip(before, after, strict=True) if a != b]
    print(
        f"\n{kind}: {len(changed)}/{len(english)} English names tokenize differently "
        f"({len(changed) / len(english):.1%})"
    )
    assert all(any(i >= base for i in b) for _, b in changed)


def test_manifest_round_trips_with_sources_that_romanize_to_the_piece(
    extended: Callable,
) -> None:
    import translit

    src, out, result = extended("unigram")
    manifest = Manifest.load(out)
    assert manifest.to_json() == result.manifest.to_json()
    demoted = manifest.options["protect"]["demoted"]  # lowered so English keeps its ids
    before = input_tokenizer(src)
    rom = translit.Romanizer()
    for piece in manifest.new_pieces[:200]:
        originals = [before.id_to_token(i) for i in piece.sources]
        assert rom.romanize_vocab(originals) == [piece.piece] * len(originals)
        assert piece.score + demoted.get(piece.piece, 0.0) == pytest.approx(
            max(piece.source_scores)
        )
    assert manifest.romanizer["signature"].startswith("translit:")
    assert manifest.input["files"]["tokenizer.json"]


@pytest.mark.parametrize("kind", ["unigram_spm", "bytelevel", "wordpiece"])
def test_output_is_byte_identical_across_runs_and_thread_counts(
    kind: str, extended: Callable, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    from tokadapt.vocab import extend_vocab

    _, out, _ = extended(kind)
    again = tmp_path / "again"
    extend_vocab(request.getfixturevalue(FAMILY_FIXTURES[kind]), again, num_threads=1)
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(p.name for p in again.iterdir())
    for name in names:
        assert (out / name).read_bytes() == (again / name).read_bytes(), name
