"""CLDR names as a small parallel corpus: training lines per language and held-apart sets.

A name is held apart by its CLDR key (the same keys in every language), so no held-out concept
is seen in training in any script. Used by the align demo and ``benchmarks/align_effect.py``.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from pathlib import Path

from tokadapt.data import cldr


@dataclass
class HeldOut:
    """Held-apart evaluation text of one language: originals, romanizations, English."""

    name: str
    texts: list[str]
    romanized: list[str]
    english: list[str] | None = None


def held_apart(key: str, every: int = 5) -> bool:
    return zlib.crc32(key.encode("utf-8")) % every == 0


def cldr_split(
    locales: dict[str, str],
    limit: int | None = None,
) -> tuple[dict[str, list[str]], list[HeldOut]]:
    """CLDR territory + language names: ``({lang: train lines}, [held-out sets])``.

    A name is held apart by its CLDR key (the same keys in every language), so no held-out
    concept is seen in training in any script.
    """
    train, _, held = cldr_splits(locales, limit, dev_every=0)
    return train, held


def cldr_splits(
    locales: dict[str, str],
    limit: int | None = None,
    dev_every: int = 5,
) -> tuple[dict[str, list[str]], dict[str, list[tuple[str, str]]], list[HeldOut]]:
    """:func:`cldr_split` with a dev split: ``(train, {lang: [(name, English)]}, held)``.

    Dev names are the training keys whose CRC-32 of ``key + "#dev"`` falls in one of
    ``dev_every`` buckets (none when 0); they are taken out of training. The three splits are
    disjoint by key *and* by text (a name shared by two keys goes to the held-apart side first,
    then dev).
    """
    import translit

    train: dict[str, list[str]] = {}
    dev: dict[str, list[tuple[str, str]]] = {}
    held: list[HeldOut] = []
    for lang, code in locales.items():
        rows = _rows(lang)
        test = [(v, e) for k, v, e in rows if held_apart(k)][:limit]
        # a territory and a language may share a name (Greek: Niue): drop it from the earlier
        # splits' side, so no held-apart (or dev) text is ever trained on
        seen = {v for v, _ in test}
        rest = [(k, v, e) for k, v, e in rows if not held_apart(k) and v not in seen]
        is_dev = {k: bool(dev_every) and held_apart(f"{k}#dev", dev_every) for k, _, _ in rest}
        dev[lang] = [(v, e) for k, v, e in rest if is_dev[k]]
        seen = {v for v, _ in dev[lang]}
        train[lang] = [v for k, v, _ in rest if not is_dev[k] and v not in seen]
        roms = translit.make_romanizer("uroman", code, errors="replace").romanize_batch(
            [v for v, _ in test]
        )
        held.append(HeldOut(lang, [v for v, _ in test], roms, [e for _, e in test]))
    return train, dev, held


def _rows(lang: str) -> list[tuple[str, str, str]]:
    """``(key, name in lang, English name)`` for names that differ from the English one."""
    rows = []
    for attr in ("territories", "languages"):
        mine, eng = cldr.names(lang, attr), cldr.names("en", attr)
        rows += [
            (f"{attr}:{k}", v, eng[k])
            for k, v in sorted(mine.items())
            if k in eng and "_" not in k and v != eng[k]
        ]
    return rows


def write_train(train: dict[str, list[str]], locales: dict[str, str], out: Path) -> list[str]:
    """One file per language; returns the ``FILE:LCODE`` specs."""
    out.mkdir(parents=True, exist_ok=True)
    specs = []
    for lang, lines in train.items():
        path = out / f"{lang}.txt"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        specs.append(f"{path}:{locales[lang]}")
    return specs


def write_dev(
    dev: dict[str, list[tuple[str, str]]], locales: dict[str, str], out: Path
) -> list[str]:
    """One ``name<TAB>English`` file per language (``align --eval``); returns the specs."""
    out.mkdir(parents=True, exist_ok=True)
    specs = []
    for lang, pairs in dev.items():
        path = out / f"{lang}.dev.tsv"
        path.write_text("".join(f"{v}\t{e}\n" for v, e in pairs), encoding="utf-8")
        specs.append(f"{path}:{locales[lang]}")
    return specs
