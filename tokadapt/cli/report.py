"""``tokadapt report``: one self-contained HTML page (inline SVG figures) from run outputs."""

from __future__ import annotations

import argparse
import json
from typing import Any

COMMAND = "report"
ORDER = 70

EXAMPLES = """\
  tokadapt report demo-out -o demo-out/report.html
  tokadapt report xlmr-ext/ e5-init/ aligned/ ret-before.json ret-after.json -o report.html
  tokadapt report aligned/ -o report.html --figures figs/   # + PNG/SVG of every figure

RUN may be a directory (searched for tokadapt_manifest.json, tokadapt_init.json, metrics.jsonl,
demo.json and retrieval/bli/script-barrier JSON written with -o) or one such file. Retrieval and
BLI results are compared against the first one given (deltas)."""


def add_parser(sub: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = sub.add_parser(
        COMMAND,
        help="HTML report with figures from what the other commands wrote",
        description="Build one self-contained HTML file (no network, no scripts, inline SVG) "
        "with fertility per script, new-piece provenance and collisions, initialization "
        "counts, training curves, retrieval/BLI tables with deltas, signatures and versions.",
    )
    parser.add_argument("runs", nargs="+", metavar="RUN", help="run directories or result files")
    parser.add_argument(
        "-o", "--output", default="report.html", help="HTML file to write (default: report.html)"
    )
    parser.add_argument(
        "--figures", metavar="DIR", help="also write each figure as DIR/NAME.png and .svg"
    )
    parser.add_argument("--title", default="tokadapt report", help="page title")
    parser.add_argument("--overwrite", action="store_true", help="replace an existing report")
    parser.add_argument("--json", action="store_true", help="print a JSON summary")
    return parser


def run(args: argparse.Namespace) -> int:
    from tokadapt.report import build_report

    result = build_report(
        args.runs,
        args.output,
        figures_dir=args.figures,
        title=args.title,
        overwrite=args.overwrite,
    )
    if args.json:
        summary = {
            "output": str(result.path),
            "figures": result.figures,
            "sections": result.sections,
            "artifacts": result.artifacts,
            "exported": [str(p) for p in result.exported],
            "seconds": round(result.seconds, 2),
        }
        print(json.dumps(summary, indent=2, sort_keys=True))
        return 0
    print(
        f"wrote {result.path} ({len(result.sections)} sections, {len(result.figures)} figures "
        f"from {result.artifacts} artifacts) in {result.seconds:.1f} s"
    )
    if result.exported:
        print(f"exported {len(result.exported)} figure files to {args.figures}")
    return 0
