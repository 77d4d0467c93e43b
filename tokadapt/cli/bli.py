"""``tokadapt bli``: bilingual lexicon induction (Procrustes / refinement / self-learning;
NN / CSLS / inverted softmax; P@1/5/10 in the MUSE and VecMap conventions)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from tokadapt.bli.dictionary import Dictionary, read_dictionary
from tokadapt.bli.embeddings import Embeddings, read_embeddings
from tokadapt.bli.pipeline import METHODS, BLIConfig, run_bli
from tokadapt.bli.seeds import SEED_FROM
from tokadapt.bli.selflearning import SelfLearningConfig
from tokadapt.errors import ConfigError
from tokadapt.eval.budget import INDEXES, limits
from tokadapt.eval.scoring import RETRIEVALS
from tokadapt.eval.search import BACKENDS
from tokadapt.io.outputs import write_json

COMMAND = "bli"
ORDER = 50
EXAMPLES = """\
  tokadapt bli --src en.vec --tgt ru.vec --train-dict en-ru.train --test-dict en-ru.test
  tokadapt bli --src-model e5/ --tgt-model e5/ --test-dict en-ru.test --seed-from identical \\
      --src-lang eng --tgt-lang rus --method self-learning --json -o bli.json
"""


def add_parser(sub: Any) -> argparse.ArgumentParser:
    p: argparse.ArgumentParser = sub.add_parser(
        COMMAND,
        help="bilingual lexicon induction: map two embedding spaces and score P@k",
        description="Bilingual lexicon induction with exact FAISS/torch/numpy retrieval.",
    )
    io = p.add_argument_group("inputs")
    io.add_argument(
        "--src",
        help="source vectors (.vec text or .npy + .vocab); with "
        "--src-model: a word list (default: the dictionaries' source words)",
    )
    io.add_argument("--tgt", help="target vectors, or a word list with --tgt-model")
    io.add_argument("--src-model", help="Hugging Face checkpoint dir: static source vectors")
    io.add_argument("--tgt-model", help="Hugging Face checkpoint dir: static target vectors")
    io.add_argument(
        "--layer",
        type=int,
        help="with --*-model: mean-pooled contextual layer "
        "instead of the subword input-embedding mean",
    )
    io.add_argument("--train-dict", help="seed dictionary (MUSE 'src tgt' or TSV)")
    io.add_argument("--test-dict", required=True, help="test dictionary")
    io.add_argument("--max-vocab", type=int, help="keep only the first N words of each side")
    m = p.add_argument_group("method")
    m.add_argument("--method", choices=METHODS, default="procrustes")
    m.add_argument("--retrieval", choices=RETRIEVALS, default="csls")
    m.add_argument("--csls-k", type=int, default=10)
    m.add_argument("--seed-from", choices=SEED_FROM, default="dict")
    m.add_argument("--src-lang", help="ISO-639-3 code for romanized seeds (e.g. eng)")
    m.add_argument("--tgt-lang", help="ISO-639-3 code for romanized seeds (e.g. rus)")
    m.add_argument(
        "--scheme",
        default="uroman",
        metavar="SPEC",
        help="romanization scheme of romanized seeds: uroman (default), icu:bgn, icu:iso9 …",
    )
    m.add_argument("--normalize", default="unit,center,unit", help="chain of unit/center/unitdim")
    m.add_argument("--refine-iterations", type=int, default=5)
    m.add_argument("--self-learning-cutoff", type=int, default=20000)
    m.add_argument(
        "--patience",
        type=int,
        default=50,
        help="self-learning: iterations without gain before p doubles (VecMap: 50)",
    )
    m.add_argument("--seed", type=int, default=0, help="random seed (self-learning dropout)")
    m.add_argument("--backend", choices=BACKENDS, default="auto")
    m.add_argument(
        "--max-memory",
        help="bound the similarity search's memory, e.g. 4GB. Exact: blocks sized to fit, same "
        "results, the embeddings not counted. With --csls-index: the whole process's peak "
        "resident set (index codes and query blocks planned against the memory in use)",
    )
    m.add_argument(
        "--csls-index",
        choices=INDEXES,
        default="exact",
        help="CSLS neighbourhood terms and ranking from an approximate FAISS index: hnsw, ivf "
        "(float32 or 8-bit codes) or ivfpq (4-bit PQ fast-scan); candidates rescored exactly, "
        "recall@k vs exact on a sample reported in the result",
    )
    o = p.add_argument_group("output")
    o.add_argument("--json", action="store_true", help="print one JSON object")
    o.add_argument("-o", "--output", help="also write the JSON result to this file")
    o.add_argument("--overwrite", action="store_true")
    return p


def _side(
    vectors: str | None,
    model: str | None,
    words: list[str],
    layer: int | None,
    max_vocab: int | None,
) -> Embeddings:
    if model:
        from tokadapt.bli.static import read_word_list, static_vectors

        wordlist = read_word_list(vectors) if vectors else words
        return static_vectors(model, wordlist, layer=layer)
    if not vectors:
        raise ConfigError("give --src/--tgt vector files, or --src-model/--tgt-model checkpoints")
    return read_embeddings(vectors, max_vocab)


def run(args: argparse.Namespace) -> int:
    test = read_dictionary(args.test_dict)
    train: Dictionary | None = read_dictionary(args.train_dict) if args.train_dict else None
    both = list(test.pairs) + (list(train.pairs) if train else [])
    src = _side(args.src, args.src_model, [s for s, _ in both], args.layer, args.max_vocab)
    tgt = _side(args.tgt, args.tgt_model, [t for _, t in both], args.layer, args.max_vocab)
    cfg = BLIConfig(
        method=args.method,
        retrieval=args.retrieval,
        csls_k=args.csls_k,
        normalization=args.normalize,
        seed_from=args.seed_from,
        max_vocab=args.max_vocab,
        refine_iterations=args.refine_iterations,
        src_lang=args.src_lang,
        tgt_lang=args.tgt_lang,
        scheme=args.scheme,
        rng_seed=args.seed,
        backend=args.backend,
        self_learning=SelfLearningConfig(
            vocab_cutoff=args.self_learning_cutoff, patience=args.patience
        ),
    )
    with limits(args.max_memory, args.csls_index) as scope:
        result = run_bli(src, tgt, test, cfg, train)
    if scope.report:
        result["approximate_csls"] = dict(scope.report)
    result["coverage"] = round(100 * result["coverage"], 4)  # percent, like P@k (one unit)
    result["unit"] = "percent"
    if args.output:
        write_json(args.output, result, overwrite=args.overwrite)
    if args.json:
        json.dump(result, sys.stdout, ensure_ascii=False, sort_keys=True)
        sys.stdout.write("\n")
        return 0
    print(
        f"P@1 {result['p@1']:.2f}  P@5 {result['p@5']:.2f}  P@10 {result['p@10']:.2f}  (MUSE: "
        f"{result['queries']} queries, {result['oov_pairs']} of {result['pairs']} pairs OOV)"
    )
    print(f"VecMap: accuracy {result['accuracy']:.2f}  coverage {result['coverage']:.2f}%")
    print(result["signature"])
    return 0
