"""Group romanized pieces and merge the scores of colliding sources (TransMI's merge modes).

Several original pieces can romanize to the same string (``▁Москва`` and ``▁Мосва`` …). Each
distinct romanization that is not already in the vocabulary becomes one new piece whose score is
the ``max``, ``min`` or arithmetic ``mean`` of its sources' scores. The grouping is one pass over
the vocabulary with a dict (O(|V|)), unlike the reference code's O(|new|·|V|) loop.

Determinism: sources are listed by (score desc, id asc); ``max``/``min`` choose their source by
score with ties broken by the lower id; new pieces are ordered by (merged score desc, string asc).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from tokadapt.errors import ConfigError
from tokadapt.vocab.manifest import MERGE_MODES, MergeMode


@dataclass(frozen=True)
class MergedPiece:
    """One new string with its sources (ordered by score desc, id asc) and merged score."""

    piece: str
    sources: tuple[int, ...]
    source_scores: tuple[float, ...]
    score: float
    chosen: int


def check_mode(mode: str) -> MergeMode:
    """Validate a merge mode name against the one registry :data:`MERGE_MODES`."""
    for known in MERGE_MODES:
        if mode == known:
            return known
    raise ConfigError(f"merge mode must be one of {', '.join(MERGE_MODES)}, got {mode!r}")


def merge_scores(scores: Sequence[float], mode: MergeMode) -> float:
    """``max``/``min`` of the scores, or their arithmetic mean (a sum divided by the count)."""
    if not scores:
        raise ConfigError("cannot merge an empty list of source scores")
    if mode == "max":
        return max(scores)
    if mode == "min":
        return min(scores)
    return math.fsum(scores) / len(scores)


def choose_source(ids: Sequence[int], scores: Sequence[float], mode: MergeMode) -> int:
    """The source a mode picks: highest score (max/mean) or lowest (min); ties: lower id."""
    pairs = list(zip(scores, ids, strict=True))
    if mode == "min":
        return min(pairs, key=lambda p: (p[0], p[1]))[1]
    return min(pairs, key=lambda p: (-p[0], p[1]))[1]


def group_by_romanization(
    romanized: Mapping[int, str], existing: Mapping[str, int] | set[str]
) -> dict[str, list[int]]:
    """``{new string: [source ids]}`` for romanizations that are not already in the vocabulary."""
    groups: dict[str, list[int]] = {}
    for piece_id in sorted(romanized):
        rom = romanized[piece_id]
        if rom in existing:
            continue
        groups.setdefault(rom, []).append(piece_id)
    return groups


def group_variants(
    variants: Mapping[str, Mapping[int, str]], existing: Mapping[str, int] | set[str]
) -> tuple[dict[str, list[int]], dict[str, list[str]]]:
    """Group the romanizations of several schemes: ``({new string: [source ids]}, {string:
    [schemes]})``. A string produced by several schemes and several sources is one group."""
    groups: dict[str, set[int]] = {}
    producers: dict[str, list[str]] = {}
    for scheme, romanized in variants.items():
        for piece_id, rom in romanized.items():
            if rom in existing:
                continue
            groups.setdefault(rom, set()).add(piece_id)
            made = producers.setdefault(rom, [])
            if scheme not in made:
                made.append(scheme)
    return {rom: sorted(ids) for rom, ids in groups.items()}, producers


def existing_sources(
    variants: Mapping[str, Mapping[int, str]], pieces: Sequence[str]
) -> dict[int, list[int]]:
    """``{existing id: [source ids]}``: romanizations that are already in the vocabulary (not
    added; their Latin row is kept by default, ``init-embeddings --existing blend`` mixes the
    sources in). A piece whose romanization is itself is not a source."""
    index = {p: i for i, p in enumerate(pieces)}
    out: dict[int, set[int]] = {}
    for romanized in variants.values():
        for piece_id, rom in romanized.items():
            target = index.get(rom)
            if target is not None and target != piece_id:
                out.setdefault(target, set()).add(piece_id)
    return {k: sorted(v) for k, v in sorted(out.items())}


def merge_groups(
    groups: Mapping[str, Sequence[int]],
    scores: Sequence[float],
    mode: MergeMode,
    max_new: int | None = None,
) -> list[MergedPiece]:
    """Merged pieces ordered by (score desc, string asc), optionally capped to ``max_new``."""
    merged = []
    for rom, ids in groups.items():
        if len(ids) == 1:  # most groups: one source, no choice to make
            s = float(scores[ids[0]])
            merged.append(MergedPiece(rom, (ids[0],), (s,), s, ids[0]))
            continue
        ordered = sorted(ids, key=lambda i: (-scores[i], i))
        src_scores = tuple(float(scores[i]) for i in ordered)
        merged.append(
            MergedPiece(
                piece=rom,
                sources=tuple(ordered),
                source_scores=src_scores,
                score=float(merge_scores(src_scores, mode)),
                chosen=choose_source(ordered, src_scores, mode),
            )
        )
    merged.sort(key=lambda m: (-m.score, m.piece))
    return cap(merged, max_new)


def cap(merged: list[MergedPiece], max_new: int | None) -> list[MergedPiece]:
    """The first ``max_new`` pieces (all when ``None``)."""
    if max_new is None:
        return merged
    if max_new < 0:
        raise ConfigError(f"max_new must be >= 0 (or None for no cap), got {max_new}")
    return merged[:max_new]
