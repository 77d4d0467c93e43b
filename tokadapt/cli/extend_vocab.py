"""``tokadapt extend-vocab``: add romanized pieces to a tokenizer (TransMI merge, all families)."""

from __future__ import annotations

import argparse
import json
from typing import Any

from tokadapt.vocab import MERGE_MODES, extend_vocab
from tokadapt.vocab.preserve import summary_line
from tokadapt.vocab.protect import DEFAULT_LANG, DEFAULT_TOP, Protection

COMMAND = "extend-vocab"
ORDER = 20
EXAMPLES = """\
  tokadapt extend-vocab e5/ -o e5-ext/
  tokadapt extend-vocab xlmr/tokenizer.json -o xlmr-ext/ --select Cyrillic,Greek --mode mean
  tokadapt extend-vocab e5/ -o e5-ext/ --protect my_terms.txt --protect-top 20000
  tokadapt extend-vocab spm.model -o out/ --lang Cyrillic=ukr,Arabic=fas --max-new 50000 --json
"""


def add_parser(sub: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = sub.add_parser(
        COMMAND,
        help="extend a tokenizer with romanized pieces (Unigram, BPE, WordPiece)",
        description=(
            "Romanize every piece of a tokenizer's vocabulary (translit, uroman 1.3.1.1 "
            "compatible), group pieces by romanization, and append the new Latin pieces with "
            "merged scores (Unigram), derived merges (BPE) or as entries (WordPiece). Old ids "
            "never change. Writes tokenizer.json (+ .model / vocab.txt when the input had one), "
            "configs and tokadapt_manifest.json into OUTDIR."
        ),
    )
    parser.add_argument(
        "input",
        metavar="INPUT",
        help="tokenizer.json, SentencePiece .model, vocab.txt, or a directory",
    )
    parser.add_argument(
        "-o",
        "--output",
        required=True,
        metavar="OUTDIR",
        help="output directory (must be empty or absent unless --overwrite)",
    )
    opts = parser.add_argument_group("extension")
    opts.add_argument(
        "--mode",
        choices=MERGE_MODES,
        default="max",
        help="merge of colliding sources' scores (default: max)",
    )
    opts.add_argument(
        "--lang",
        default=None,
        metavar="LCODE|SCRIPT=LCODE,...",
        help="ISO 639-3 code for romanization rules (uroman's -l; FLORES-200 rus_Cyrl = "
        "Cyrillic=rus), or codes per script (ISO 15924 code or name, any case): "
        "Cyrillic=ukr,arab=fas (* = all other scripts)",
    )
    opts.add_argument(
        "--scheme",
        default="uroman",
        metavar="SPEC[,SPEC...]",
        help="romanization scheme(s): uroman (default), uroman:LCODE, icu:PRESET (iso9, bgn, "
        "iso15919, ungegn, pinyin, hepburn, arabic, persian, hebrew, latin; each also -ascii) or "
        "icu:ICU-ID; several (uroman,icu:iso9) romanize every piece under each and merge all",
    )
    opts.add_argument(
        "--select",
        default="all",
        metavar="WHICH",
        help="pieces to romanize: all, non-latin, or ISO 15924 script codes or names (any case) "
        "separated by commas (e.g. Cyrl,greek); default all",
    )
    opts.add_argument(
        "--max-new",
        type=int,
        default=None,
        metavar="N",
        help="keep only the N best-scoring new pieces",
    )
    opts.add_argument("--threads", type=int, default=0, help="romanizer threads (0 = all cores)")
    add_protect_arguments(parser)
    out = parser.add_argument_group("output")
    out.add_argument("--overwrite", action="store_true", help="replace a non-empty OUTDIR")
    out.add_argument("--json", action="store_true", help="print the summary as JSON")
    return parser


def add_protect_arguments(parser: argparse.ArgumentParser) -> None:
    """``--protect FILE``, ``--protect-lang``, ``--protect-top``, ``--no-protect``."""
    group = parser.add_argument_group(
        "protection (text the extended tokenizer must segment exactly as the original)"
    )
    group.add_argument(
        "--protect",
        action="append",
        default=[],
        metavar="FILE",
        help="also protect every line (and word) of FILE; repeatable",
    )
    group.add_argument(
        "--protect-lang",
        default=DEFAULT_LANG,
        metavar="LANG",
        help=f"protect the most frequent words of this wordfreq language (default: {DEFAULT_LANG}"
        ", the pivot language users read through the same tokenizer); 'none' for none",
    )
    group.add_argument(
        "--protect-top",
        type=int,
        default=DEFAULT_TOP,
        metavar="N",
        help=f"how many frequent words (default: {DEFAULT_TOP})",
    )
    group.add_argument(
        "--no-protect",
        action="store_true",
        help="plain TransMI append: new pieces may change how existing text is segmented",
    )


def protection_from_args(args: argparse.Namespace) -> Protection:
    if args.no_protect:
        return Protection.off()
    lang = None if str(args.protect_lang).lower() == "none" else args.protect_lang
    return Protection(lang=lang, top=args.protect_top, files=tuple(args.protect))


def protect_line(s: dict[str, Any]) -> str:
    return "  " + summary_line(s)


def run(args: argparse.Namespace) -> int:
    result = extend_vocab(
        args.input,
        args.output,
        mode=args.mode,
        lang=args.lang,
        select=args.select,
        max_new=args.max_new,
        overwrite=args.overwrite,
        num_threads=args.threads,
        scheme=args.scheme,
        protect=protection_from_args(args),
    )
    s = result.summary
    if args.json:
        print(json.dumps(s, indent=2, ensure_ascii=False, sort_keys=True))
        return 0
    print(f"{s['family']} tokenizer {s['input']}: {s['base_vocab_size']:,} pieces")
    print(
        f"  romanized {s['romanized']:,}, changed {s.get('changed', 0):,}, "
        f"already in vocabulary {s['existing']:,}"
    )
    dropped = {k: s.get(k, 0) for k in ("empty", "space", "not_latin", "unreachable", "failed")}
    print("  dropped: " + ", ".join(f"{k} {v:,}" for k, v in dropped.items()))
    print(
        f"  new pieces {s['new_pieces']:,} ({s['collisions']:,} from collisions of "
        f"{s['collided_sources']:,} sources, mode {s['mode']}); vocabulary "
        f"{s['base_vocab_size']:,} -> {s['new_vocab_size']:,}"
    )
    print(protect_line(s))
    print(
        f"  time {s['total_s']:.1f} s (load {s['load_s']:.1f}, romanize {s['romanize_s']:.1f}, "
        f"merge {s['merge_s']:.1f}, write {s['write_s']:.1f}); romanizer {s['romanizer']}"
    )
    print(f"  wrote {s['output']}: {', '.join(s['files'])}")
    print(f"  {s['signature']}")
    return 0
