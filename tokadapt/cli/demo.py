"""``tokadapt demo``: run the pipeline on embedded real data (what ``make demo`` runs)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

COMMAND = "demo"
ORDER = 80


def add_parser(sub: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = sub.add_parser(
        COMMAND, help="run the whole pipeline on real data that pip installs (no arguments needed)"
    )
    parser.add_argument(
        "-o", "--out", default="demo-out", help="work directory (default: demo-out)"
    )
    parser.add_argument("--only", nargs="*", help="run only these stages")
    parser.add_argument("--quick", action="store_true", help="smaller samples")
    return parser


def run(args: argparse.Namespace) -> int:
    from tokadapt.demo import run_demo

    run_demo(Path(args.out), only=args.only, quick=args.quick)
    return 0
