"""The ``tokadapt`` command line.

Each subcommand is one module in this package defining ``COMMAND`` (its name), ``ORDER`` (its
place in ``--help``), ``add_parser(subparsers)`` and ``run(args) -> int``. Modules are discovered,
so adding a subcommand touches no other file (a command that writes is also listed in
``_guard.PATHS``, which a test checks).

Every failure ends with one line ``tokadapt CMD: error: ...`` and a documented exit code (see
:mod:`tokadapt.cli._errors`); ``--debug`` or ``TOKADAPT_DEBUG=1`` shows the traceback instead.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import pkgutil
import sys
from types import ModuleType
from typing import NoReturn

from tokadapt import __version__, progress
from tokadapt.cli import _errors, _guard
from tokadapt.cli._help import polish
from tokadapt.io.outputs import set_command


class Parser(argparse.ArgumentParser):
    """argparse with one-line usage errors (``tokadapt CMD: error: ...; see --help``)."""

    def error(self, message: str) -> NoReturn:
        self.exit(
            _errors.EXIT_USAGE,
            f"{self.prog}: error: {_errors.one_line(message)}; see '{self.prog} --help'\n",
        )


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
    parser = Parser(
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
    parser.add_argument(
        "--debug",
        action="store_true",
        help="show the Python traceback of an error (also: TOKADAPT_DEBUG=1)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    table = {}
    for module in _commands():
        command_parser = module.add_parser(sub)
        polish(command_parser, module)
        if isinstance(command_parser, argparse.ArgumentParser):  # --debug after the command too
            command_parser.add_argument(
                "--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS
            )
        table[module.COMMAND] = module
    return parser, table


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; returns the exit code (0 ok, 1 data/runtime error, 2 usage, 130 Ctrl-C)."""
    parser, table = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as stop:  # --help, --version, usage errors (already printed)
        return stop.code if isinstance(stop.code, int) else _errors.EXIT_USAGE
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
        return _errors.EXIT_USAGE
    return _run(table[args.command], args, _errors.debug_requested(args.debug))


def _run(module: ModuleType, args: argparse.Namespace, debug: bool) -> int:
    name = f"tokadapt {args.command}"
    if sys.stdout is None:
        print(
            f"{name}: error: standard output is closed; redirect it (> FILE or > /dev/null)",
            file=sys.stderr,
        )
        return _errors.EXIT_ERROR
    set_command(args.command)
    try:
        _guard.check(args)
        code = int(module.run(args) or 0)
        sys.stdout.flush()
        return code
    except BrokenPipeError:
        return _errors.quiet_broken_pipe()
    except KeyboardInterrupt:
        if debug:
            raise
        print(f"{name}: interrupted", file=sys.stderr)
        return _errors.EXIT_INTERRUPTED
    except Exception as exc:  # the CLI boundary: one line, never a traceback
        if debug:
            raise
        message, code = _errors.describe(exc)
        print(f"{name}: error: {_errors.one_line(message)}", file=sys.stderr)
        return code
    finally:
        progress.end()
        set_command("api")
