"""Locating and reading uroman's data tables (Python owns all file I/O; the C++ core gets text)."""

from __future__ import annotations

import hashlib
import importlib.util
from functools import lru_cache
from pathlib import Path

from translit.errors import DataError

UROMAN_VERSION = "1.3.1.1"

#: The data files uroman 1.3.1.1 loads, relative to ``uroman/data`` (the package also ships
#: ``romanization-table-arabic-block.txt``, ``language-properties.txt`` and ``UnicodeData.txt``,
#: which uroman 1.3.1.1 never reads: it asks Python's ``unicodedata`` instead). These texts are
#: what the native engine is built from and what :func:`data_hash` identifies.
DATA_FILES = (
    "romanization-auto-table.txt",
    "UnicodeDataOverwrite.txt",
    "romanization-table.txt",
    "Chinese_to_Pinyin.txt",
    "Scripts.txt",
    "NumProps.jsonl",
    "UnicodeDataProps.txt",
    "UnicodeDataPropsCJK.txt",
    "UnicodeDataPropsHangul.txt",
)


def uroman_package_dir() -> Path:
    """Directory of the installed reference package ``uroman`` (holds ``data/`` and ``mini-test/``).

    Located without importing it (importing uroman costs ~60 ms that the native path never needs).
    """
    spec = importlib.util.find_spec("uroman")
    if spec is None or spec.origin is None:
        raise DataError(
            "translit needs uroman's data tables, but the package 'uroman' is not installed. "
            f"Fix: pip install uroman=={UROMAN_VERSION}"
        )
    return Path(spec.origin).resolve().parent


def uroman_installed_version() -> str:
    import importlib.metadata  # slow import (~80 ms), only needed here

    try:
        return importlib.metadata.version("uroman")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def data_dir() -> Path:
    path = uroman_package_dir() / "data"
    if not path.is_dir():
        raise DataError(
            f"uroman's data directory {path} does not exist; reinstall uroman=={UROMAN_VERSION}"
        )
    return path


@lru_cache(maxsize=1)
def read_tables() -> dict[str, str]:
    """All data tables as ``{file name: text}``; raises :class:`DataError` naming a missing file."""
    base = data_dir()
    tables: dict[str, str] = {}
    for name in DATA_FILES:
        path = base / name
        try:
            tables[name] = path.read_text(encoding="utf-8")
        except FileNotFoundError as exc:
            raise DataError(
                f"uroman data file {path} is missing; reinstall uroman=={UROMAN_VERSION}"
            ) from exc
        except UnicodeDecodeError as exc:
            raise DataError(f"uroman data file {path} is not valid UTF-8: {exc}") from exc
    return tables


@lru_cache(maxsize=1)
def data_hash() -> str:
    """Short SHA-256 over the data tables: identifies the rules that produced a romanization."""
    digest = hashlib.sha256()
    for name, text in sorted(read_tables().items()):
        digest.update(name.encode())
        digest.update(text.encode("utf-8"))
    return digest.hexdigest()[:12]
