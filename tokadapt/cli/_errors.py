"""One line per failure: map every exception to ``tokadapt CMD: error: ...`` and an exit code.

Exit codes: 0 success, 1 data or runtime error, 2 usage error (bad option, refused output),
130 interrupted (Ctrl-C). A reader that goes away (``| head``) ends the command quietly (0).
``--debug`` or ``TOKADAPT_DEBUG=1`` re-raises instead, so Python prints the traceback.
"""

from __future__ import annotations

import errno
import os
import sys

from tokadapt.errors import TokadaptError

EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


def debug_requested(flag: bool) -> bool:
    return flag or os.environ.get("TOKADAPT_DEBUG", "").strip() not in ("", "0", "false", "no")


def one_line(text: str) -> str:
    return " ".join(str(text).split())


def _os_error(exc: OSError) -> str:
    where = f" {exc.filename}" if exc.filename is not None else ""
    if exc.errno == errno.ENOSPC:
        return (
            f"no space left on the device while writing{where}; free some space or choose "
            "another output (nothing was published: outputs are written to a temporary folder "
            "and moved into place only when complete)"
        )
    if exc.errno == errno.EISDIR:
        return f"{exc.filename} is a folder, but a file is needed here; give a file path"
    if exc.errno == errno.EEXIST:
        return f"{exc.filename} exists and is in the way (a file where a folder is needed?)"
    if exc.errno == errno.ELOOP:
        return f"{exc.filename}: too many levels of symbolic links (a symlink loop)"
    if exc.errno == errno.ENOTDIR:
        return f"{exc.filename}: a part of this path is a file, not a folder; check the path"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return f"permission denied:{where}; check the file's permissions or choose another path"
    if exc.errno == errno.ENOENT:
        return f"no such file or folder:{where}; check the path"
    return f"{exc.strerror or exc}:{where}" if exc.strerror else one_line(str(exc))


def describe(exc: BaseException) -> tuple[str, int]:
    """The one-line message and exit code for ``exc``."""
    if isinstance(exc, TokadaptError):
        return str(exc), int(getattr(exc, "exit_code", EXIT_ERROR))
    if isinstance(exc, UnicodeDecodeError):
        return (
            f"an input is not valid UTF-8 ({exc.reason} at byte {exc.start}); convert it to "
            "UTF-8 (e.g. iconv -t UTF-8) and rerun",
            EXIT_ERROR,
        )
    if isinstance(exc, OSError):
        return _os_error(exc), EXIT_ERROR
    if isinstance(exc, MemoryError):
        return (
            "out of memory; use a smaller input, batch size or model, or a machine with more "
            "memory",
            EXIT_ERROR,
        )
    translit_error = sys.modules.get("translit.errors")
    if translit_error is not None and isinstance(exc, translit_error.TranslitError):
        return str(exc), EXIT_ERROR
    return (
        f"unexpected {type(exc).__name__}: {exc} (rerun with --debug for the traceback and "
        "report it)",
        EXIT_ERROR,
    )


def quiet_broken_pipe() -> int:
    """The reader went away: silence stdout (no second error at exit) and exit like a filter."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass
    return EXIT_OK
