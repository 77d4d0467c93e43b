"""``tokadapt init-embeddings``: initialize the new rows of a checkpoint (extended tokenizer)."""

from __future__ import annotations

import argparse
import json
from typing import Any

from tokadapt.embeddings.strategies import STRATEGIES

COMMAND = "init-embeddings"
ORDER = 30
EXAMPLES = """\
  tokadapt init-embeddings --model e5/ --tokenizer e5-ext/ -o e5-transmi/
  tokadapt init-embeddings --model e5/ --tokenizer e5-ext/ -o e5-mvn/ --strategy mvn --json
"""


def add_strategy_arguments(parser: argparse.ArgumentParser, default: str = "transmi") -> None:
    group = parser.add_argument_group("initialization")
    group.add_argument(
        "--strategy",
        default=default,
        choices=sorted(STRATEGIES),
        help=f"how new rows are made (default: {default}; transmi follows the manifest's merge "
        "mode). " + "; ".join(f"{s.name}: {s.description}" for s in STRATEGIES.values()),
    )
    group.add_argument("--seed", type=int, default=0, help="seed of random strategies (0)")


def add_parser(sub: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = sub.add_parser(
        COMMAND,
        help="give every new piece of an extended tokenizer an embedding in a HF checkpoint",
        description="Resize the input embeddings, the tied or untied output embeddings and the "
        "MLM bias of a Hugging Face checkpoint for a tokenizer written by 'tokadapt "
        "extend-vocab', initialize the new rows, and write a checkpoint that transformers loads.",
    )
    io = parser.add_argument_group("input/output")
    io.add_argument("--model", required=True, metavar="MODEL_DIR", help="checkpoint directory")
    io.add_argument(
        "--tokenizer",
        required=True,
        metavar="EXTENDED_DIR",
        help="extended tokenizer directory (with tokadapt_manifest.json)",
    )
    io.add_argument("-o", "--output", required=True, metavar="OUTDIR", help="output directory")
    io.add_argument(
        "--base-tokenizer",
        metavar="PATH",
        help="the model's original tokenizer when MODEL_DIR has none",
    )
    io.add_argument(
        "--pad-to-multiple-of",
        type=int,
        metavar="N",
        help="round the embedding rows up to a multiple of N (extra rows: the mean old row)",
    )
    io.add_argument("--overwrite", action="store_true", help="replace an existing OUTDIR")
    io.add_argument("--json", action="store_true", help="print the report as JSON")
    add_strategy_arguments(parser)
    parser.add_argument(
        "--existing",
        default="keep",
        metavar="keep|blend:ALPHA|blend-unread:ALPHA",
        help="rows of romanizations already in the vocabulary: keep the Latin row (default, "
        "TransMI), blend ALPHA of the mean source row into it, or blend only rows the protected "
        "pivot text never reads",
    )
    return parser


def print_report(report: dict[str, Any], as_json: bool) -> None:
    if as_json:
        print(json.dumps(report, indent=2, sort_keys=True))
        return
    counts = ", ".join(f"{k} {v}" for k, v in sorted(report["counts"].items()))
    seconds = ", ".join(f"{k} {v:.1f} s" for k, v in report["seconds"].items())
    print(
        f"{report['new_pieces']} new rows ({report['strategy']}: {counts}); embedding rows "
        f"{report['rows_before']} -> {report['rows_after']} "
        f"({report['reused_padding_rows']} unused padding rows reinitialized)"
    )
    blended = report.get("existing", {}).get("rows_blended", 0)
    if blended:
        print(f"existing romanizations: {blended} rows blended ({report['existing']['option']})")
    print(
        f"tensors: input {report['tensors']['input']}, output {report['tensors']['output']}, "
        f"bias {report['tensors']['bias']}; {seconds}"
    )


def run(args: argparse.Namespace) -> int:
    from tokadapt.embeddings.initialize import init_embeddings

    report = init_embeddings(
        args.model,
        args.tokenizer,
        args.output,
        strategy=args.strategy,
        seed=args.seed,
        overwrite=args.overwrite,
        base_tokenizer=args.base_tokenizer,
        pad_to_multiple_of=args.pad_to_multiple_of,
        existing=args.existing,
    )
    print_report(report, args.json)
    return 0
