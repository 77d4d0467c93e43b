"""Tokenization-preserving extension: protected text keeps its original ids, exhaustively.

After the family adapter appends the new pieces, every protected text (:mod:`.protect`) is
encoded by the original and by the extended tokenizer with the real ``tokenizers`` library. Where
the ids differ, new pieces won; they are handled per family and the check repeats until no
protected text changes (a fixed point; at most :data:`MAX_ROUNDS` rounds):

* **Unigram** — a changed text ``t`` has a Viterbi path through new pieces scoring ``S_new``
  above the original path's ``S_old`` (the old pieces' scores are unchanged). Each new piece on
  that path is *demoted* by ``S_new - S_old + MARGIN`` (the largest such need over all texts),
  so the original path wins again; a piece whose score would fall below the lowest original
  score is dropped instead (a lower score would move the unknown-piece penalty).
* **WordPiece** — a changed text holds a new id (a longer greedy match); that piece is
  *dropped*.
* **BPE** (appended merges, lowest priority) — a changed text holds tokens that only appended
  merges built (new ids, or old tokens absent from its original segmentation). A new piece is
  built by a left fold over its prefixes, so every romanized piece that *starts with* such a
  token is dropped, and so is every romanized piece whose text occurs *inside* the protected
  text (it can compete for it after a rebuild); the extension is rebuilt without them. Dropping
  only the piece that fired converged slowly on Qwen2 (the next piece needing the same
  intermediate re-creates it: 237 texts still changed after 7 rounds); this way, 2 rounds.

Demoting only ever lowers scores and dropping only removes pieces, so each round leaves fewer
winning paths; texts that still change after the last round raise (nothing is written).
"""

from __future__ import annotations

import bisect
import json
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from tokadapt.errors import InputFileError
from tokadapt.vocab.manifest import NewPiece
from tokadapt.vocab.merge import MergedPiece
from tokadapt.vocab.source import TokenizerSource

log = logging.getLogger(__name__)

MARGIN = 0.05
MAX_ROUNDS = 30
Merges = list[tuple[str, str]]
Build = Callable[[list[MergedPiece]], tuple[list[NewPiece], Merges, bytes]]


@dataclass
class PreserveReport:
    texts: int = 0
    changed_before: int = 0
    rounds: int = 0
    demoted: dict[str, float] = field(default_factory=dict)  # piece -> total demotion
    dropped: list[str] = field(default_factory=list)

    def merge(self, other: PreserveReport) -> None:
        """Add a second pass (after capping) to this report."""
        for piece, delta in other.demoted.items():
            self.demoted[piece] = self.demoted.get(piece, 0.0) + delta
        self.dropped.extend(other.dropped)
        self.rounds += other.rounds

    def counts(self) -> dict[str, int]:
        return {
            "protected_texts": self.texts,
            "protected_changed_unguarded": self.changed_before,
            "protect_demoted": len(self.demoted),
            "protect_dropped": len(self.dropped),
            "protect_rounds": self.rounds,
        }


def load_tokenizer(raw: bytes | str) -> Any:
    from tokenizers import Tokenizer

    return Tokenizer.from_str(raw.decode("utf-8") if isinstance(raw, bytes) else raw)


def encode_ids(tokenizer: Any, texts: Sequence[str]) -> list[list[int]]:
    return [e.ids for e in tokenizer.encode_batch(list(texts), add_special_tokens=False)]


@dataclass(frozen=True)
class Guard:
    """The protected texts and their ids under the original tokenizer."""

    texts: list[str]
    expected: list[list[int]]

    @classmethod
    def of(cls, src: TokenizerSource, texts: Sequence[str]) -> Guard:
        if not texts:
            return cls([], [])
        original = load_tokenizer(json.dumps(src.tokjson, ensure_ascii=False))
        return cls(list(texts), encode_ids(original, texts))


def changed(expected: list[list[int]], tokenizer: Any, texts: Sequence[str]) -> list[int]:
    """Indexes of the texts whose ids under ``tokenizer`` differ from ``expected``."""
    got = encode_ids(tokenizer, texts)
    return [i for i, (a, b) in enumerate(zip(expected, got, strict=True)) if a != b]


def preserve(
    src: TokenizerSource,
    merged: list[MergedPiece],
    guard: Guard,
    build: Build,
) -> tuple[list[MergedPiece], PreserveReport]:
    """The merged pieces, demoted or filtered until ``build(merged)`` keeps every text's ids."""
    texts, expected = guard.texts, guard.expected
    report = PreserveReport(texts=len(texts))
    if not texts:
        return merged, report
    floor = min((s for i, s in enumerate(src.scores) if i not in src.protected), default=0.0)
    todo = list(range(len(texts)))
    for rounds in range(MAX_ROUNDS + 1):
        new, _, raw = build(merged)
        tokenizer = load_tokenizer(raw)
        got_all = encode_ids(tokenizer, [texts[i] for i in todo])
        pairs = [(i, g) for i, g in zip(todo, got_all, strict=True) if g != expected[i]]
        bad = [i for i, _ in pairs]
        report.rounds = rounds
        if rounds == 0:
            report.changed_before = len(bad)
        if not bad:
            return merged, report
        got = [g for _, g in pairs]
        old = [expected[i] for i in bad]
        # lowering or removing new pieces cannot make a Unigram or WordPiece text that kept its
        # ids change; a BPE rebuild can take new merge paths, so BPE re-checks everything
        todo = list(range(len(texts))) if src.family == "bpe" else bad
        if src.family == "unigram":
            merged = _demote(src, merged, new, list(zip(old, got, strict=True)), floor, report)
        else:
            merged = _drop(src, merged, new, list(zip(old, got, strict=True)), report)
        log.info("protect round %d: %d protected texts changed", rounds + 1, len(bad))
    raise InputFileError(
        f"internal: {len(bad)} protected texts still tokenize differently after {MAX_ROUNDS} "
        f"rounds (e.g. {texts[bad[0]]!r}); nothing was written. Please report this"
    )


def _demote(
    src: TokenizerSource,
    merged: list[MergedPiece],
    new: list[NewPiece],
    pairs: list[tuple[list[int], list[int]]],
    floor: float,
    report: PreserveReport,
) -> list[MergedPiece]:
    base = src.base_vocab_size
    score = {p.id: p.score for p in new}
    need: dict[str, float] = {}
    for old, got in pairs:
        s_old = sum(src.scores[i] for i in old)
        s_new = sum(score[i] if i >= base else src.scores[i] for i in got)
        delta = max(s_new - s_old, 0.0) + MARGIN
        for i in got:
            if i >= base:
                piece = new[i - base].piece
                need[piece] = max(need.get(piece, 0.0), delta)
    out: list[MergedPiece] = []
    for m in merged:
        if m.piece not in need:
            out.append(m)
        elif m.score - need[m.piece] < floor:
            report.dropped.append(m.piece)
            report.demoted.pop(m.piece, None)
        else:
            report.demoted[m.piece] = report.demoted.get(m.piece, 0.0) + need[m.piece]
            out.append(replace(m, score=m.score - need[m.piece]))
    return out


def _drop(
    src: TokenizerSource,
    merged: list[MergedPiece],
    new: list[NewPiece],
    pairs: list[tuple[list[int], list[int]]],
    report: PreserveReport,
) -> list[MergedPiece]:
    base = src.base_vocab_size
    owners = _owners(new)
    romanized = sorted(p.piece for p in new if p.kind == "romanized")
    drop: set[str] = set()
    for old, got in pairs:
        for i in got:
            if i >= base:
                drop.add(owners[i - base])
            if src.family == "bpe" and (i >= base or i not in old):
                # a token an appended merge built: every piece whose merges pass through it
                # (BPE builds a piece by a left fold, so through its prefixes)
                token = new[i - base].piece if i >= base else src.pieces[i]
                drop.update(_starting_with(romanized, token))
    if src.family == "bpe":
        drop |= _inside(src, romanized, [old for old, _ in pairs])
    drop &= {m.piece for m in merged}
    report.dropped.extend(sorted(drop))
    return [m for m in merged if m.piece not in drop]


def _starting_with(ordered: list[str], prefix: str) -> list[str]:
    start = bisect.bisect_left(ordered, prefix)
    end = start
    while end < len(ordered) and ordered[end].startswith(prefix):
        end += 1
    return ordered[start:end]


def _inside(src: TokenizerSource, romanized: list[str], words: list[list[int]]) -> set[str]:
    """BPE: the romanized pieces whose text occurs inside a changed protected text. Dropping
    only the pieces that fired converges slowly (a rebuild gives the remaining pieces other
    merge paths, which fire on other texts: Qwen2 still had 237 changed texts after 7 rounds);
    a piece inside a protected word can always compete for it, so it goes at once."""
    model = src.tokjson["model"]
    markers = [
        m for m in (model.get("continuing_subword_prefix"), model.get("end_of_word_suffix")) if m
    ]

    def surface(token: str) -> str:
        for marker in markers:
            token = token.replace(marker, "")
        return token

    by_surface: dict[str, list[str]] = {}
    for piece in romanized:
        by_surface.setdefault(surface(piece), []).append(piece)
    longest = max((len(s) for s in by_surface), default=0)
    out: set[str] = set()
    for ids in words:
        word = "".join(surface(src.pieces[i]) for i in ids)
        for a in range(len(word)):
            for b in range(a + 2, min(len(word), a + longest) + 1):
                out.update(by_surface.get(word[a:b], ()))
    return out


def _owners(new: list[NewPiece]) -> list[str]:
    """The romanized piece each new token belongs to: itself, or for a BPE intermediate the
    romanized piece appended right after it (whose merges needed it)."""
    owners = [""] * len(new)
    nxt = ""
    for k in range(len(new) - 1, -1, -1):
        if new[k].kind == "romanized":
            nxt = new[k].piece
        owners[k] = nxt
    return owners


def verify_written(guard: Guard, path: Path) -> None:
    """Re-read the written ``tokenizer.json`` and check every protected text (no sample)."""
    if not guard.texts:
        return
    from tokenizers import Tokenizer

    bad = changed(guard.expected, Tokenizer.from_file(str(path)), guard.texts)
    if bad:
        raise InputFileError(
            f"internal: {len(bad)} protected texts tokenize differently in the written "
            f"tokenizer (e.g. {guard.texts[bad[0]]!r}); nothing was published. Please report this"
        )


def summary_line(s: Mapping[str, Any]) -> str:
    """One line on what protection did, from an extension summary (CLI and demo)."""
    if not s.get("protected_texts"):
        return "protection: off (existing text may be segmented differently)"
    return (
        f"protection: {s['protected_texts']:,} protected texts "
        f"({s['protected_changed_unguarded']:,} would change); "
        f"{s['protect_demoted']:,} new pieces demoted, "
        f"{s['protect_dropped']:,} dropped; verified: every protected text keeps its ids"
    )
