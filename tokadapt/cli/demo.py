"""``tokadapt demo``: run the pipeline on embedded real data (what ``make demo`` runs)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

COMMAND = "demo"
ORDER = 80
EXAMPLES = """\
  tokadapt demo                   # everything; writes demo-out/report.html
  tokadapt demo --quick -o /tmp/demo --only vocab embeddings
"""


def add_parser(sub: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = sub.add_parser(
        COMMAND, help="run the whole pipeline on real data that pip installs (no arguments needed)"
    )
    parser.add_argument(
        "-o", "--output", "--out", dest="out", default="demo-out", help="work directory"
    )
    parser.add_argument("--json", action="store_true", help="print the results as JSON at the end")
    parser.add_argument("--only", nargs="*", help="run only these stages")
    parser.add_argument("--quick", action="store_true", help="smaller samples")
    return parser


def run(args: argparse.Namespace) -> int:
    from tokadapt.demo import run_demo

    results = run_demo(Path(args.out), only=args.only, quick=args.quick)
    if args.json:
        print(json.dumps(results, indent=2, ensure_ascii=False, sort_keys=True, default=str))
    return 0
