"""Atomic outputs: nothing half-written, no input or foreign data ever replaced.

Rules (the same for every command and API that writes):

* An output never equals, contains or sits inside an input (compared as real paths, symlinks
  resolved): :func:`refuse_overlap` raises :class:`OutputOverlapError` whatever ``overwrite`` says.
* A directory output is published atomically by :func:`atomic_dir`: it is built in a staging
  folder beside the target (``.NAME.tokadapt-HOST-PID.tmp``), a marker file ``.tokadapt-output``
  (JSON: writer, version, command) is added, and it replaces the target with renames.
* An existing directory is replaced only with ``overwrite`` *and* only when it is empty or carries
  the marker (tokadapt wrote it); any other folder is refused with the reason. A single-file
  output is replaced only with ``overwrite``; a directory in its place is always refused.
* A symlinked output is followed: the directory it points to is replaced, the link stays.
* Staging folders of processes that died (kill -9) are removed by the next write beside them; an
  output caught between "old moved aside" and "new moved in" is put back.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import socket
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from tokadapt.errors import OutputExistsError, OutputOverlapError

MARKER = ".tokadapt-output"
_COMMAND = {"name": "api"}
PathLike = str | os.PathLike[str]


def set_command(name: str) -> None:
    """Record the CLI command that is writing (stored in every output's marker)."""
    _COMMAND["name"] = name


def _real(path: PathLike) -> Path:
    return Path(os.path.realpath(Path(path).expanduser()))


def refuse_overlap(
    output: PathLike, inputs: Iterable[PathLike | None], what: str = "output"
) -> None:
    """Raise unless ``output`` is disjoint from every input (equal, inside or containing)."""
    out = _real(output)
    for item in inputs:
        if item is None or str(item) in ("", "-"):
            continue
        src = _real(item)
        if out == src:
            relation = "is"
        elif out.is_relative_to(src):
            relation = "is inside"
        elif src.is_relative_to(out):
            relation = "contains"
        else:
            continue
        raise OutputOverlapError(
            f"{what} {os.fspath(output) or repr('')} {relation} the input {item} "
            f"(real paths {out} and {src}); "
            "writing there could replace or delete the input. Choose an output outside every input"
        )


def is_tokadapt_output(path: Path) -> bool:
    marker = path / MARKER
    try:
        data = json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(data, dict) and data.get("writer") == "tokadapt"


def _check_place(path: PathLike, target: Path) -> None:
    if Path(path).is_symlink() and not target.exists():
        raise OutputExistsError(
            f"output {path} is a symlink to a missing target or a loop; remove the link or "
            "choose another path"
        )
    for parent in target.parents:
        if parent.exists() and not parent.is_dir():
            raise OutputExistsError(f"output {path}: {parent} is a file, not a folder")


def check_output_dir(
    path: PathLike, overwrite: bool, inputs: Iterable[PathLike | None] = ()
) -> Path:
    """Return the real target directory, or raise when writing there is not allowed."""
    refuse_overlap(path, inputs)
    target = _real(path)
    _check_place(path, target)
    if not target.exists():
        return target
    if not target.is_dir():
        raise OutputExistsError(
            f"output {path} exists and is a file, not a directory; remove it or choose another path"
        )
    if not any(target.iterdir()):
        return target
    if not overwrite:
        raise OutputExistsError(
            f"output {path} exists and is not empty; pass --overwrite (overwrite=True) to "
            "replace it, or choose another path"
        )
    if not is_tokadapt_output(target):
        raise OutputExistsError(
            f"output {path} is a non-empty folder that tokadapt did not write (no {MARKER} "
            "marker); --overwrite replaces only tokadapt's own outputs. Remove or empty it "
            "yourself, or choose another path"
        )
    return target


def check_output_file(
    path: PathLike, overwrite: bool, inputs: Iterable[PathLike | None] = ()
) -> Path:
    """The single-file rules: never an input, never a directory, replaced only with overwrite."""
    refuse_overlap(path, inputs)
    target = _real(path)
    _check_place(path, target)
    if target.is_dir():
        raise OutputExistsError(f"output file {path} is a directory; give a file path")
    if target.exists() and not overwrite:
        raise OutputExistsError(f"output file {path} exists; pass --overwrite to replace it")
    return target


def _tag() -> str:
    host = "".join(c if c.isalnum() else "_" for c in socket.gethostname())[:32]
    return f"tokadapt-{host}-{os.getpid()}"


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


_LEFTOVER = re.compile(
    r"\.(?P<name>.+)\.tokadapt-(?P<host>\w+)-(?P<pid>\d+)\.(?P<kind>old|tmp|\w+\.tmp)"
)


def clean_stale_in(directory: Path) -> None:
    """Remove staging leftovers of dead processes (this host) in ``directory``; an output caught
    between "old moved aside" and "new moved in" is put back."""
    if not directory.is_dir():
        return
    host = _tag().rsplit("-", 1)[0].removeprefix("tokadapt-")
    for item in sorted(directory.iterdir()):
        found = _LEFTOVER.fullmatch(item.name)
        if not found or found["host"] != host or pid_alive(int(found["pid"])):
            continue
        target = directory / found["name"]
        if found["kind"] == "old" and not target.exists() and not target.is_symlink():
            item.rename(target)
        elif item.is_dir() and not item.is_symlink():
            shutil.rmtree(item, ignore_errors=True)
        else:
            item.unlink(missing_ok=True)


def clean_stale(target: Path) -> None:
    """:func:`clean_stale_in` the folder that will hold ``target``."""
    clean_stale_in(target.parent)


def publish_permissions(directory: Path) -> None:
    """Give a tree built under ``tempfile.mkdtemp`` (mode 0700) the usual umask modes."""
    umask = os.umask(0)
    os.umask(umask)
    directory.chmod(0o777 & ~umask)
    for path in directory.rglob("*"):
        path.chmod((0o777 if path.is_dir() else 0o666) & ~umask)


def write_marker(directory: Path) -> None:
    from tokadapt import __version__

    info = {"writer": "tokadapt", "version": __version__, "command": _COMMAND["name"]}
    (directory / MARKER).write_text(json.dumps(info, sort_keys=True) + "\n", encoding="utf-8")


def publish_dir(staged: Path, target: Path) -> None:
    """Replace ``target`` (a checked output) by ``staged`` with two renames, then drop the old."""
    write_marker(staged)
    publish_permissions(staged)
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}.{_tag()}.old")
        target.rename(old)
    staged.rename(target)
    if old is not None:
        shutil.rmtree(old) if old.is_dir() else old.unlink()


def staging_dir(target: Path) -> Path:
    """A fresh staging folder beside ``target`` (after removing dead processes' leftovers)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    clean_stale(target)
    tmp = target.with_name(f".{target.name}.{_tag()}.tmp")
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir(mode=0o700)
    return tmp


@contextlib.contextmanager
def atomic_dir(
    path: PathLike, overwrite: bool = False, inputs: Iterable[PathLike | None] = ()
) -> Iterator[Path]:
    target = check_output_dir(path, overwrite, inputs)
    tmp = staging_dir(target)
    try:
        yield tmp
        publish_dir(tmp, target)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


@contextlib.contextmanager
def atomic_file(
    path: PathLike, mode: str = "w", overwrite: bool = True, inputs: Iterable[PathLike | None] = ()
) -> Iterator[Any]:
    """Write a file through a temporary sibling and ``os.replace`` it into place."""
    target = check_output_file(path, overwrite, inputs)
    target.parent.mkdir(parents=True, exist_ok=True)
    clean_stale(target)
    fd, tmp_name = tempfile.mkstemp(
        prefix=f".{target.name}.{_tag()}.", suffix=".tmp", dir=target.parent
    )
    tmp = Path(tmp_name)
    try:
        encoding = None if "b" in mode else "utf-8"
        with os.fdopen(fd, mode, encoding=encoding) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        tmp.chmod(0o666 & ~_umask())
        tmp.replace(target)
    finally:
        tmp.unlink(missing_ok=True)


def _umask() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return umask


def write_json(path: PathLike, obj: Any, overwrite: bool = True) -> None:
    """Atomically write ``obj`` as sorted, indented UTF-8 JSON (byte-identical across runs)."""
    with atomic_file(path, overwrite=overwrite) as handle:
        json.dump(obj, handle, ensure_ascii=False, indent=2, sort_keys=True)
        handle.write("\n")
