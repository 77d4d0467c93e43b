"""``tokadapt romanize``: the translit romanizer as a streaming Unix filter."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, BinaryIO

from tokadapt.progress import Progress, progress
from translit import cli as translit_cli
from translit.api import Romanizer
from translit.errors import TranslitError
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


def run(args: argparse.Namespace) -> int:
    """``translit.cli.run`` with progress in bytes of input (a file's size is the total)."""
    path = None if args.input in (None, "-") else Path(args.input)
    total = path.stat().st_size if path is not None and path.is_file() else None
    try:
        rom = Romanizer(args.lang, backend=args.backend, errors=args.errors)
        with (
            translit_cli._open_input(args.input) as (src, name),
            translit_cli._open_output(args.output, args.overwrite) as dst,
            progress(total, "romanize", "B", scale=True) as bar,
        ):
            romanize_stream(
                _Counted(src, bar),  # type: ignore[arg-type]
                dst,
                rom,
                fmt=args.format,
                num_threads=args.threads,
                name=name,
                max_lines=args.max_lines,
                vocab=args.vocab,
            )
    except BrokenPipeError:
        return translit_cli._quiet_broken_pipe()
    except (TranslitError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0
