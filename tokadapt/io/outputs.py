"""Atomic outputs: nothing half-written, nothing existing replaced without ``overwrite``.

``atomic_dir(path)`` yields a fresh temporary directory beside ``path``; when the block finishes
without an exception, the temporary directory replaces ``path`` with ``os.replace`` (an existing
output is first moved aside and removed only after the new one is in place). On error the
temporary directory is removed and ``path`` is untouched.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tokadapt.errors import OutputExistsError


def check_output_dir(path: str | os.PathLike[str], overwrite: bool) -> Path:
    """Refuse a non-empty existing directory (or any existing file) unless ``overwrite``."""
    target = Path(path)
    if target.exists() and not overwrite:
        if target.is_dir() and not any(target.iterdir()):
            return target
        raise OutputExistsError(
            f"output {target} exists and is not empty; pass --overwrite (overwrite=True) to "
            "replace it, or choose another path"
        )
    return target


def publish_permissions(directory: Path) -> None:
    """Give a tree built under ``tempfile.mkdtemp`` (mode 0700) the usual umask modes."""
    umask = os.umask(0)
    os.umask(umask)
    directory.chmod(0o777 & ~umask)
    for path in directory.rglob("*"):
        path.chmod((0o777 if path.is_dir() else 0o666) & ~umask)


@contextlib.contextmanager
def atomic_dir(path: str | os.PathLike[str], overwrite: bool = False) -> Iterator[Path]:
    target = check_output_dir(path, overwrite)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent))
    try:
        yield tmp
        publish_permissions(tmp)
        old = None
        if target.exists():
            old = target.with_name(f".{target.name}.{os.getpid()}.old")
            target.rename(old)
        tmp.rename(target)
        if old is not None:
            shutil.rmtree(old) if old.is_dir() else old.unlink()
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


@contextlib.contextmanager
def atomic_file(
    path: str | os.PathLike[str], mode: str = "w", overwrite: bool = True
) -> Iterator[Any]:
    """Write a file through a temporary sibling and ``os.replace`` it into place."""
    target = Path(path)
    if target.exists() and not overwrite:
        raise OutputExistsError(f"output file {target} exists; pass --overwrite to replace it")
    fd, tmp_name = tempfile.mkstemp(
        prefix=f".{target.name}.", suffix=".tmp", dir=target.parent or "."
    )
    tmp = Path(tmp_name)
    try:
        encoding = None if "b" in mode else "utf-8"
        with os.fdopen(fd, mode, encoding=encoding) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        tmp.replace(target)
    finally:
        tmp.unlink(missing_ok=True)


def write_json(path: str | os.PathLike[str], obj: Any) -> None:
    """Atomically write ``obj`` as sorted, indented UTF-8 JSON (byte-identical across runs)."""
    with atomic_file(path) as handle:
        json.dump(obj, handle, ensure_ascii=False, indent=2, sort_keys=True)
        handle.write("\n")
