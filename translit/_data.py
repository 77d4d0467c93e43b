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

#: SHA-256 over the :data:`DATA_FILES` (sorted ``name`` + UTF-8 text) of each uroman release
#: translit was verified against. The tables are checked against it when they are loaded.
PINNED_DATA_SHA256: dict[str, str] = {
    "1.3.1.1": "a847550183cf3cbc3bb32a70b1cb3ebafccfaf6934a3d176e5b7ad9ac4be34a8",
}


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


def reference_test_files() -> tuple[Path, Path]:
    """uroman's own golden test: ``(multi-script.txt, multi-script.uroman-ref.txt)``."""
    base = uroman_package_dir() / "mini-test"
    return base / "multi-script.txt", base / "multi-script.uroman-ref.txt"


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
    verify(tables)
    return tables


def tables_sha256(tables: dict[str, str]) -> str:
    """Full hex SHA-256 over the tables, in file-name order (name, then UTF-8 text)."""
    digest = hashlib.sha256()
    for name, text in sorted(tables.items()):
        digest.update(name.encode())
        digest.update(text.encode("utf-8"))
    return digest.hexdigest()


def verify(tables: dict[str, str]) -> str:
    """The uroman release whose pinned hash ``tables`` match; :class:`DataError` otherwise."""
    found = tables_sha256(tables)
    for version, expected in PINNED_DATA_SHA256.items():
        if found == expected:
            return version
    pinned = ", ".join(f"uroman=={v}: {h}" for v, h in PINNED_DATA_SHA256.items())
    raise DataError(
        f"uroman's data tables in {data_dir()} do not match the pinned release: found SHA-256 "
        f"{found}, expected {pinned} (installed uroman: {uroman_installed_version()}). "
        f"Fix: pip install uroman=={UROMAN_VERSION}"
    )


def verified_version() -> str:
    """The uroman release the loaded tables were verified to be (e.g. ``"1.3.1.1"``)."""
    return verify(read_tables())


@lru_cache(maxsize=1)
def data_hash() -> str:
    """Short SHA-256 over the data tables: identifies the rules that produced a romanization."""
    return tables_sha256(read_tables())[:12]
