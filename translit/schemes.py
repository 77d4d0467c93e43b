"""Romanization schemes behind one factory: ``make_romanizer("uroman:hin")``, ``"icu:iso9"`` …

A scheme is named by a spec string that every stage accepts the same way:

* ``uroman`` / ``uroman:LCODE`` — the native uroman-compatible core (:class:`translit.Romanizer`);
* ``icu:PRESET`` — a named preset (:mod:`translit.presets`: ``iso9``, ``bgn``, ``iso15919``,
  ``ungegn``, ``pinyin``, ``hepburn``, ``arabic``, ``persian``, ``hebrew``, ``latin``; each also
  ``-ascii``);
* ``icu:ID`` — any ICU transform id or compound id (``icu:Any-Latin; Latin-ASCII``), or ICU
  transform rules (anything with ``>`` or ``::``).

``LCODE`` may be a FLORES-200 code (``rus_Cyrl``); the language is validated against ISO 639-3.
Several schemes are written ``uroman,icu:iso9`` (:func:`parse_schemes`).
"""

from __future__ import annotations

import re
from typing import Any, Protocol

from translit.api import Edge, Errors, Romanizer
from translit.errors import InputError
from translit.langs import parse_lang

ICU_PREFIX = "icu:"
UROMAN = "uroman"
_SPLIT = re.compile(r",\s*(?=[\w-]+\s*(?::|,|$))")


class RomanizerLike(Protocol):
    """What every scheme's romanizer offers (:class:`translit.Romanizer`'s API)."""

    lang: str | None

    @property
    def implementation(self) -> str: ...

    @property
    def scheme(self) -> str: ...

    def romanize(self, text: str) -> str: ...

    def romanize_batch(self, texts: Any, num_threads: int = 0) -> list[str]: ...

    def romanize_piece(self, piece: str) -> str: ...

    def romanize_vocab(self, pieces: Any, num_threads: int = 0) -> list[str]: ...

    def edges(self, text: str) -> list[Edge]: ...

    def signature(self) -> str: ...


def parse_schemes(specs: str | list[str] | tuple[str, ...]) -> list[str]:
    """``"uroman,icu:iso9"`` → ``["uroman", "icu:iso9"]`` (compound ICU ids keep their ``;``)."""
    items = _SPLIT.split(specs) if isinstance(specs, str) else list(specs)
    out = [s.strip() for s in items if s and s.strip()]
    if not out:
        raise InputError("no romanization scheme given (e.g. uroman, icu:iso9, icu:bgn-ascii)")
    for spec in out:
        split_spec(spec)
    return list(dict.fromkeys(out))


def split_spec(spec: str) -> tuple[str, str]:
    """``"uroman:hin"`` → (``uroman``, ``hin``); ``"icu:iso9"`` → (``icu``, ``iso9``)."""
    if not isinstance(spec, str):
        raise InputError(f"scheme must be a str such as 'uroman' or 'icu:iso9', got {spec!r}")
    spec = spec.strip()
    if spec == UROMAN or spec.startswith(UROMAN + ":"):
        return UROMAN, spec[len(UROMAN) + 1 :]
    if spec.startswith(ICU_PREFIX) and spec[len(ICU_PREFIX) :].strip():
        return "icu", spec[len(ICU_PREFIX) :].strip()
    raise InputError(
        f"unknown romanization scheme {spec!r}; allowed: 'uroman', 'uroman:LCODE', "
        "'icu:PRESET' (iso9, bgn, iso15919, ungegn, pinyin, hepburn, arabic, persian, hebrew, "
        "latin; each also -ascii) or 'icu:ICU-ID' (e.g. 'icu:Any-Latin; Latin-ASCII')"
    )


def make_romanizer(
    spec: str = UROMAN,
    lang: str | None = None,
    *,
    errors: Errors = "strict",
    backend: str = "auto",
) -> RomanizerLike:
    """The one factory: a romanizer for scheme ``spec`` (``uroman:hin``, ``icu:iso9`` …).

    ``lang`` (ISO 639-3 or FLORES-200 ``rus_Cyrl``) is validated; a language in the spec
    (``uroman:hin``) wins over ``lang``.
    """
    kind, arg = split_spec(spec)
    if kind == UROMAN:
        given = arg or lang
        code = parse_lang(given).lang if given else None
        return Romanizer(code, backend=backend, errors=errors)  # type: ignore[arg-type]
    from translit.icu_romanizer import IcuRomanizer

    code = parse_lang(lang).lang if lang else None
    return IcuRomanizer(arg, lang=code, errors=errors)
