"""translit: a universal romanizer with a C++17 core, output-compatible with uroman 1.3.1.1.

uroman is by Ulf Hermjakob (USC/ISI); its license asks publications to acknowledge it
(see NOTICE). translit reads uroman's rule tables from the installed ``uroman`` package.
"""

from __future__ import annotations

from typing import Any

from translit._data import UROMAN_VERSION, data_hash, verified_version
from translit.api import Edge, Romanizer, implementation, romanize
from translit.errors import (
    BackendError,
    DataError,
    InputError,
    ReferenceCrashError,
    ResourceError,
    TranslitError,
)

__version__ = "0.1.0"

__all__ = [
    "UROMAN_VERSION",
    "BackendError",
    "DataError",
    "Edge",
    "InputError",
    "ReferenceCrashError",
    "ResourceError",
    "Romanizer",
    "TranslitError",
    "__version__",
    "data_hash",
    "implementation",
    "make_romanizer",
    "romanize",
    "signature",
]


def signature(lang: str | None = None) -> str:
    """Reproducibility signature of a romanization: versions, data hash, language, backend."""
    return (
        f"translit:{__version__}|uroman-data:{verified_version()}+{data_hash()}"
        f"|lcode:{lang or '-'}|impl:{implementation()}|unicode:{_unicode_versions()}"
    )


def _unicode_versions() -> str:
    """Python's ``unicodedata`` version and the ``regex`` release (both decide character
    classes: uroman reads names from the first and letter/digit classes from the second)."""
    import unicodedata
    from importlib import metadata

    try:
        rx = metadata.version("regex")
    except metadata.PackageNotFoundError:
        rx = "-"
    return f"{unicodedata.unidata_version}+regex-{rx}"


def make_romanizer(spec: str = "uroman", lang: str | None = None, **kwargs: Any) -> Any:
    """The romanizer for scheme ``spec`` (``uroman``, ``uroman:hin``, ``icu:iso9`` …)."""
    from translit.schemes import make_romanizer as make

    return make(spec, lang, **kwargs)
