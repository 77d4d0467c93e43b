"""``tokadapt retrieval``: sentence retrieval top-1/5/10 in both directions (SR-T / SR-B)."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path
from typing import Any

from tokadapt import progress
from tokadapt.errors import ConfigError, InputFileError, OutputExistsError
from tokadapt.eval.budget import INDEXES, limits
from tokadapt.eval.encode import POOLINGS
from tokadapt.eval.retrieval import SCORINGS
from tokadapt.eval.search import BACKENDS
from tokadapt.eval.signature import signature
from tokadapt.io.outputs import write_json

log = logging.getLogger(__name__)
COMMAND = "retrieval"
ORDER = 55
EXAMPLES = """\
  tokadapt retrieval --model e5/ --src ru.txt --tgt en.txt
  tokadapt retrieval --model e5-adapted/ --src ru.txt --tgt en.txt --romanize-src rus \\
      --layer 8 --json -o ret-after.json
"""


def add_parser(sub: Any) -> argparse.ArgumentParser:
    p: argparse.ArgumentParser = sub.add_parser(
        COMMAND,
        help="sentence retrieval accuracy between two aligned text files",
        description="Encode two line-aligned files with a checkpoint; top-k in both directions.",
    )
    p.add_argument("--model", required=True, help="Hugging Face checkpoint directory")
    p.add_argument("--src", required=True, help="source sentences, one per line")
    p.add_argument("--tgt", required=True, help="target sentences, line i translates src line i")
    p.add_argument(
        "--layer",
        type=int,
        default=-1,
        help="hidden_states index (-1 = last; the TransMI/TransliCo protocol uses 8)",
    )
    p.add_argument(
        "--pooling",
        choices=("auto", *POOLINGS),
        default="auto",
        help="auto (default): what the checkpoint's sentence-transformers configuration says "
        "(mean pooling there = mean-all: special tokens included), else mean over text tokens",
    )
    p.add_argument("--scoring", choices=SCORINGS, default="cosine")
    p.add_argument(
        "--romanize-src",
        metavar="SPEC",
        help="romanize the source side first: a scheme (uroman, uroman:rus, icu:bgn, "
        "icu:iso9 …), an ISO 639-3 code (= uroman:LCODE), or 'none' (= uroman)",
    )
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--max-length", type=int, default=128)
    p.add_argument("--backend", choices=BACKENDS, default="auto")
    p.add_argument(
        "--max-memory",
        help="bound the search's memory, e.g. 4GB (exact: blocks sized to fit, same results; "
        "--csls-index: the whole process's peak resident set)",
    )
    p.add_argument(
        "--csls-index",
        choices=INDEXES,
        default="exact",
        help="--scoring csls/margin: neighbourhoods (and the csls ranking) from an approximate "
        "FAISS index, recall vs exact reported",
    )
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("-o", "--output", help="also write the JSON result to this file")
    p.add_argument("--overwrite", action="store_true", help="replace an existing --output")
    return p


def read_lines(path: str) -> list[str]:
    p = Path(path)
    if not p.is_file():
        raise InputFileError(f"sentence file {p} does not exist")
    lines = p.read_text(encoding="utf-8").splitlines()
    for i, line in enumerate(lines, 1):
        if not line.strip():
            raise InputFileError(f"{p}:{i}: empty line; every line must hold one sentence")
    if not lines:
        raise InputFileError(f"{p} is empty")
    return lines


def _romanizer(option: str) -> Any:
    """``none`` → uroman; ``rus`` → uroman:rus; anything else is a scheme spec."""
    from tokadapt.data.scripts import icu_errors
    from translit import make_romanizer

    spec = "uroman" if option == "none" else option
    if ":" not in spec and spec != "uroman":
        spec = f"uroman:{spec}"
    with icu_errors():
        return make_romanizer(spec)


def evaluate_files(args: argparse.Namespace) -> dict[str, Any]:
    from tokadapt.eval.encode import encode_texts, load_encoder
    from tokadapt.eval.retrieval import top_k_accuracy

    src, tgt = read_lines(args.src), read_lines(args.tgt)
    if len(src) != len(tgt):
        raise ConfigError(
            f"{args.src} has {len(src)} lines but {args.tgt} has {len(tgt)}; "
            "the files must be line-aligned translations"
        )
    if args.romanize_src:
        src = _romanizer(args.romanize_src).romanize_batch(src)
    why = "given"
    if args.pooling == "auto":
        from tokadapt.eval.encode import pooling_of

        args.pooling, why = pooling_of(args.model)
        log.info("retrieval: pooling %s (%s; --pooling to change)", args.pooling, why)
    progress.note("retrieval", f"loading {args.model}; {len(src):,} sentence pairs")
    model, tok = load_encoder(args.model)
    kw = {
        "layer": args.layer,
        "pooling": args.pooling,
        "batch_size": args.batch_size,
        "max_length": args.max_length,
    }
    a, b = encode_texts(model, tok, src, **kw), encode_texts(model, tok, tgt, **kw)
    progress.note("retrieval", f"searching top-k both ways ({args.scoring})")
    result: dict[str, Any] = {
        "sentences": len(src),
        "unit": "percent",
        "pooling": {"used": args.pooling, "why": why},
    }
    for name, (x, y) in (("src->tgt", (a, b)), ("tgt->src", (b, a))):
        with limits(args.max_memory, args.csls_index) as scope:
            acc = top_k_accuracy(x, y, scoring=args.scoring, backend=args.backend)
        result[name] = _percent(acc)
        if scope.report:
            result.setdefault("approximate_csls", {})[name] = dict(scope.report)
    fields = {
        "model": args.model,
        "layer": args.layer,
        "pooling": args.pooling,
        "scoring": args.scoring,
        "romanize": args.romanize_src,
        "n": len(src),
        "index": None if args.csls_index == "exact" else args.csls_index,
    }
    lang = args.romanize_src if args.romanize_src not in (None, "none") else None
    result["signature"] = signature("retrieval", fields, lang=lang)
    return result


def _percent(acc: dict[str, float]) -> dict[str, float]:
    return {k: round(100 * v, 4) for k, v in acc.items()}


def run(args: argparse.Namespace) -> int:
    result = evaluate_files(args)
    write_result(args, result)
    if args.json:
        json.dump(result, sys.stdout, ensure_ascii=False, sort_keys=True)
        sys.stdout.write("\n")
        return 0
    for direction in ("src->tgt", "tgt->src"):
        acc = result[direction]
        print(f"{direction}: " + "  ".join(f"{k} {v:.2f}%" for k, v in acc.items()))
    print(result["signature"])
    return 0


def write_result(args: argparse.Namespace, result: dict[str, Any]) -> None:
    """``-o/--output``: the JSON result, atomically; an existing file needs ``--overwrite``."""
    if not args.output:
        return
    if Path(args.output).exists() and not args.overwrite:
        raise OutputExistsError(f"output file {args.output} exists; pass --overwrite")
    write_json(args.output, result)
