"""Pairs that stay pairs: sentence splitting, near-duplicate keys and a shared truncation budget.

* :func:`split_sentences` — a line is cut after a sentence terminator (``. ! ? ।  ॥ ። ؟ 。``)
  that is followed by white space (or, for Ethiopic, the word separator ``፡``). Abbreviations
  are not guessed at; a line without terminators (Thai) stays whole.
* :func:`dedup_key` — case-folded letters and digits only: two lines with the same key are
  the same sentence up to punctuation, spacing and case, and only the first is kept.
* :func:`split_translation` / :func:`split_pair` — a training line ``text<TAB>translation``
  (the format of the evaluation files) carries its translation; split into sentences, a pair
  stays a pair only when both sides have as many sentences (else the line stays whole).
* :func:`cut_to_budget` — the prefix of a sentence that fits ``max_length`` tokens, cut at a
  token boundary. Romanizing *that prefix* (instead of truncating the romanization on its own)
  keeps both sides of a pair covering the same text: romanized text needs more tokens.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

_TERMINATOR = re.compile(r"(?<=[.!?\u0964\u0965\u1362\u061f\u3002])[\s\u1361]+")


def split_sentences(text: str) -> list[str]:
    """The sentences of ``text`` (stripped, non-empty) in order."""
    return [s.strip() for s in _TERMINATOR.split(text.strip()) if s.strip()]


def split_translation(line: str) -> tuple[str, str | None]:
    """``(text, translation)`` of a ``text<TAB>translation`` line (translation ``None`` when the
    line has no tab or the translation is empty); a further tab stays in the translation."""
    text, tab, translation = line.partition("\t")
    return text.strip(), (translation.strip() or None) if tab else None


def split_pair(line: str) -> list[str]:
    """The sentences of a training line; a ``text<TAB>translation`` line gives
    ``sentence<TAB>its translation`` items when both sides split into as many sentences, else
    the whole (normalized) line."""
    text, translation = split_translation(line)
    if translation is None:
        return split_sentences(text)
    a, b = split_sentences(text), split_sentences(translation)
    if len(a) == len(b):
        return [f"{x}\t{y}" for x, y in zip(a, b, strict=True)]
    return [f"{' '.join(a)}\t{' '.join(b)}"] if a else []


def dedup_key(text: str) -> str:
    """Letters and digits of ``text``, NFKC case-folded (see module docstring)."""
    norm = unicodedata.normalize("NFKC", text).casefold()
    return "".join(ch for ch in norm if unicodedata.category(ch)[0] in "LN")


def unique(texts: Iterable[str]) -> Iterator[str]:
    """``texts`` without near-duplicates (same :func:`dedup_key`) and without empty lines."""
    seen: set[str] = set()
    for text in texts:
        key = dedup_key(text)
        if key and key not in seen:
            seen.add(key)
            yield text


def cut_to_budget(tokenizer: Any, texts: Sequence[str], max_length: int) -> list[str]:
    """Each text cut to the characters its first ``max_length`` tokens (specials included)
    cover; texts that fit are returned unchanged."""
    enc = tokenizer(
        list(texts),
        truncation=True,
        max_length=max_length,
        return_offsets_mapping=True,
        return_special_tokens_mask=True,
    )
    out = []
    for text, offsets, special, ids in zip(
        texts, enc["offset_mapping"], enc["special_tokens_mask"], enc["input_ids"], strict=True
    ):
        if len(ids) < max_length:
            out.append(text)
            continue
        ends = [end for (_, end), sp in zip(offsets, special, strict=True) if not sp]
        out.append(text[: max(ends)].rstrip() if ends else text)
    return out
