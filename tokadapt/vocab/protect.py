"""Protected text: what an extended tokenizer must segment exactly as the original did.

Users read the pivot language (English for most models) through the same tokenizer as the
romanized text. A new Latin piece (``▁territory``, built from a Thai or Tamil source) that wins
on an English word changes that word's ids, and with them the English embeddings every retrieval
compares against. :class:`Protection` names the text that must keep its ids:

* the ``top`` most frequent words of ``lang`` (``wordfreq.top_n_list``; default English,
  50,000 words), each as written, capitalized, and after a space (``"w"``, ``"W"``, ``" w"``,
  ``" W"``: pre-tokenizers that mark word starts see them differently);
* every line of the user's files (``--protect FILE``), and each whitespace-separated word of it.

Without ``wordfreq`` installed the frequent words are skipped with one warning (the fix is
``pip install 'tokadapt[data]'``); user files are always protected.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tokadapt.errors import ConfigError, InputFileError

log = logging.getLogger(__name__)

DEFAULT_LANG = "en"
DEFAULT_TOP = 50_000


@dataclass(frozen=True)
class Protection:
    """What to protect; ``enabled=False`` turns the guarantee off (TransMI's plain append)."""

    enabled: bool = True
    lang: str | None = DEFAULT_LANG
    top: int = DEFAULT_TOP
    files: tuple[str, ...] = field(default_factory=tuple)

    @classmethod
    def off(cls) -> Protection:
        return cls(enabled=False)

    def describe(self) -> dict[str, Any]:
        return {
            "enabled": self.enabled,
            "lang": self.lang,
            "top": self.top,
            "files": list(self.files),
        }


def as_protection(value: Protection | bool | str | Sequence[str] | None) -> Protection:
    """``True``/``None``: the defaults; ``False``: off; paths: the defaults plus those files."""
    if isinstance(value, Protection):
        return value
    if value is None or value is True:
        return Protection()
    if value is False:
        return Protection.off()
    files = (value,) if isinstance(value, str) else tuple(str(v) for v in value)
    return Protection(files=files)


def frequent_words(lang: str, top: int) -> list[str]:
    """The ``top`` most frequent words of ``lang`` from ``wordfreq``; ``[]`` (one warning) when
    ``wordfreq`` is not installed."""
    if top < 0:
        raise ConfigError(f"the number of protected frequent words must be >= 0, got {top}")
    try:
        import wordfreq
    except ImportError:
        log.warning(
            "wordfreq is not installed: the %s frequent words are not protected, only "
            "--protect files (fix: pip install 'tokadapt[data]')",
            lang,
        )
        return []
    try:
        return list(wordfreq.top_n_list(lang, top)) if top else []
    except LookupError as exc:
        raise ConfigError(
            f"wordfreq has no word list for {lang!r} ({exc}); pass a language it knows "
            "(en, de, fr, ...) or --protect-top 0 and --protect FILE"
        ) from exc


def word_forms(word: str) -> list[str]:
    """A word as written, capitalized, and each after a space (order kept, no duplicates)."""
    forms = [word, word[:1].upper() + word[1:]]
    return list(dict.fromkeys([*forms, *(" " + f for f in forms)]))


def file_texts(path: str) -> list[str]:
    """Each non-empty line of ``path`` and each whitespace-separated word of it."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputFileError(
            f"cannot read the protected-text file {path}: {exc}; pass a UTF-8 text file "
            "(one word or sentence per line)"
        ) from exc
    out: list[str] = []
    for line in lines:
        if line.strip():
            out.append(line.strip())
            out.extend(line.split())
    return out


def protected_texts(protection: Protection) -> list[str]:
    """Every text whose segmentation must not change (deduplicated, first occurrence order)."""
    if not protection.enabled:
        return []
    texts: list[str] = []
    if protection.lang:
        for word in frequent_words(protection.lang, protection.top):
            texts.extend(word_forms(word))
    for path in protection.files:
        texts.extend(file_texts(path))
    return list(dict.fromkeys(t for t in texts if t.strip()))
