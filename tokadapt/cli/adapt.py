"""``tokadapt adapt``: extend-vocab + init-embeddings in one step (TransMI defaults)."""

from __future__ import annotations

import argparse
import shutil
from typing import Any

from tokadapt.cli.init_embeddings import add_strategy_arguments, print_report

COMMAND = "adapt"
ORDER = 35
EXAMPLES = """\
  tokadapt adapt e5/ -o e5-adapted/
  tokadapt adapt e5/ -o e5-adapted/ --select non-latin --strategy subword-mean --json
"""


def add_parser(sub: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = sub.add_parser(
        COMMAND,
        help="extend a model's tokenizer with romanized pieces and initialize their embeddings",
        description="Run 'extend-vocab' on MODEL_DIR's tokenizer and 'init-embeddings' on its "
        "checkpoint (TransMI defaults: merge mode max, strategy transmi).",
    )
    parser.add_argument("model", metavar="MODEL_DIR", help="checkpoint directory with tokenizer")
    parser.add_argument("-o", "--output", required=True, metavar="OUTDIR")
    parser.add_argument(
        "--mode",
        default="max",
        choices=("max", "min", "mean"),
        help="score merge mode for pieces with several sources (max)",
    )
    parser.add_argument("--lang", help="language code for the romanizer (optional)")
    parser.add_argument(
        "--select",
        default="all",
        help="which pieces to romanize: all, non-latin, or script names "
        "(comma-separated, e.g. Cyrillic,Greek)",
    )
    parser.add_argument("--max-new", type=int, help="cap on the number of new pieces")
    parser.add_argument("--overwrite", action="store_true", help="replace an existing OUTDIR")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    add_strategy_arguments(parser)
    return parser


def run(args: argparse.Namespace) -> int:
    from tokadapt.embeddings.initialize import init_embeddings
    from tokadapt.io.outputs import check_output_dir, staging_dir
    from tokadapt.vocab import extend_vocab

    out = check_output_dir(args.output, args.overwrite, inputs=[args.model])
    tmp = staging_dir(out.with_name(f"{out.name}-tokenizer"))  # dead runs' leftovers removed
    try:
        ext = tmp / "tokenizer"
        extend_vocab(
            args.model,
            ext,
            mode=args.mode,
            lang=args.lang,
            select=args.select,
            max_new=args.max_new,
        )
        report = init_embeddings(
            args.model, ext, out, strategy=args.strategy, seed=args.seed, overwrite=args.overwrite
        )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print_report(report, args.json)
    return 0
