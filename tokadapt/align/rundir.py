"""Where an alignment run writes while it trains, and how it is published (stage, then publish).

A run never writes into its output ``OUT`` while training. Everything (``metrics.jsonl``,
``checkpoints/step-*``, finally the model) goes to the staging folder ``OUT.partial`` beside it,
which carries a lock file naming the writing process. Only when training finished is the staging
folder moved into place with two renames (:func:`tokadapt.io.outputs.publish_dir`), so a run killed
at any moment (``kill -9`` included) leaves a previous ``OUT`` exactly as it was.

* ``--resume`` continues in ``OUT.partial`` when it exists (a killed run); otherwise it copies a
  finished ``OUT`` there (checkpoints hard-linked, not duplicated) and continues from its latest
  checkpoint (training more steps), publishing over ``OUT`` at the end.
* A fresh run refuses an existing ``OUT.partial`` (its checkpoints are someone's work) unless
  ``--overwrite``; a live run's staging folder is never touched.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import socket
from collections.abc import Callable
from pathlib import Path

from tokadapt.errors import InputFileError, OutputExistsError
from tokadapt.io.outputs import (
    check_output_dir,
    clean_stale_in,
    pid_alive,
    publish_dir,
    write_marker,
)

log = logging.getLogger(__name__)
LOCK = ".tokadapt-run.json"


def staging_path(out: Path) -> Path:
    return out.with_name(f"{out.name}.partial")


def _owner_alive(staging: Path) -> bool:
    try:
        info = json.loads((staging / LOCK).read_text(encoding="utf-8"))
        pid, host = int(info["pid"]), str(info["host"])
    except (OSError, ValueError, KeyError, TypeError):
        return False
    return host == socket.gethostname() and pid != os.getpid() and pid_alive(pid)


def _lock(staging: Path, created: bool) -> None:
    info = {
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "created": created,
        "checkpoints": [p.name for p in sorted((staging / "checkpoints").glob("step-*"))],
    }
    (staging / LOCK).write_text(json.dumps(info) + "\n", encoding="utf-8")
    write_marker(staging)


def _copier(root: Path) -> Callable[[str, str], None]:
    """Hard-link checkpoint files (never rewritten: a new step is a new folder); copy the rest
    (``metrics.jsonl`` is appended to, the marker rewritten), so ``OUT`` is never modified."""

    def copy(src: str, dst: str) -> None:
        if Path(src).relative_to(root).parts[0] != "checkpoints":
            shutil.copy2(src, dst)
            return
        try:
            os.link(src, dst)
        except OSError:
            shutil.copy2(src, dst)

    return copy


def _check_staging(staging: Path, overwrite: bool) -> None:
    if not staging.exists():
        return
    if _owner_alive(staging):
        raise OutputExistsError(
            f"another align run (see {staging / LOCK}) is writing {staging}; wait for it or "
            "choose another output"
        )
    if not (staging / LOCK).is_file():
        raise OutputExistsError(
            f"{staging} exists but is not an unfinished tokadapt run; remove it or choose "
            "another output"
        )
    if not overwrite:
        raise OutputExistsError(
            f"an unfinished run is in {staging}; pass --resume to continue it or --overwrite "
            "to discard it and start over"
        )


def prepare(out: Path, resume: bool | str | Path, overwrite: bool) -> Path:
    """Create or reuse the staging folder for a run writing ``out``; returns its path."""
    staging = staging_path(out)
    created = not staging.exists()
    if resume is False or resume is None:
        check_output_dir(out, overwrite)
        _check_staging(staging, overwrite)
        if staging.exists():
            log.warning("discarding the unfinished run in %s (--overwrite)", staging)
            shutil.rmtree(staging)
            created = True
    elif staging.exists():
        if _owner_alive(staging):
            _check_staging(staging, overwrite)
    elif (out / "checkpoints").is_dir():
        log.info("resuming the finished run %s in %s", out, staging)
        shutil.copytree(out, staging, copy_function=_copier(out), symlinks=True)
    elif resume is True:
        raise InputFileError(
            f"--resume: neither {staging} nor {out / 'checkpoints'} exists; start without "
            "--resume or point --resume at a step-NNNNNNN directory"
        )
    else:
        check_output_dir(out, overwrite)
    staging.mkdir(parents=True, exist_ok=True)
    clean_stale_in(staging / "checkpoints")
    _lock(staging, created)
    return staging


def abandon(staging: Path) -> None:
    """The run failed (an exception, not a kill): remove a staging folder this process created
    and added no checkpoint to (nothing to resume); otherwise keep it for ``--resume``."""
    try:
        info = json.loads((staging / LOCK).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return
    now = [p.name for p in sorted((staging / "checkpoints").glob("step-*"))]
    if info.get("created") and info.get("pid") == os.getpid() and now == info.get("checkpoints"):
        shutil.rmtree(staging, ignore_errors=True)
    elif info.get("pid") == os.getpid():
        log.warning("the unfinished run is kept in %s: continue it with --resume", staging)


def publish(staging: Path, out: Path) -> None:
    """Move the finished run into place (replacing an earlier ``out``) and drop the lock."""
    (staging / LOCK).unlink(missing_ok=True)
    clean_stale_in(staging / "checkpoints")
    for leftover in staging.glob(".final.*.tmp"):  # export's own temp dir of a killed run
        shutil.rmtree(leftover, ignore_errors=True)
    target = Path(os.path.realpath(out))
    publish_dir(staging, target)
    log.info("published %s", target)
