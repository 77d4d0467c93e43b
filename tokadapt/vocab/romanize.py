"""Romanize a tokenizer's vocabulary with :mod:`translit` (vocabulary mode), piece by piece.

What happens to each piece (counted in the summary under the same names):

* ``protected``: special, added, control and unknown tokens are never romanized;
* ``not_utf8``: byte-level BPE tokens that are not complete UTF-8 (a fragment of a character)
  have no text to romanize;
* ``ascii``: ASCII payloads romanize to themselves (uroman passes ASCII through), not romanized;
* ``not_selected``: the piece's script is outside ``select`` (e.g. Latin under ``non-latin``);
* ``failed``: the romanizer raised on this piece (uroman crashes on one XLM-R piece); the piece is
  skipped and its id listed in the summary;
* ``unchanged``: the romanization equals the piece;
* ``empty``: the romanized payload is empty (marks such as Arabic tatweel) — dropped;
* ``space``: the romanized payload contains whitespace. A piece can never contain a word
  boundary (pre-tokenizers split there), so such romanizations are dropped, not split;
* ``not_latin``: the romanized payload has no Latin letter (digits, punctuation: ``१२`` → ``12``,
  ``।`` → ``.``) or still holds a letter of another script (left unromanized). Such pieces would
  also match digits, punctuation or original-script letters in text of *every* script, so adding
  them would change how original-script text is tokenized — dropped. Every new piece therefore
  contains a Latin letter and no other script's letter;
* ``unreachable``: the tokenizer's normalizer would change the new piece, or its pre-tokenizer
  would split it, so the tokenizer could never produce it — dropped;
* ``changed``: kept as a candidate new piece (in the vocabulary's own form: ``▁``/``##``/``</w>``
  markers kept, byte-level pieces re-encoded to the byte alphabet).
"""

from __future__ import annotations

import json
import logging
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Union

from tokadapt.data.scripts import latin_only, selected, text_script
from tokadapt.vocab.source import TokenizerSource
from translit.schemes import RomanizerLike
from translit.vocab import BYTE_LEVEL_SPACE, PieceParts, split_piece

log = logging.getLogger(__name__)

CHUNK = 4096
_WHITESPACE = re.compile(r"\s")
#: one romanizer, or one per script name with "*" for every other script
RomanizerChoice = Union[RomanizerLike, Mapping[str, RomanizerLike]]  # noqa: UP007 (a runtime alias)
_SPACE_MARKERS = ("\u2581", BYTE_LEVEL_SPACE)


@lru_cache(maxsize=1)
def byte_alphabet() -> dict[int, str]:
    """GPT-2's reversible byte → printable character map (the byte-level BPE alphabet)."""
    keep = [*range(ord("!"), ord("~") + 1), *range(ord("¡"), ord("¬") + 1), *range(ord("®"), 256)]
    table, extra = {}, 0
    for b in range(256):
        if b in keep:
            table[b] = chr(b)
        else:
            table[b] = chr(256 + extra)
            extra += 1
    return table


@lru_cache(maxsize=1)
def byte_decoder() -> dict[str, int]:
    return {c: b for b, c in byte_alphabet().items()}


def decode_byte_level(token: str) -> str | None:
    """The text of a byte-level token, or ``None`` if it is not complete UTF-8."""
    dec = byte_decoder()
    try:
        return bytes(dec[c] for c in token).decode("utf-8")
    except (KeyError, UnicodeDecodeError):
        return None


def encode_byte_level(text: str) -> str:
    table = byte_alphabet()
    return "".join(table[b] for b in text.encode("utf-8"))


@dataclass
class RomanizedVocab:
    """Candidate new pieces ``{original id: new piece}`` plus the per-reason counts."""

    candidates: dict[int, str]
    counts: Counter[str] = field(default_factory=Counter)
    failed_ids: list[int] = field(default_factory=list)


class _Reachability:
    """The tokenizer's own normalizer and pre-tokenizer, to test whether a payload survives."""

    def __init__(self, tokjson: dict[str, Any]) -> None:
        from tokenizers import Tokenizer

        mini = {k: tokjson.get(k) for k in ("version", "normalizer", "pre_tokenizer")}
        mini.update(
            added_tokens=[],
            truncation=None,
            padding=None,
            post_processor=None,
            decoder=None,
            model={"type": "WordLevel", "vocab": {"<unk>": 0}, "unk_token": "<unk>"},
        )
        tok = Tokenizer.from_str(json.dumps(mini))
        self.normalizer, self.pre_tokenizer = tok.normalizer, tok.pre_tokenizer

    def __call__(self, payload: str) -> bool:
        # in context ("a" + payload) so that normalizers which prepend "▁" still pass
        norm = self.normalizer
        if (
            norm is not None
            and norm.normalize_str("a" + payload) != norm.normalize_str("a") + payload
        ):
            return False
        if self.pre_tokenizer is None or payload.isalpha():
            return True  # no pre-tokenizer (Metaspace, byte-level, BERT, Whitespace) splits letters
        return len(self.pre_tokenizer.pre_tokenize_str(payload)) == 1


def _romanize_safe(rom: RomanizerLike, forms: list[str], num_threads: int) -> list[str | None]:
    """Romanize in chunks; a chunk that raises is redone piece by piece (failures → None)."""
    out: list[str | None] = []
    for start in range(0, len(forms), CHUNK):
        chunk = forms[start : start + CHUNK]
        try:
            out.extend(rom.romanize_vocab(chunk, num_threads=num_threads))
            continue
        except Exception as exc:  # the reference backend can crash on odd pieces
            log.debug("romanizer failed on a chunk (%s); retrying piece by piece", exc)
        for form in chunk:
            try:
                out.append(rom.romanize_piece(form))
            except Exception as exc:
                log.warning("romanizer failed on piece %r: %s; skipped", form, exc)
                out.append(None)
    return out


def _romanizable_form(src: TokenizerSource, piece: str) -> str | None:
    if not src.byte_level:
        return piece
    text = decode_byte_level(piece)
    if text is None:
        return None
    return BYTE_LEVEL_SPACE + text[1:] if text.startswith(" ") and len(text) > 1 else text


def _romanize_by_script(
    rom: RomanizerChoice, forms: list[str], split: list[PieceParts], num_threads: int
) -> list[str | None]:
    """One romanizer for all pieces, or per script (``{"Cyrillic": ukr, "*": default}``)."""
    if isinstance(rom, Mapping) and set(rom) == {"*"}:
        rom = rom["*"]
    if not isinstance(rom, Mapping):
        return _romanize_safe(rom, forms, num_threads)
    groups: dict[str, list[int]] = {}
    for k, parts in enumerate(split):
        script = text_script(parts.payload)
        groups.setdefault(script if script in rom else "*", []).append(k)
    out: list[str | None] = [None] * len(forms)
    for key, idx in sorted(groups.items()):
        for k, res in zip(
            idx, _romanize_safe(rom[key], [forms[k] for k in idx], num_threads), strict=True
        ):
            out[k] = res
    return out


def romanize_vocabulary(
    src: TokenizerSource, rom: RomanizerChoice, select: str | frozenset[str], num_threads: int = 0
) -> RomanizedVocab:
    """Romanize every eligible piece of ``src``; see the module docstring for the outcomes."""
    result = RomanizedVocab(candidates={})
    counts = result.counts
    ids, forms, split = [], [], []
    for i, piece in enumerate(src.pieces):
        if i in src.protected:
            counts["protected"] += 1
            continue
        form = _romanizable_form(src, piece)
        if form is None:
            counts["not_utf8"] += 1
            continue
        if (form[1:] if form[:1] in _SPACE_MARKERS else form).isascii():
            counts["ascii"] += 1  # ASCII payload (markers aside): uroman returns it unchanged
            continue
        parts = split_piece(form)
        if not selected(parts.payload, select):
            counts["not_selected"] += 1
        else:
            ids.append(i)
            forms.append(form)
            split.append(parts)
    counts["romanized"] = len(ids)
    reachable = _Reachability(src.tokjson)
    outs = _romanize_by_script(rom, forms, split, num_threads)
    for i, form, parts, out in zip(ids, forms, split, outs, strict=True):
        reason = _classify(form, parts, out, reachable)
        counts[reason] += 1
        if reason == "failed":
            result.failed_ids.append(i)
        elif reason == "changed":
            assert out is not None
            result.candidates[i] = _to_vocab_form(src, form, out)
    return result


def _classify(form: str, parts: PieceParts, out: str | None, reachable: _Reachability) -> str:
    if out is None:
        return "failed"
    if out == form:
        return "unchanged"
    payload = out[len(parts.prefix) : len(out) - len(parts.suffix)]
    if not payload.strip():
        return "empty"
    if _WHITESPACE.search(payload):
        return "space"
    if not latin_only(payload):
        return "not_latin"
    if not reachable(payload):
        return "unreachable"
    return "changed"


def _to_vocab_form(src: TokenizerSource, form: str, out: str) -> str:
    if not src.byte_level:
        return out
    if form.startswith(BYTE_LEVEL_SPACE) and out.startswith(BYTE_LEVEL_SPACE):
        out = " " + out[1:]
    return encode_byte_level(out)


def romanize_schemes(
    src: TokenizerSource,
    by_scheme: Mapping[str, RomanizerChoice],
    select: str | frozenset[str],
    num_threads: int = 0,
) -> tuple[RomanizedVocab, dict[str, dict[int, str]]]:
    """Romanize under every scheme: per-reason counts summed over schemes (one scheme: exactly
    :func:`romanize_vocabulary`), and ``{scheme: {original id: new piece}}``."""
    variants: dict[str, dict[int, str]] = {}
    total = RomanizedVocab(candidates={})
    for spec, rom in by_scheme.items():
        rv = romanize_vocabulary(src, rom, select, num_threads)
        variants[spec] = rv.candidates
        total.counts.update(rv.counts)
        total.failed_ids = sorted(set(total.failed_ids) | set(rv.failed_ids))
        for i, piece in rv.candidates.items():
            total.candidates.setdefault(i, piece)
        if len(by_scheme) > 1:
            log.info("scheme %s: %d candidate pieces", spec, len(rv.candidates))
    return total, variants
