"""``tokadapt align``: contrastive script alignment (TCM + MLM) of a Hugging Face encoder.

Single process: ``tokadapt align --model DIR --train ru.txt:rus -o OUT``. Several GPUs:
``torchrun --nproc-per-node 4 -m tokadapt align ...`` (same arguments).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

from tokadapt.eval.encode import POOLINGS

COMMAND = "align"
ORDER = 40
EXAMPLES = """\
  tokadapt align --model e5-adapted/ --train ru.txt:rus el.txt:ell -o aligned/ --steps 1000
  tokadapt align --model xlmr/ --train 'corpus/*.parquet' --lang-column lang -o out/ --num-workers 4
  tokadapt align --model xlmr/ --train hi.txt:hin --eval hi-dev.tsv:hin -o out/ --preset cosine
  torchrun --nproc-per-node 4 -m tokadapt align --model xlmr/ --train ru.txt:rus -o out/
  tokadapt align ... 2> train.log   # under a pipe: a progress line every 10 s
"""
# mirrors tokadapt.align.config.PRESETS (no torch import here)
_PRESETS = ("transliCo", "cosine", "sentence", "distill")


def add_parser(sub: Any) -> argparse.ArgumentParser:
    p: argparse.ArgumentParser = sub.add_parser(
        COMMAND,
        help="align scripts: contrastive training of sentences with their romanizations",
        description="Fine-tune an encoder so a sentence and its romanization (made on the fly "
        "with translit) land close together (TransliCo's TCM loss, + MLM when the checkpoint "
        "has an MLM head). Multi-GPU: launch with torchrun.",
    )
    io = p.add_argument_group("input and output")
    io.add_argument("--model", required=True, help="Hugging Face checkpoint directory")
    io.add_argument("--tokenizer", help="tokenizer directory (default: --model)")
    io.add_argument(
        "--train",
        required=True,
        nargs="+",
        metavar="FILE[:LCODE]",
        help="training text, one sentence per line, or 'sentence<TAB>translation' lines "
        "(parallel data: the distill recipe then also pulls romanized sentences to the "
        "teacher's vector of the translation); LCODE is an ISO-639-3 code "
        "for romanization (e.g. ru.txt:rus). A .parquet/.arrow file or a directory of them "
        "(romanize-corpus output, a saved dataset) is read as shards, column 'text'",
    )
    io.add_argument(
        "--eval",
        nargs="*",
        default=[],
        metavar="FILE[:LCODE]",
        help="retrieval eval sets: lines 'sentence' or 'sentence<TAB>translation'",
    )
    io.add_argument(
        "-o", "--output", "--out", dest="out", required=True,
        help="output directory (model + checkpoints)",
    )  # fmt: skip
    io.add_argument("--overwrite", action="store_true", help="replace an existing output")
    io.add_argument(
        "--resume",
        nargs="?",
        const=True,
        default=False,
        metavar="CHECKPOINT",
        help="continue from the latest checkpoint in OUT (or the one given)",
    )
    tr = p.add_argument_group("training (defaults: the preset, then --config)")
    tr.add_argument(
        "--preset",
        choices=_PRESETS,
        default=None,
        help="reproduce a recipe: transliCo (layer 8, mean, dot, T=1, TCM weight 0.5 + MLM), "
        "cosine (the same with cosine at T=0.05), sentence (last layer, TCM + cosine "
        "distillation, keep-best) or distill (last layer, MSE distillation of romanized and "
        "original sentences to the frozen teacher's original and of pivot/English sentences to "
        "the teacher's pivot, + TCM at 0.1, keep-best). Default: chosen by model kind (MLM "
        "head: transliCo, else distill) and logged",
    )
    tr.add_argument("--config", help="JSON file with any AlignConfig keys (full runs)")
    tr.add_argument("--steps", type=int)
    tr.add_argument("--batch-size", type=int, help="pairs per process per micro-batch")
    tr.add_argument("--grad-accum", type=int)
    tr.add_argument("--lr", type=float)
    tr.add_argument("--warmup-steps", type=int)
    tr.add_argument("--layer", type=int, help="hidden-state layer for TCM (0 = embeddings)")
    tr.add_argument("--pooling", choices=POOLINGS)
    tr.add_argument("--temperature", type=float)
    tr.add_argument(
        "--learnable-temperature",
        action="store_true",
        default=None,
        help="train the temperature (initialised at --temperature)",
    )
    tr.add_argument("--tcm-weight", type=float)
    tr.add_argument("--mlm", choices=("auto", "on", "off"))
    tr.add_argument(
        "--keep-weight",
        type=float,
        help="distillation weight keeping original-script sentence vectors at the frozen model's",
    )
    tr.add_argument(
        "--distill-weight",
        type=float,
        help="distillation weight pulling romanized sentence vectors to the frozen model's "
        "vector of the original",
    )
    tr.add_argument(
        "--pivot-weight",
        type=float,
        help="distillation weight keeping pivot (English) sentence vectors at the teacher's",
    )
    tr.add_argument(
        "--translation-weight",
        type=float,
        help="distillation weight pulling romanized sentence vectors to the teacher's vector of "
        "their translation (training lines 'text<TAB>translation')",
    )
    tr.add_argument(
        "--original-translation-weight",
        type=float,
        help="the same pull for original-script sentence vectors (0 turns it off; the 'distill' "
        "recipe chosen for encoders uses 100)",
    )
    tr.add_argument(
        "--pivot",
        nargs="+",
        metavar="FILE",
        help="pivot sentences, one per line (of 'text<TAB>translation' lines the translation); "
        "default: the translation column of the --train files when they have one, else a "
        "built-in English sample",
    )
    tr.add_argument("--distill-metric", choices=("mse", "cosine"))
    tr.add_argument(
        "--teacher", help="frozen teacher checkpoint with its own tokenizer (default: --model)"
    )
    tr.add_argument(
        "--teacher-cache",
        type=int,
        metavar="N",
        help="keep the teacher's vectors of up to N sentences after their first batch, so "
        "repeated sentences skip the teacher (0: off; default: 100000 on CPU, off on CUDA, "
        "where each lookup would wait for the device)",
    )
    tr.add_argument(
        "--length-groups",
        type=int,
        metavar="N",
        help="run a batch's sentences as at most N forwards of similar length, each padded only "
        "to its own longest sentence (0 or 1: one forward; default: 8 on CPU, 1 on CUDA, where "
        "the cut would wait for the device)",
    )
    tr.add_argument(
        "--rom-max-length",
        type=int,
        help="token budget of the romanized side (the original is cut to --max-length first)",
    )
    tr.add_argument(
        "--sentence-split",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="split training lines into sentences",
    )
    tr.add_argument(
        "--keep-best",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="keep the weights with the best dev score (on --eval, else on lines held out of "
        "the training files: --dev-fraction)",
    )
    tr.add_argument(
        "--patience", type=int, help="stop after this many evaluations without improvement"
    )
    tr.add_argument(
        "--dev-fraction",
        type=float,
        help="with keep-best and no --eval: the share of each training text file's lines held "
        "out as the dev set (default 0.1, at least 2 lines; 0: train on every line)",
    )
    tr.add_argument(
        "--precision",
        choices=("auto", "fp32", "bf16", "fp16"),
        help="autocast dtype of the training step (default auto: bf16 where the device computes "
        "bf16 natively, a GPU with bf16 or a CPU with AMX/AVX512-BF16; fp32 elsewhere; "
        "master weights and optimizer stay fp32)",
    )
    tr.add_argument(
        "--freeze-embeddings",
        action="store_true",
        default=None,
        help="do not train the (tied) word embeddings",
    )
    tr.add_argument("--max-length", type=int)
    tr.add_argument("--num-workers", type=int, help="DataLoader workers that romanize")
    tr.add_argument("--seed", type=int)
    tr.add_argument(
        "--scheme",
        metavar="SPEC[,SPEC...]",
        help="romanization scheme(s) of the pairs: uroman (default), icu:iso9, icu:bgn …; "
        "several: one sampled per pair",
    )
    tr.add_argument(
        "--eval-every",
        type=int,
        help="dev evaluation every N steps (default with keep-best: about every two epochs of "
        "the training pairs, at least 10 evaluations per run)",
    )
    tr.add_argument("--save-every", type=int)
    tr.add_argument("--device", help="cpu, cuda, cuda:1 … (default: cuda when available)")
    data = p.add_argument_group("shards (--train *.parquet, a directory, a saved HF dataset)")
    data.add_argument("--text-column", help="column of the text (default: text)")
    data.add_argument("--lang-column", help="column of each row's ISO-639-3 code")
    data.add_argument(
        "--rom-column",
        help="column of a precomputed romanization (romanize-corpus writes TEXT_rom); "
        "default: romanize on the fly in the DataLoader workers",
    )
    data.add_argument(
        "--translation-column",
        help="column of each row's translation (English): the distill recipe's translation term",
    )
    speed = p.add_argument_group("step loop")
    speed.add_argument(
        "--bucket-window",
        type=int,
        help="global batches per length-sorted window (default 50; 0: no length bucketing)",
    )
    speed.add_argument(
        "--log-every", type=int, help="read loss and metrics from the device every N steps"
    )
    speed.add_argument(
        "--compile",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="torch.compile the transformer blocks (falls back to eager if compiling fails)",
    )
    speed.add_argument(
        "--grad-checkpointing",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="recompute activations in the backward pass (large models, less memory)",
    )
    speed.add_argument(
        "--peak-flops",
        type=float,
        help="device peak FLOP/s for MFU (default: looked up by device name and precision)",
    )
    speed.add_argument(
        "--log-samples",
        action="store_true",
        default=None,
        help="write the sample ids of every step to samples.rank<R>.jsonl",
    )
    p.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="progress bar (default: when stderr is a terminal)",
    )
    return p


_KEYS = (
    "steps",
    "batch_size",
    "grad_accum",
    "lr",
    "warmup_steps",
    "layer",
    "pooling",
    "temperature",
    "tcm_weight",
    "learnable_temperature",
    "mlm",
    "precision",
    "max_length",
    "num_workers",
    "seed",
    "scheme",
    "eval_every",
    "save_every",
    "freeze_embeddings",
    "keep_weight",
    "distill_weight",
    "pivot_weight",
    "translation_weight",
    "original_translation_weight",
    "pivot",
    "distill_metric",
    "teacher",
    "teacher_cache",
    "length_groups",
    "rom_max_length",
    "sentence_split",
    "keep_best",
    "patience",
    "dev_fraction",
    "text_column",
    "lang_column",
    "rom_column",
    "translation_column",
    "bucket_window",
    "log_every",
    "compile",
    "grad_checkpointing",
    "peak_flops",
    "log_samples",
)


def run(args: argparse.Namespace) -> int:
    from tokadapt.errors import require

    require("torch", "torch", "torch")
    require("transformers", "hf", "transformers")
    from tokadapt import align

    cfg = align.make_config(args.preset, args.config, **{k: getattr(args, k) for k in _KEYS})
    result = align.train(
        args.model,
        args.train,
        args.out,
        cfg,
        eval=args.eval,
        resume=args.resume,
        overwrite=args.overwrite,
        show_progress=args.progress,
        tokenizer_dir=args.tokenizer,
        device=args.device,
    )
    if int(os.environ.get("RANK", "0")) == 0:
        print(f"align: {result['recipe']}", file=sys.stderr)
        print(json.dumps(result, indent=2, sort_keys=True, default=str), file=sys.stdout)
    return 0
