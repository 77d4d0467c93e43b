"""Fertility per script (tokens per word) of a tokenizer before and after ``extend-vocab``.

``extend-vocab`` records which tokenizer it extended (``input.path`` in its manifest) but not
how text tokenizes, so the report measures it here: real text per script — CLDR territory and
language names in the locales below, from ``babel`` (the ``data`` extra) — is romanized with
translit and tokenized with the original and the extended tokenizer. The original-script text
tokenized with the original tokenizer is shown as the reference the romanized text should
approach.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from pathlib import Path
from typing import Any

from tokadapt.data.scripts import text_script

log = logging.getLogger(__name__)

#: one or two locales per script, those of the TransMI/TransliCo evaluations
LOCALES = (
    "ru", "uk", "el", "he", "ar", "fa", "hi", "bn", "ta", "te", "th", "ka", "hy", "am",
    "ja", "ko", "zh", "my", "km", "si",
)  # fmt: skip


def base_tokenizer_file(manifest: dict[str, Any]) -> Path | None:
    """The original tokenizer.json the manifest was extended from, when it still exists."""
    path = Path(str(manifest.get("input", {}).get("path", "")))
    if path.is_dir():
        path = path / "tokenizer.json"
    return path if path.suffix == ".json" and path.is_file() else None


def cldr_samples(limit: int = 150) -> dict[str, list[str]] | None:
    """Up to ``limit`` CLDR names per locale, grouped by script; None without babel."""
    try:
        from babel import Locale
    except ImportError:
        log.warning("fertility per script needs babel (pip install 'tokadapt[data]')")
        return None
    by_script: dict[str, list[str]] = defaultdict(list)
    for code in LOCALES:
        loc = Locale.parse(code)
        names = sorted({*loc.territories.values(), *loc.languages.values()})
        for name in names[:: max(1, len(names) // limit)][:limit]:
            script = text_script(name)
            if script not in ("Latin", "Common"):
                by_script[script].append(name)
    return dict(sorted(by_script.items()))


def _per_word(tok: Any, texts: list[str]) -> float:
    words = sum(len(t.split()) for t in texts)
    pieces = sum(len(e.ids) for e in tok.encode_batch(texts, add_special_tokens=False))
    return pieces / max(words, 1)


def fertility(
    base_file: Path, extended_file: Path, samples: dict[str, list[str]]
) -> dict[str, dict[str, float]]:
    """Per script: tokens per word of the original text (original tokenizer) and of its
    romanization before and after the extension."""
    from tokenizers import Tokenizer

    import translit

    base = Tokenizer.from_file(str(base_file))
    extended = Tokenizer.from_file(str(extended_file))
    romanizer = translit.Romanizer()
    table: dict[str, dict[str, float]] = {}
    for script, texts in samples.items():
        romanized = romanizer.romanize_batch(texts)
        table[script] = {
            "texts": float(len(texts)),
            "original": _per_word(base, texts),
            "before": _per_word(base, romanized),
            "after": _per_word(extended, romanized),
        }
    return table


def source_scripts(base_file: Path, manifest: dict[str, Any]) -> dict[str, int]:
    """New pieces counted by the script of the source piece the merge chose."""
    from tokenizers import Tokenizer

    base = Tokenizer.from_file(str(base_file))
    counts: dict[str, int] = defaultdict(int)
    for row in manifest.get("new_pieces", []):
        chosen = row.get("chosen", -1)
        piece = base.id_to_token(chosen) if chosen >= 0 else None
        counts[text_script(piece) if piece else "(none)"] += 1
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
