"""A parallel corpus split by *section* into train / dev / test, with sentence-level pairs.

The input is a TSV with columns ``code``, ``section`` and ``text`` (the UDHR articles file: one
row per language and section). Sections — never sentences — are assigned to a split, so no
sentence of a test section, nor any translation of it, is seen in training or model selection.

Each section of a language becomes *units* paired with the pivot language (English): when the
section has as many sentences in both languages, and every positional pair has about the
section's length ratio (within ``max_ratio``: a split sentence paired with the wrong one is far
off it), the units are those sentences, pair by pair; otherwise the whole section is one unit (a
pair stays a pair). Units whose text is a near duplicate of an earlier one in the same language
are dropped (:func:`~tokadapt.align.sentences.dedup_key`).
"""

from __future__ import annotations

import csv
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from tokadapt.align.sentences import dedup_key, split_sentences
from tokadapt.errors import ConfigError, InputFileError

SPLITS = ("train", "dev", "test")


@dataclass(frozen=True)
class Unit:
    lang: str
    section: str
    text: str
    translation: str


def section_split(section: str, dev: float = 0.2, test: float = 0.3, fold: int = 0) -> str:
    """``train``, ``dev`` or ``test`` for a section name: a fixed function of the name
    (CRC-32 bucket out of 100), the same on every machine and for every language.

    ``fold`` k rotates the buckets by ``k * test``, so the test sections of folds 0, 1, …, K-1
    are disjoint (cross-validation over sections); a fold with ``(k + 1) * test > 1`` would
    overlap fold 0 and is refused."""
    if not (dev > 0 and test > 0 and dev + test < 1):
        raise ConfigError(f"need 0 < dev, 0 < test, dev + test < 1; got dev={dev}, test={test}")
    if fold < 0 or (fold + 1) * round(test * 100) > 100:
        raise ConfigError(f"fold {fold} with test={test}: need fold >= 0, (fold + 1) * test <= 1")
    bucket = (zlib.crc32(section.encode("utf-8")) + fold * round(test * 100)) % 100
    if bucket < test * 100:
        return "test"
    if bucket < (test + dev) * 100:
        return "dev"
    return "train"


def read_sections(path: str | Path) -> dict[str, dict[str, str]]:
    """``{code: {section: text}}`` from the TSV (a repeated (code, section) raises)."""
    file = Path(path)
    if not file.is_file():
        raise InputFileError(f"parallel TSV {file} does not exist")
    out: dict[str, dict[str, str]] = {}
    with file.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        missing = {"code", "section", "text"} - set(reader.fieldnames or [])
        if missing:
            raise InputFileError(
                f"{file}: missing columns {sorted(missing)}; found {reader.fieldnames}"
            )
        for row in reader:
            code, section, text = row["code"], row["section"], (row["text"] or "").strip()
            if section in out.setdefault(code, {}):
                raise InputFileError(f"{file}: section {section!r} of {code!r} appears twice")
            if text:
                out[code][section] = text
    return out


def units(
    sections: dict[str, dict[str, str]],
    lang: str,
    pivot: str,
    split: str,
    *,
    dev: float = 0.2,
    test: float = 0.3,
    fold: int = 0,
    max_ratio: float | None = 2.0,
) -> list[Unit]:
    """The units of ``lang`` (paired with ``pivot``) in the sections of ``split``.

    ``max_ratio``: a section is paired sentence by sentence only if every pair's character
    length ratio is within this factor of the whole section's ratio (``None``: the sentence
    counts alone decide: evaluation protocol 1, the units of the UDHR results recorded before
    this check)."""
    if max_ratio is not None and not max_ratio > 1:
        raise ConfigError(f"max_ratio must be > 1 or None, got {max_ratio}")
    if split not in SPLITS:
        raise ConfigError(f"split must be one of {SPLITS}, got {split!r}")
    for code in (lang, pivot):
        if code not in sections:
            raise ConfigError(f"no language {code!r} in the TSV; found {sorted(sections)}")
    out: list[Unit] = []
    for section in sorted(sections[lang], key=_section_order):
        if section not in sections[pivot] or section_split(section, dev, test, fold) != split:
            continue
        a, b = split_sentences(sections[lang][section]), split_sentences(sections[pivot][section])
        paired = len(a) == len(b) and (max_ratio is None or _lengths_agree(a, b, max_ratio))
        pairs = zip(a, b, strict=True) if paired else [(" ".join(a), " ".join(b))]
        out.extend(Unit(lang, section, x, y) for x, y in pairs)
    return _unique_units(out)


def _lengths_agree(a: list[str], b: list[str], max_ratio: float) -> bool:
    """Every positional pair's length ratio within ``max_ratio`` of the whole section's."""
    whole = sum(map(len, a)) / max(1, sum(map(len, b)))
    for x, y in zip(a, b, strict=True):
        ratio = len(x) / max(1, len(y)) / max(whole, 1e-9)
        if not 1 / max_ratio <= ratio <= max_ratio:
            return False
    return True


def _unique_units(items: Iterable[Unit]) -> list[Unit]:
    seen: set[str] = set()
    kept = []
    for unit in items:
        key = dedup_key(unit.text)
        if key and key not in seen:
            seen.add(key)
            kept.append(unit)
    return kept


def _section_order(section: str) -> tuple[int, str]:
    return (int(section), "") if section.isdigit() else (-1, section)
