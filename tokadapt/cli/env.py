"""``tokadapt env``: versions and build facts to paste into bug reports."""

from __future__ import annotations

import argparse
import json
from typing import Any

from tokadapt.environment import collect

COMMAND = "env"
ORDER = 90
EXAMPLES = """\
  tokadapt env
  tokadapt env --json > env.json
"""


def add_parser(sub: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = sub.add_parser(
        COMMAND, help="print versions, native build and GPU facts (paste into bug reports)"
    )
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    return parser


def _flatten(prefix: str, value: Any, out: list[str]) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _flatten(f"{prefix}.{key}" if prefix else key, item, out)
    else:
        out.append(f"{prefix:32s} {value}")


def run(args: argparse.Namespace) -> int:
    info = collect()
    if args.json:
        print(json.dumps(info, indent=2, sort_keys=True))
    else:
        lines: list[str] = []
        _flatten("", info, lines)
        print("\n".join(lines))
    return 0
