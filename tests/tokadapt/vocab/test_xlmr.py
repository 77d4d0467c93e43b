"""The real XLM-R 250,002-piece Unigram tokenizer, extended end to end (slow: whole vocabulary)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tokenizers import Tokenizer
from vocab_helpers import fertility_by_script, has_latin_letter, ids, output_tokenizer

from tokadapt.vocab import ExtendResult, Manifest, extend_vocab

pytestmark = pytest.mark.slow

XLMR_SIZE = 250_002


@pytest.fixture(scope="module")
def tok_before(xlmr_spm_dir: Path) -> Tokenizer:
    return output_tokenizer(xlmr_spm_dir)


@pytest.fixture(scope="module")
def tok_after(xlmr: ExtendResult) -> Tokenizer:
    return output_tokenizer(xlmr.out_dir)


@pytest.fixture(scope="module")
def xlmr(xlmr_spm_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> ExtendResult:
    return extend_vocab(xlmr_spm_dir, tmp_path_factory.mktemp("xlmr_ext") / "out", mode="max")


def test_counts_and_contiguous_ids(xlmr: ExtendResult) -> None:
    s, manifest = xlmr.summary, Manifest.load(xlmr.out_dir)
    print("\nXLM-R summary:", json.dumps({k: v for k, v in s.items() if k != "files"}))
    assert manifest.base_vocab_size == XLMR_SIZE
    assert 90_000 < s["new_pieces"] < 120_000
    assert s["collisions"] > 1000 and s["empty"] > 100 and s["space"] > 0
    assert [p.id for p in manifest.new_pieces] == list(range(XLMR_SIZE, s["new_vocab_size"]))


def test_old_ids_unchanged_and_mask_stays(
    xlmr: ExtendResult, xlmr_spm_dir: Path, tok_after: Tokenizer
) -> None:
    before = json.loads((xlmr_spm_dir / "tokenizer.json").read_text(encoding="utf-8"))
    after = json.loads((xlmr.out_dir / "tokenizer.json").read_text(encoding="utf-8"))
    assert after["model"]["vocab"][:XLMR_SIZE] == before["model"]["vocab"]
    assert after["added_tokens"] == before["added_tokens"]
    assert tok_after.token_to_id("<mask>") == 250_001


def test_original_script_text_identical_ids(
    xlmr: ExtendResult,
    xlmr_spm_dir: Path,
    original_script_texts: list[str],
    tok_before: Tokenizer,
    tok_after: Tokenizer,
) -> None:
    before = ids(tok_before, original_script_texts)
    after = ids(tok_after, original_script_texts)
    assert [t for t, a, b in zip(original_script_texts, before, after, strict=True) if a != b] == []


def test_romanized_fertility_per_script(
    xlmr: ExtendResult,
    xlmr_spm_dir: Path,
    romanized_sample: tuple[list[str], list[str]],
    tok_before: Tokenizer,
    tok_after: Tokenizer,
) -> None:
    originals, romanized = romanized_sample
    table = fertility_by_script(tok_before, tok_after, originals, romanized)
    print("\nXLM-R fertility on romanized CLDR names (tokens/word), before -> after")
    for script, row in table.items():
        print(f"  {script:12s} {row['before']:6.2f} -> {row['after']:6.2f}  ({row['words']} words)")
    worse = [s for s, r in table.items() if r["after"] > r["before"]]
    assert worse == []
    assert sum(r["after"] < r["before"] for r in table.values()) > 0.8 * len(table)


def test_latin_change_share_is_measured(
    xlmr: ExtendResult,
    xlmr_spm_dir: Path,
    names_by_locale: dict[str, list[str]],
    tok_before: Tokenizer,
    tok_after: Tokenizer,
) -> None:
    english = [n for n in names_by_locale["en"] if has_latin_letter(n)]
    before = ids(tok_before, english)
    after = ids(tok_after, english)
    changed = [b for a, b in zip(before, after, strict=True) if a != b]
    print(
        f"\nXLM-R: {len(changed)}/{len(english)} English CLDR names change tokenization "
        f"({len(changed) / len(english):.1%})"
    )
    assert all(any(i >= XLMR_SIZE for i in b) for b in changed)


def test_sentencepiece_and_auto_tokenizer_load_the_output(
    xlmr: ExtendResult,
    xlmr_spm_dir: Path,
    romanized_sample: tuple[list[str], list[str]],
    original_script_texts: list[str],
    tok_before: Tokenizer,
    tok_after: Tokenizer,
) -> None:
    import sentencepiece as spm
    from transformers import AutoTokenizer

    out = xlmr.out_dir
    sp_before = spm.SentencePieceProcessor(model_file=str(xlmr_spm_dir / "sentencepiece.bpe.model"))
    sp_after = spm.SentencePieceProcessor(model_file=str(out / "sentencepiece.bpe.model"))
    assert sp_after.get_piece_size() == xlmr.manifest.new_vocab_size
    texts = original_script_texts[::50] + romanized_sample[1]
    hf_before, hf_after = (
        ids(tok_before, texts),
        ids(tok_after, texts),
    )
    agree_before = [sp_before.encode(t) == h for t, h in zip(texts, hf_before, strict=True)]
    agree_after = [sp_after.encode(t) == h for t, h in zip(texts, hf_after, strict=True)]
    assert sum(agree_before) > 0.95 * len(texts)
    assert all(b for a, b in zip(agree_before, agree_after, strict=True) if a)
    auto = AutoTokenizer.from_pretrained(str(out))
    assert auto(texts, add_special_tokens=False)["input_ids"] == hf_after


def test_latin_change_share_on_frequent_english_words(
    xlmr: ExtendResult, xlmr_spm_dir: Path, tok_before: Tokenizer, tok_after: Tokenizer
) -> None:
    import wordfreq

    words = [w for w in wordfreq.top_n_list("en", 10_000) if w.isalpha()]
    before = ids(tok_before, words)
    after = ids(tok_after, words)
    changed = [b for a, b in zip(before, after, strict=True) if a != b]
    print(
        f"\nXLM-R: {len(changed)}/{len(words)} of the most frequent English words change "
        f"tokenization ({len(changed) / len(words):.1%})"
    )
    assert all(any(i >= XLMR_SIZE for i in b) for b in changed)
