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
    import translit

    train: dict[str, list[str]] = {}
    held: list[HeldOut] = []
    for lang, code in locales.items():
        rows = []
        for attr in ("territories", "languages"):
            mine, eng = cldr.names(lang, attr), cldr.names("en", attr)
            rows += [
                (f"{attr}:{k}", v, eng[k])
                for k, v in sorted(mine.items())
                if k in eng and "_" not in k and v != eng[k]
            ]
        train[lang] = [v for k, v, _ in rows if not held_apart(k)]
        test = [(v, e) for k, v, e in rows if held_apart(k)][:limit]
        roms = translit.make_romanizer("uroman", code, errors="replace").romanize_batch(
            [v for v, _ in test]
        )
        held.append(HeldOut(lang, [v for v, _ in test], roms, [e for _, e in test]))
    return train, held


def write_train(train: dict[str, list[str]], locales: dict[str, str], out: Path) -> list[str]:
    """One file per language; returns the ``FILE:LCODE`` specs."""
    out.mkdir(parents=True, exist_ok=True)
    specs = []
    for lang, lines in train.items():
        path = out / f"{lang}.txt"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        specs.append(f"{path}:{locales[lang]}")
    return specs
