"""Public romanization API: :func:`romanize` and :class:`Romanizer`."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any, Literal, NamedTuple

from translit._backend import Backend, get_backend
from translit.errors import InputError

BackendName = Literal["auto", "cpp", "python"]
Errors = Literal["strict", "replace"]
ERRORS: tuple[Errors, ...] = ("strict", "replace")

_LCODE = re.compile(r"[a-z]{3}[0-9]?")
_SURROGATE = re.compile("[\ud800-\udfff]")


class Edge(NamedTuple):
    """One span of the best romanization path (uroman's ``edges`` format).

    ``start``/``end`` are character (code point) offsets into the input string; concatenating
    ``text`` over the edges gives the romanization.
    """

    start: int
    end: int
    text: str
    type: str


def check_lang(lang: str | None) -> str:
    """Validate an ISO-639-3 language code as uroman uses them (``rus``, ``srp2`` …)."""
    if lang is None or lang == "":
        return ""
    if not isinstance(lang, str) or not _LCODE.fullmatch(lang):
        raise InputError(
            f"language code must be an ISO-639-3 code of three lowercase letters like 'rus' or "
            f"'hin' (uroman's -l), got {lang!r}"
        )
    return lang


def clean_text(text: str, errors: Errors = "strict", *, what: str = "text") -> str:
    """Return ``text`` if it is valid Unicode; lone surrogates raise or become U+FFFD."""
    if not isinstance(text, str):
        raise InputError(f"{what} must be str, got {type(text).__name__}")
    if text.isascii():
        return text
    match = _SURROGATE.search(text)
    if match is None:
        return text
    if errors == "replace":
        return _SURROGATE.sub("\ufffd", text)
    raise InputError(
        f"{what} contains a lone surrogate U+{ord(match.group()):04X} at character offset "
        f"{match.start()}; it is not valid Unicode text. Decode input with errors='strict' "
        "to find the bad bytes, or pass errors='replace' to romanize it as U+FFFD."
    )


def clean_texts(texts: Iterable[str], errors: Errors = "strict", *, what: str) -> list[str]:
    """:func:`clean_text` over many strings; the common all-valid case is checked in one pass."""
    items = list(texts)
    try:
        "".join(items).encode("utf-8")  # all str and no lone surrogates: nothing to clean
    except (TypeError, UnicodeEncodeError):
        return [clean_text(t, errors, what=f"{what}[{i}]") for i, t in enumerate(items)]
    return items


class Romanizer:
    """A romanizer bound to one language code (or none), compatible with uroman 1.3.1.1.

    Instances are cheap (the rule tables are loaded once per process), thread-safe and
    picklable. ``scheme`` picks another romanization (``"icu:iso9"``, see
    :func:`translit.schemes.make_romanizer`); ``Romanizer(scheme="icu:…")`` returns that
    scheme's romanizer, with the same methods.
    """

    def __new__(cls, lang: str | None = None, *, scheme: str = "uroman", **kwargs: Any) -> Any:
        if not (scheme == "uroman" or scheme.startswith("uroman:")):
            from translit.schemes import make_romanizer

            return make_romanizer(scheme, lang, **kwargs)
        return super().__new__(cls)

    def __init__(
        self,
        lang: str | None = None,
        *,
        backend: BackendName = "auto",
        errors: Errors = "strict",
        scheme: str = "uroman",
    ) -> None:
        if errors not in ERRORS:
            raise InputError(f"errors must be one of {ERRORS}, got {errors!r}")
        if scheme != "uroman" or (lang and "_" in lang):
            from translit.langs import parse_lang

            spec = scheme.partition(":")[2] or lang
            lang = parse_lang(spec).lang if spec else None
        self.lang = check_lang(lang) or None
        self.errors: Errors = errors
        self._backend_name: BackendName = backend
        self._backend: Backend = get_backend(backend)

    @property
    def implementation(self) -> str:
        """``"cpp"`` for the native engine, ``"python"`` for the uroman fallback."""
        return self._backend.name

    @property
    def scheme(self) -> str:
        """``"uroman"`` or ``"uroman:LCODE"`` (a spec for :func:`translit.make_romanizer`)."""
        return f"uroman:{self.lang}" if self.lang else "uroman"

    def signature(self) -> str:
        from translit import signature

        return signature(self.lang)

    def __repr__(self) -> str:
        return f"Romanizer(lang={self.lang!r}, implementation={self.implementation!r})"

    def __reduce__(self) -> tuple[object, ...]:
        return (_rebuild, (self.lang, self._backend_name, self.errors))

    def romanize(self, text: str) -> str:
        """Romanize one string (any length, any script)."""
        return self._backend.romanize(clean_text(text, self.errors), self.lang or "")

    def romanize_batch(self, texts: Iterable[str], num_threads: int = 0) -> list[str]:
        """Romanize many strings; ``num_threads=0`` uses every core. Same result for any count."""
        if isinstance(texts, str):
            raise InputError("texts must be a list of strings, got one str (use romanize())")
        items = clean_texts(texts, self.errors, what="texts")
        if num_threads < 0:
            raise InputError(f"num_threads must be >= 0 (0 = all cores), got {num_threads}")
        return self._backend.romanize_batch(items, self.lang or "", num_threads)

    def romanize_piece(self, piece: str) -> str:
        """Vocabulary mode for one tokenizer piece (see :mod:`translit.vocab`)."""
        return self.romanize_vocab([piece], num_threads=1)[0]

    def romanize_vocab(self, pieces: Sequence[str], num_threads: int = 0) -> list[str]:
        """Vocabulary mode: keep subword markers (see :mod:`translit.vocab`), romanize the rest."""
        if isinstance(pieces, str):
            raise InputError("pieces must be a list of strings, got one str (use romanize_piece())")
        items = clean_texts(pieces, self.errors, what="pieces")
        if num_threads < 0:
            raise InputError(f"num_threads must be >= 0 (0 = all cores), got {num_threads}")
        return self._backend.romanize_vocab(items, self.lang or "", num_threads)

    def edges(self, text: str) -> list[Edge]:
        """The best path as :class:`Edge` spans with character offsets into ``text``."""
        raw = self._backend.edges(clean_text(text, self.errors), self.lang or "")
        return [Edge(*e) for e in raw]


def _rebuild(lang: str | None, backend: BackendName, errors: Errors) -> Romanizer:
    return Romanizer(lang, backend=backend, errors=errors)


_default: dict[tuple[str | None, str], Romanizer] = {}


def romanize(text: str, lang: str | None = None, *, backend: BackendName = "auto") -> str:
    """Romanize ``text`` (uroman 1.3.1.1 compatible). ``lang`` is an ISO-639-3 code or None."""
    key = (check_lang(lang) or None, backend)
    rom = _default.get(key)
    if rom is None:
        rom = _default.setdefault(key, Romanizer(key[0], backend=backend))
    return rom.romanize(text)


def implementation() -> str:
    """Which backend :func:`romanize` uses by default: ``"cpp"`` or ``"python"``."""
    return get_backend("auto").name
