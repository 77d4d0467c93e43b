"""One look for every subcommand's ``--help``: usage examples (the module's ``EXAMPLES``) in
the epilog, and each option's default shown after its help text."""

from __future__ import annotations

import argparse
from types import ModuleType

UNITS_NOTE = "Accuracies (retrieval top-k, BLI P@k and coverage, script-barrier P@k) are percent."


class HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Keeps the epilog's line breaks; appends ``(default: X)`` where a default exists and the
    help text does not already mention one."""

    def _get_help_string(self, action: argparse.Action) -> str | None:
        text = action.help or ""
        if not _has_default(action) or "default" in text.lower():
            return action.help
        return f"{text} (default: %(default)s)".strip()


def _has_default(action: argparse.Action) -> bool:
    shown = action.default not in (None, False, True, argparse.SUPPRESS, [], "")
    return bool(action.option_strings) and shown


def polish(parser: argparse.ArgumentParser, module: ModuleType) -> None:
    """Apply the formatter and the module's ``EXAMPLES`` to a subcommand's parser."""
    parser.formatter_class = HelpFormatter
    for action in parser._actions:
        if action.help is None and _has_default(action):
            action.help = "(default: %(default)s)"  # argparse prints nothing for help=None
    examples = getattr(module, "EXAMPLES", None)
    if examples and not parser.epilog:
        parser.epilog = "examples:\n" + examples.strip("\n") + "\n\n" + UNITS_NOTE
