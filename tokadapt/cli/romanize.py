"""``tokadapt romanize``: the translit romanizer as a streaming Unix filter.

Same options as ``python -m translit``; errors go through the tokadapt CLI (one line
``tokadapt romanize: error: ...``, exit code 1 for bad input, 2 for usage) instead of translit's.
"""

from __future__ import annotations

import argparse
import contextlib
from pathlib import Path
from typing import Any, BinaryIO

from tokadapt.progress import Progress, progress
from translit import cli as translit_cli
from translit.schemes import make_romanizer
from translit.stream import romanize_stream

COMMAND = "romanize"
ORDER = 10


def add_parser(sub: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = sub.add_parser(
        COMMAND,
        help="romanize text (uroman 1.3.1.1 compatible), stdin to stdout by default",
        description="Romanize text line by line (uroman 1.3.1.1 compatible, C++ core).",
        epilog=translit_cli.EPILOG.replace("python -m translit", "tokadapt romanize"),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    translit_cli.add_arguments(parser)
    return parser


class _Counted:
    """The input stream, counting the bytes read into a progress bar."""

    def __init__(self, raw: BinaryIO, bar: Progress) -> None:
        self.raw, self.bar = raw, bar

    def readlines(self, hint: int = -1) -> list[bytes]:
        lines = self.raw.readlines(hint)
        self.bar.update(sum(map(len, lines)))
        return lines

    def __getattr__(self, name: str) -> Any:
        return getattr(self.raw, name)


def _output(path: str | None, overwrite: bool) -> contextlib.AbstractContextManager[Any]:
    """stdout or a device through translit; a file through tokadapt's atomic_file (staged
    beside it, leftovers of killed runs cleaned by the next write)."""
    if path is None or path == "-" or (Path(path).exists() and not Path(path).is_file()):
        return translit_cli._open_output(path, overwrite)
    from tokadapt.io.outputs import atomic_file

    return atomic_file(path, overwrite=overwrite)


def run(args: argparse.Namespace) -> int:
    """``translit.cli.run`` with progress in bytes of input (a file's size is the total);
    errors reach the tokadapt CLI boundary (one line, exit codes)."""
    path = None if args.input in (None, "-") else Path(args.input)
    total = path.stat().st_size if path is not None and path.is_file() else None
    rom = make_romanizer(args.scheme, args.lang, errors=args.errors, backend=args.backend)
    with (
        translit_cli._open_input(args.input) as (src, name),
        _output(args.output, args.overwrite) as dst,
        progress(total, "romanize", "B", scale=True) as bar,
    ):
        romanize_stream(
            _Counted(src, bar),  # type: ignore[arg-type]
            dst,
            rom,  # type: ignore[arg-type]  # any scheme: same API
            fmt=args.format,
            num_threads=args.threads,
            name=name,
            max_lines=args.max_lines,
            vocab=args.vocab,
        )
    return 0
