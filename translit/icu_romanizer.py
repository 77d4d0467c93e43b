"""ICU romanization schemes: :class:`IcuRomanizer`, the same API as :class:`translit.Romanizer`.

An ICU ``Transliterator`` is not thread-safe, so every thread gets its own (built from the same
id or rules); the results are exactly ``icu.Transliterator.transliterate`` of each string.
PyICU holds the GIL inside ``transliterate`` (measured in ``benchmarks/bench_icu.py``: a
pure-Python thread makes no progress during a long ICU call), so threads cannot speed a batch up;
``num_threads`` is kept for API parity and stays exact for any count, and ``0`` means one thread.
ICU is fast enough that this rarely matters (~0.3-0.8 M short strings/s for Cyrillic-Latin,
Indic-Latin; ~10k/s for Han-Latin, the slowest).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from translit.api import Edge, Errors, clean_text, clean_texts
from translit.errors import InputError
from translit.presets import Transform, preset_transform
from translit.scripts import icu_version, require_icu
from translit.vocab import split_piece

_RULE_MARKS = (">", "<", "::")


def resolve_transform(name: str, lang: str | None) -> Transform:
    """A preset's transform, else ``name`` itself as ICU rules (``>``/``::``) or an ICU id."""
    preset = preset_transform(name, lang)
    if preset is not None:
        return preset
    return Transform(name, is_rules=any(m in name for m in _RULE_MARKS))


def build(transform: Transform) -> Any:
    """A new ``icu.Transliterator``; a bad id or rule is an InputError naming it."""
    icu = require_icu("ICU romanization schemes")
    try:
        if transform.is_rules:
            return icu.Transliterator.createFromRules("tokadapt-rules", transform.text)
        return icu.Transliterator.createInstance(transform.text)
    except icu.ICUError as exc:
        raise InputError(
            f"ICU cannot build the transform {transform.text!r}: {exc}. Use a preset "
            "(icu:iso9, icu:bgn …) or an id from icu.Transliterator.getAvailableIDs()"
        ) from exc


class IcuRomanizer:
    """Romanize with an ICU transform (a preset name, an ICU id or compound id, or rules)."""

    implementation = "icu"

    def __init__(self, name: str, lang: str | None = None, *, errors: Errors = "strict") -> None:
        self.name = name
        self.lang = lang
        self.errors: Errors = errors
        self.transform = resolve_transform(name, lang)
        self._local = threading.local()
        self._local.tr = build(self.transform)  # fail early on a bad id

    @property
    def scheme(self) -> str:
        return f"icu:{self.name}"

    def __repr__(self) -> str:
        return f"IcuRomanizer(scheme={self.scheme!r}, lang={self.lang!r})"

    def __reduce__(self) -> tuple[object, ...]:
        return (_rebuild, (self.name, self.lang, self.errors))

    def signature(self) -> str:
        from translit import __version__

        return (
            f"translit:{__version__}|scheme:{self.scheme}|icu-transform:{self.transform.text!r}"
            f"|{icu_version()}|lcode:{self.lang or '-'}|impl:icu"
        )

    def _tr(self) -> Any:
        try:
            return self._local.tr
        except AttributeError:  # first call in this thread: its own transliterator
            tr = self._local.tr = build(self.transform)
            return tr

    def romanize(self, text: str) -> str:
        out: str = self._tr().transliterate(clean_text(text, self.errors))
        return out

    def _run(self, items: list[str], num_threads: int) -> list[str]:
        if num_threads < 0:
            raise InputError(f"num_threads must be >= 0 (0 = all cores), got {num_threads}")
        threads = num_threads or 1  # PyICU holds the GIL: more threads only add overhead
        if threads == 1 or len(items) < 2 * threads:
            tr = self._tr()
            return list(map(tr.transliterate, items))
        size = -(-len(items) // threads)
        chunks = [items[k : k + size] for k in range(0, len(items), size)]

        def work(chunk: list[str]) -> list[str]:
            tr = self._tr()
            return list(map(tr.transliterate, chunk))

        with ThreadPoolExecutor(threads) as pool:
            return [s for part in pool.map(work, chunks) for s in part]

    def romanize_batch(self, texts: Iterable[str], num_threads: int = 0) -> list[str]:
        if isinstance(texts, str):
            raise InputError("texts must be a list of strings, got one str")
        return self._run(clean_texts(texts, self.errors, what="texts"), num_threads)

    def romanize_piece(self, piece: str) -> str:
        return self.romanize_vocab([piece], num_threads=1)[0]

    def romanize_vocab(self, pieces: Sequence[str], num_threads: int = 0) -> list[str]:
        """Vocabulary mode: markers and special tokens kept (:func:`translit.vocab.split_piece`)."""
        if isinstance(pieces, str):
            raise InputError("pieces must be a list of strings, got one str")
        parts = [split_piece(p) for p in clean_texts(pieces, self.errors, what="pieces")]
        payloads = self._run([p.payload for p in parts], num_threads)
        return [p.prefix + r + p.suffix for p, r in zip(parts, payloads, strict=True)]

    def edges(self, text: str) -> list[Edge]:
        raise InputError(
            f"scheme {self.scheme!r} cannot give character offsets: ICU transliterators do not "
            "report which input span produced which output; use the uroman scheme for edges"
        )


def _rebuild(name: str, lang: str | None, errors: Errors) -> IcuRomanizer:
    return IcuRomanizer(name, lang, errors=errors)
