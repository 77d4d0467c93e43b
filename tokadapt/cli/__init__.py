"""The ``tokadapt`` command line.

Each subcommand is one module in this package defining ``COMMAND`` (its name), ``ORDER`` (its
place in ``--help``), ``add_parser(subparsers)`` and ``run(args) -> int``. Modules are discovered,
so adding a subcommand touches no other file.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import pkgutil
import sys
from types import ModuleType

from tokadapt import __version__, progress
from tokadapt.cli._help import polish
from tokadapt.errors import TokadaptError


def _commands() -> list[ModuleType]:
    modules = []
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        if hasattr(module, "COMMAND") and hasattr(module, "run"):
            modules.append(module)
    return sorted(modules, key=lambda m: (getattr(m, "ORDER", 100), m.COMMAND))


def build_parser() -> tuple[argparse.ArgumentParser, dict[str, ModuleType]]:
    parser = argparse.ArgumentParser(
        prog="tokadapt",
        description="Adapt multilingual language models to romanized text.",
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"tokadapt {__version__} (romanization compatible with uroman 1.3.1.1 by "
        "Ulf Hermjakob, USC/ISI; please acknowledge uroman in publications)",
    )
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more log output")
    parser.add_argument("-q", "--quiet", action="store_true", help="only errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    table = {}
    for module in _commands():
        polish(module.add_parser(sub), module)
        table[module.COMMAND] = module
    return parser, table


def main(argv: list[str] | None = None) -> int:
    parser, table = build_parser()
    args = parser.parse_args(argv)
    level = (
        logging.ERROR
        if args.quiet
        else (
            logging.DEBUG if args.verbose > 1 else logging.INFO if args.verbose else logging.WARNING
        )
    )
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    progress.configure(quiet=args.quiet)
    if args.command is None:
        parser.print_help()
        return 2
    try:
        return int(table[args.command].run(args) or 0)
    except TokadaptError as exc:
        print(f"tokadapt {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"tokadapt {args.command}: interrupted", file=sys.stderr)
        return 130
