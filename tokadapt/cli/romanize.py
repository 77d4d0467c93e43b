"""``tokadapt romanize``: the translit romanizer as a streaming Unix filter."""

from __future__ import annotations

import argparse
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


def run(args: argparse.Namespace) -> int:
    return translit_cli.run(args)
