"""``tokadapt romanize-corpus``: romanize text/JSONL/Parquet/HF-dataset shards into Parquet."""

from __future__ import annotations

import argparse
import json
import re
import sys
from typing import Any

COMMAND = "romanize-corpus"
ORDER = 15
EXAMPLES = """
  tokadapt romanize-corpus 'shards/*.jsonl' -o rom/ --text-column text --lang-column lang
  tokadapt romanize-corpus corpus.txt -o rom/ --lang rus --workers 2
  tokadapt romanize-corpus data/ -o rom/ --engine ray --ray-address auto --scheme uroman
"""
_LANG_COLUMN = re.compile(r"^([^=]+)=([a-z]{3}[0-9]?)$")


def add_parser(sub: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = sub.add_parser(
        COMMAND,
        help="romanize a corpus of shards into Parquet (local cores or a Ray cluster)",
        description="Romanize every input shard (text lines, JSONL, Parquet, a saved Hugging "
        "Face dataset; files, globs or directories) into one Parquet shard with the original "
        "and romanized columns. Exactly once and resumable: rerun the same command after an "
        "interruption and only unfinished shards are redone.",
    )
    parser.add_argument("inputs", nargs="+", metavar="INPUT", help="files, globs or directories")
    parser.add_argument("-o", "--output", required=True, help="output directory of shards")
    what = parser.add_argument_group("what to romanize")
    what.add_argument(
        "--text-column",
        action="append",
        dest="text_columns",
        metavar="COL",
        help="column to romanize (repeatable; default: text). Text files have one: text. "
        "COL=LCODE gives that column its own language code",
    )
    langs = what.add_mutually_exclusive_group()
    langs.add_argument("--lang", help="ISO 639-3 code for every row (uroman's -l), e.g. rus")
    langs.add_argument("--lang-column", help="column holding each row's ISO 639-3 code")
    what.add_argument("--scheme", default="uroman", help="romanization scheme (default: uroman)")
    what.add_argument("--suffix", default="_rom", help="romanized column = COL+SUFFIX (_rom)")
    run = parser.add_argument_group("where to run")
    run.add_argument("--engine", choices=("local", "ray"), default="local")
    run.add_argument("--ray-address", help="existing Ray cluster (default: start a local one)")
    run.add_argument("--workers", type=int, help="parallel shards (default: all local cores)")
    parser.add_argument("--json", action="store_true", help="print a JSON summary on stdout")
    return parser


def _columns(specs: list[str] | None) -> tuple[tuple[str, ...], dict[str, str]]:
    columns, langs = [], {}
    for spec in specs or ["text"]:
        match = _LANG_COLUMN.match(spec)
        if match:
            columns.append(match.group(1))
            langs[match.group(1)] = match.group(2)
        else:
            columns.append(spec)
    return tuple(columns), langs


def run(args: argparse.Namespace) -> int:
    from tokadapt.corpus import RomanizeSpec, romanize_corpus
    from tokadapt.errors import ConfigError

    if args.ray_address and args.engine != "ray":
        raise ConfigError("--ray-address needs --engine ray")
    columns, column_langs = _columns(args.text_columns)
    spec = RomanizeSpec(
        text_columns=columns,
        lang=args.lang,
        lang_column=args.lang_column,
        column_langs=column_langs,
        scheme=args.scheme,
        suffix=args.suffix,
    )
    summary = romanize_corpus(
        args.inputs,
        args.output,
        spec,
        engine=args.engine,
        workers=args.workers,
        ray_address=args.ray_address,
    )
    if args.json:
        json.dump(
            {**summary.__dict__, "mb_per_s": round(summary.mb_per_s, 3)}, sys.stdout, indent=2
        )
        sys.stdout.write("\n")
    else:
        print(
            f"{summary.shards} shard(s) ({summary.skipped} already done), {summary.rows} rows, "
            f"{summary.mb_per_s:.1f} MB/s -> {args.output}",
            file=sys.stderr,
        )
    return 0
