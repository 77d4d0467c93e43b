"""``tokadapt adapt``: extend-vocab + init-embeddings in one step (TransMI defaults); with
``--align TRAIN...`` also the alignment, with the defaults ``tokadapt align`` chooses for the
model kind (:func:`tokadapt.align.recipe.adapt_and_align`)."""

from __future__ import annotations

import argparse
import shutil
from typing import Any

from tokadapt.cli.extend_vocab import add_protect_arguments, protection_from_args
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
        "checkpoint (merge mode max, English protected, strategy focus).",
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
    add_strategy_arguments(parser, default="focus")  # initialize.ADAPT_STRATEGY
    add_protect_arguments(parser)
    al = parser.add_argument_group("alignment (optional third stage)")
    al.add_argument(
        "--align",
        nargs="+",
        metavar="FILE[:LCODE]",
        help="align after initializing, on these training files (one sentence per line, or "
        "'sentence<TAB>English' lines: parallel data, also pulled to the teacher's English)",
    )
    al.add_argument(
        "--align-eval",
        nargs="*",
        default=[],
        metavar="FILE[:LCODE]",
        help="dev sets for model selection: 'sentence' or 'sentence<TAB>translation' lines "
        "(default: lines held out of the --align files)",
    )
    al.add_argument("--align-config", help="JSON file of align settings (default: by model kind)")
    al.add_argument(
        "--align-pivot",
        nargs="+",
        metavar="FILE",
        help="pivot (English) sentences kept in place (default: the translation column of "
        "the --align files when they have one, else a built-in English sample)",
    )
    al.add_argument("--align-steps", type=int, help="alignment steps")
    al.add_argument("--align-batch-size", type=int, help="pairs per step")
    al.add_argument(
        "--align-eval-every",
        type=int,
        help="dev evaluation every N steps (default: about every two epochs, >= 10 per run)",
    )
    al.add_argument(
        "--align-dev-fraction",
        type=float,
        help="without --align-eval: the share of each training file's lines held out as the "
        "dev set (default 0.1; 0: train on every line, keep the last step)",
    )
    al.add_argument(
        "--align-precision",
        choices=("auto", "fp32", "bf16", "fp16"),
        help="autocast dtype of the alignment step (default auto: bf16 where the device computes "
        "bf16 natively, fp32 elsewhere)",
    )
    al.add_argument(
        "--align-teacher-cache",
        type=int,
        metavar="N",
        help="keep the frozen teacher's vectors of up to N sentences after their first batch "
        "(0: off; default: 100000 on CPU, off on CUDA)",
    )
    al.add_argument(
        "--align-length-groups",
        type=int,
        metavar="N",
        help="run a batch's sentences as at most N forwards of similar length (0 or 1: one "
        "padded forward; default: 8 on CPU, 1 on CUDA)",
    )
    return parser


def run(args: argparse.Namespace) -> int:
    if args.align:
        return _run_with_align(args)
    from tokadapt.embeddings.pipeline import extend_and_initialize
    from tokadapt.io.outputs import check_output_dir, staging_dir

    out = check_output_dir(args.output, args.overwrite, inputs=[args.model])
    tmp = staging_dir(out.with_name(f"{out.name}-tokenizer"))  # dead runs' leftovers removed
    try:
        _, report = extend_and_initialize(
            args.model,
            args.model,
            tmp / "tokenizer",
            out,
            mode=args.mode,
            lang=args.lang,
            select=args.select,
            max_new=args.max_new,
            protect=protection_from_args(args),
            strategy=args.strategy,
            seed=args.seed,
            overwrite=args.overwrite,
        )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print_report(report, args.json)
    return 0


def _run_with_align(args: argparse.Namespace) -> int:
    import json

    from tokadapt.errors import require

    require("torch", "torch", "torch")
    require("transformers", "hf", "transformers")
    from tokadapt.align import make_config
    from tokadapt.align.recipe import adapt_and_align

    cfg = make_config(
        None,
        args.align_config,
        steps=args.align_steps,
        batch_size=args.align_batch_size,
        eval_every=args.align_eval_every,
        dev_fraction=args.align_dev_fraction,
        precision=args.align_precision,
        teacher_cache=args.align_teacher_cache,
        length_groups=args.align_length_groups,
        pivot=args.align_pivot,
        seed=args.seed or None,
    )
    report = adapt_and_align(
        args.model,
        args.output,
        args.align,
        eval=args.align_eval,
        cfg=cfg,
        strategy=args.strategy,
        mode=args.mode,
        lang=args.lang,
        select=args.select,
        max_new=args.max_new,
        seed=args.seed,
        overwrite=args.overwrite,
        protect=protection_from_args(args),
    )
    if args.json:
        print(json.dumps(report, indent=2, sort_keys=True, default=str))
    else:
        print_report(report["init"], False)
        print(f"aligned: {report['align']['recipe']}; best step {report['align']['best_step']}")
    return 0
