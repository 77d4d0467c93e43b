"""``tokadapt script-barrier``: BLI between a model's original-script pieces and their
romanized twins, per script (the gap TransMI and contrastive alignment close)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from tokadapt.cli.retrieval import write_result
from tokadapt.eval.scoring import RETRIEVALS
from tokadapt.eval.search import BACKENDS

COMMAND = "script-barrier"
ORDER = 57
EXAMPLES = """\
  tokadapt script-barrier --model e5/
  tokadapt script-barrier --model e5-adapted/ --scripts CYRILLIC GREEK --json -o barrier.json
"""


def add_parser(sub: Any) -> argparse.ArgumentParser:
    p: argparse.ArgumentParser = sub.add_parser(
        COMMAND,
        help="script-barrier diagnostic: original-script pieces vs romanized twins",
        description="For each non-Latin script in the vocabulary: P@1/P@10 of retrieving a "
        "piece's romanized twin from its input embedding (and back).",
    )
    p.add_argument("--model", required=True, help="Hugging Face checkpoint directory")
    p.add_argument("--per-script", type=int, default=1000, help="pieces per script (default 1000)")
    p.add_argument("--min-pieces", type=int, default=50, help="skip scripts with fewer pieces")
    p.add_argument(
        "--scripts",
        nargs="*",
        help="only these scripts: ISO 15924 codes or names, any case (Cyrl Greek arabic …)",
    )
    p.add_argument("--retrieval", nargs="*", choices=RETRIEVALS, default=["nn", "csls"])
    p.add_argument("--backend", choices=BACKENDS, default="auto")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("-o", "--output", help="also write the JSON result to this file")
    p.add_argument("--overwrite", action="store_true", help="replace an existing --output")
    return p


def run(args: argparse.Namespace) -> int:
    from tokadapt.bli.barrier import script_barrier

    result = script_barrier(
        args.model,
        per_script=args.per_script,
        min_pieces=args.min_pieces,
        scripts=args.scripts,
        retrievals=args.retrieval,
        backend=args.backend,
    )
    write_result(args, result)
    if args.json:
        json.dump(result, sys.stdout, ensure_ascii=False, sort_keys=True)
        sys.stdout.write("\n")
        return 0
    heads = [f"{r}:{d}" for r in args.retrieval for d in ("orig->rom", "rom->orig")]
    print(f"{'script':<14}{'pieces':>7}{'cos':>7}" + "".join(f"{h:>20}" for h in heads))
    for script, row in result["scripts"].items():
        cells = "".join(f"{row[h]['p@1']:>9.1f} / {row[h]['p@10']:>6.1f} " for h in heads)
        print(f"{script:<14}{row['pieces']:>7}{row['cosine']:>7.3f}{cells}")
    print("(cells: P@1 / P@10 in percent)")
    print(result["signature"])
    return 0
