"""``tokadapt romanize``: the translit romanizer as a streaming Unix filter.

Same options as ``python -m translit``; errors go through the tokadapt CLI (one line
``tokadapt romanize: error: ...``, exit code 1 for bad input, 2 for usage) instead of translit's.
"""

from __future__ import annotations

import argparse
import contextlib
from pathlib import Path
from typing import Any

from translit import cli as translit_cli

COMMAND = "romanize"
ORDER = 10


def add_parser(sub: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = sub.add_parser(
        COMMAND,
        help="romanize text (uroman 1.3.1.1 compatible), stdin to stdout by default",
        description="Romanize text line by line (uroman 1.3.1.1 compatible, C++ core).",
    )
    translit_cli.add_arguments(parser)
    return parser


def _output(path: str | None, overwrite: bool) -> contextlib.AbstractContextManager[Any]:
    """stdout or a device through translit; a file through tokadapt's atomic_file (staged
    beside it, leftovers of killed runs cleaned by the next write)."""
    if path is None or path == "-" or (Path(path).exists() and not Path(path).is_file()):
        return translit_cli._open_output(path, overwrite)
    from tokadapt.outputs import atomic_file

    return atomic_file(path, overwrite=overwrite)


def run(args: argparse.Namespace) -> int:
    from translit.api import Romanizer
    from translit.stream import romanize_stream

    rom = Romanizer(args.lang, backend=args.backend, errors=args.errors)
    with (
        translit_cli._open_input(args.input) as (src, name),
        _output(args.output, args.overwrite) as dst,
    ):
        romanize_stream(
            src,
            dst,
            rom,
            fmt=args.format,
            num_threads=args.threads,
            name=name,
            max_lines=args.max_lines,
            vocab=args.vocab,
        )
    return 0
