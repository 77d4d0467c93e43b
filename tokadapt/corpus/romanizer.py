"""The one place where corpus stages build a romanizer from a ``--scheme`` string.

``make_romanizer(scheme, lang)`` and ``romanizer_signature(scheme, lang)`` are the only calls the
corpus package makes; the romanizer factory of the ``icu`` work (scheme specs such as
``uroman:hin`` or ``icu:iso9``) replaces their bodies without touching any caller. Today the
factory knows one scheme, ``uroman`` (translit, uroman 1.3.1.1 compatible).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Protocol

import translit
from tokadapt.errors import ConfigError

DEFAULT_SCHEME = "uroman"
SCHEMES: tuple[str, ...] = ("uroman",)


class BatchRomanizer(Protocol):
    """What the corpus stages need: a batch call that releases the GIL for ``num_threads``."""

    def romanize_batch(self, texts: list[str], num_threads: int = 0) -> list[str]: ...


def _check_scheme(scheme: str) -> None:
    if scheme not in SCHEMES:
        raise ConfigError(
            f"romanization scheme {scheme!r} is not known; allowed: {', '.join(SCHEMES)}. "
            "Fix: pass --scheme uroman"
        )


@lru_cache(maxsize=256)
def make_romanizer(scheme: str = DEFAULT_SCHEME, lang: str | None = None) -> BatchRomanizer:
    """A romanizer for ``scheme`` and ISO 639-3 ``lang`` (None: no language code); cached."""
    _check_scheme(scheme)
    try:
        return translit.Romanizer(lang or None, errors="replace")
    except translit.InputError as exc:
        raise ConfigError(f"language code {lang!r}: {exc}") from exc


def romanizer_signature(scheme: str = DEFAULT_SCHEME, lang: str | None = None) -> str:
    """Reproducibility signature of ``make_romanizer(scheme, lang)`` (scheme + translit's)."""
    _check_scheme(scheme)
    return f"scheme:{scheme}|{translit.signature(lang)}"
