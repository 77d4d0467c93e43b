"""A real-ish multi-script corpus for the scale benchmark: sentences of real words.

Words: wordfreq's top 5,000 of 14 languages in 10 scripts, plus CLDR territory and language
names from babel. Each line is 4-20 words of one language (Japanese/Chinese/Thai unspaced),
``--shards`` files of ``--shard-mb`` MB each, generated in parallel, deterministic per shard.

    python benchmarks/scale_corpus.py OUT_DIR --shards 16 --shard-mb 64
"""

from __future__ import annotations

import argparse
import random
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

LANGS = ["ru", "uk", "hi", "bn", "ar", "fa", "el", "he", "ja", "zh", "ko", "ta", "mr", "ur"]
UNSPACED = {"ja", "zh"}


def vocabularies() -> dict[str, list[str]]:
    from babel import Locale
    from wordfreq import top_n_list

    out = {}
    for lang in LANGS:
        loc = Locale.parse(lang)
        out[lang] = top_n_list(lang, 5000) + sorted(loc.territories.values())
        out[lang] += sorted(loc.languages.values())
    return out


def write_shard(path: Path, nbytes: int, seed: int) -> int:
    rng = random.Random(seed)
    vocab = vocabularies()
    written = 0
    with path.open("w", encoding="utf-8") as handle:
        while written < nbytes:
            lines = []
            for _ in range(2000):
                lang = rng.choice(LANGS)
                sep = "" if lang in UNSPACED else " "
                lines.append(sep.join(rng.choices(vocab[lang], k=rng.randint(4, 20))))
            block = "\n".join(lines) + "\n"
            handle.write(block)
            written += len(block.encode("utf-8"))
    return written


def generate(out: Path, shards: int, shard_mb: float, jobs: int = 2) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    paths = [out / f"corpus-{i:03d}.txt" for i in range(shards)]
    todo = [i for i, p in enumerate(paths) if not p.exists() or p.stat().st_size < shard_mb * 1e6]
    with ProcessPoolExecutor(jobs) as pool:
        sizes = [int(shard_mb * 1e6)] * len(todo)
        list(pool.map(write_shard, [paths[i] for i in todo], sizes, todo))
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path)
    parser.add_argument("--shards", type=int, default=16)
    parser.add_argument("--shard-mb", type=float, default=64)
    args = parser.parse_args()
    generate(args.out, args.shards, args.shard_mb)


if __name__ == "__main__":
    main()
