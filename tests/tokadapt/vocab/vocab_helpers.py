"""Reference implementations and measurements shared by the vocabulary tests."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

from tokenizers import Tokenizer

from tokadapt.data.scripts import char_script, text_script
from tokadapt.vocab.source import load_source

# Qwen2's special tokens, which its tokenizer.json lists after the model vocabulary
QWEN_SPECIALS = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]

#: test parameter name -> fixture that builds that family's input tokenizer (see conftest.py)
FAMILY_FIXTURES = {
    "unigram": "unigram_dir",
    "unigram_spm": "unigram_spm_dir",
    "bytelevel": "bytelevel_dir",
    "qwenlike": "qwenlike_dir",
    "charbpe": "charbpe_dir",
    "wordpiece": "wordpiece_dir",
}


def input_tokenizer(path: Path) -> Tokenizer:
    """The input as ``tokenizers`` sees it (vocab.txt / .model inputs converted as we convert)."""
    return Tokenizer.from_str(json.dumps(load_source(path).tokjson))


def output_tokenizer(out: Path) -> Tokenizer:
    return Tokenizer.from_file(str(out / "tokenizer.json"))


def has_latin_letter(text: str) -> bool:
    return any(char_script(c) == "Latin" for c in text)


def ids(tok: Tokenizer, texts: Sequence[str]) -> list[list[int]]:
    return [e.ids for e in tok.encode_batch(list(texts), add_special_tokens=False)]


def fertility_by_script(
    before: Tokenizer, after: Tokenizer, originals: Sequence[str], romanized: Sequence[str]
) -> dict[str, dict[str, float]]:
    """Tokens per word on romanized text, grouped by the script of the original text."""
    acc: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for orig, rom, a, b in zip(
        originals, romanized, ids(before, romanized), ids(after, romanized), strict=True
    ):
        row = acc[text_script(orig)]
        row[0] += max(1, len(rom.split()))
        row[1] += len(a)
        row[2] += len(b)
    return {
        s: {"words": w, "before": round(x / w, 3), "after": round(y / w, 3)}
        for s, (w, x, y) in sorted(acc.items())
    }


def wordpiece_reference(word: str, vocab: dict[str, int], unk: str = "[UNK]") -> list[str]:
    """Greedy longest-match-first WordPiece (BERT's algorithm), written from its description."""
    if len(word) > 100:
        return [unk]
    out, start = [], 0
    while start < len(word):
        end, cur = len(word), None
        while start < end:
            sub = word[start:end] if start == 0 else "##" + word[start:end]
            if sub in vocab:
                cur = sub
                break
            end -= 1
        if cur is None:
            return [unk]
        out.append(cur)
        start = end
    return out
