"""Padding of the alignment batches on real-length sentences: padded to 128, padded to the batch's
longest side (random batches), and length-bucketed (tokadapt's default), through the trainer's
own data path (:class:`tokadapt.align.pairs.PairStream`: romanization, XLM-R tokenization,
one (2N, L) batch of originals and romanizations).

Sentences: the UDHR (all sections, 9 scripts; ``--udhr``, default the shared data file; cut into
sentences, plus uroman's multi-script test text; 679 sentences, so the window of 50 batches is
capped at one epoch, 21 batches of 32). The bucketing key is compared too (UTF-8
characters, UTF-8 bytes, or exact original-side tokens). CPU only, ~1 minute::

    PYTHONPATH=. python benchmarks/bench_bucketing.py
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import tempfile
from pathlib import Path
from typing import Any

from tokadapt.align import feeds
from tokadapt.align.pairs import PairStream
from tokadapt.align.sentences import split_sentences
from tokadapt.align.sources import TextSource
from tokadapt.data.resources import uroman_golden, xlmr_fast_tokenizer

UDHR = Path("/work/shared/data/udhr_articles_dev.tsv")


def corpus(udhr: Path, root: Path) -> list[TextSource]:
    by_lang: dict[str | None, list[str]] = {None: uroman_golden()[0].read_text("utf-8").split("\n")}
    if udhr.is_file():
        with udhr.open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle, delimiter="\t"):
                by_lang.setdefault(row["iso6393"], []).extend(split_sentences(row["text"]))
    sources = []
    for lang, lines in by_lang.items():
        path = root / f"{lang or 'mixed'}.txt"
        path.write_text("\n".join(x for x in lines if x.strip()) + "\n", encoding="utf-8")
        sources.append(TextSource(path, lang))
    return sources


def padding(
    sources: list[TextSource], tok: Any, window: int, batches: int, pad_to: int = 0
) -> dict[str, float]:
    stream = PairStream(sources, tok, batch_size=32, max_length=128, seed=0, bucket_window=window,
                        pad_to_multiple_of=8)  # fmt: skip
    real = total = sides = 0
    for b in itertools.islice(iter(stream), batches):
        lens = b["attention_mask"].sum(1)
        n = len(lens) // 2
        real += int(lens.sum())
        total += len(lens) * max(pad_to, b["attention_mask"].shape[1])
        sides += n * (_round8(int(lens[:n].max())) + _round8(int(lens[n:].max())))
    return {
        "window_batches": stream.items.chunks,
        "padding_fraction": 1 - real / total,
        "padding_fraction_sides_apart": 1 - real / max(sides, 1) if not pad_to else None,
        "real_tokens": real,
        "padded_tokens": total,
    }


def _round8(n: int) -> int:
    return -(-n // 8) * 8


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{100 * x:.1f} %"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--udhr", type=Path, default=UDHR)
    ap.add_argument("--batches", type=int, default=150)
    ap.add_argument("--out", type=Path, default=Path(__file__).parent / "results")
    args = ap.parse_args(argv)
    tok = xlmr_fast_tokenizer()
    with tempfile.TemporaryDirectory() as tmp:
        sources = corpus(args.udhr, Path(tmp))
        lines = sum(s.count() for s in sources)
        rows = {
            "pad to 128 (reference collator)": padding(sources, tok, 0, args.batches, 128),
            "pad to batch max, random batches": padding(sources, tok, 0, args.batches),
        }
        keys = {
            "chars": feeds.length_key,
            "bytes": lambda t: len(t.encode("utf-8")),
            "tokens": lambda t: len(tok(t, truncation=True, max_length=128)["input_ids"]),
        }
        for name, key in keys.items():
            feeds.length_key = key  # the planner's key, swapped for this comparison
            row = padding(sources, tok, 50, args.batches)
            rows[f"bucketed (--bucket-window 50: {row['window_batches']} batches, key {name})"] = (
                row
            )
        feeds.length_key = keys["chars"]
    result = {"sentences": lines, "batches": args.batches, "batch_pairs": 32, "rows": rows}
    md = [
        f"# Padding of alignment batches ({lines} real sentences, {args.batches} batches of 32 "
        "pairs, XLM-R tokenizer, both sides in one (2N, L) batch)",
        "",
        "| batching | padding fraction | if each side had its own width | real tokens "
        "| padded positions |",
        "|---|---|---|---|---|",
    ]
    md += [
        f"| {k} | {100 * v['padding_fraction']:.1f} % | {_pct(v['padding_fraction_sides_apart'])} "
        f"| {v['real_tokens']} | {v['padded_tokens']} |"
        for k, v in rows.items()
    ]
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "bucketing.json").write_text(json.dumps(result, indent=2) + "\n")
    (args.out / "bucketing.md").write_text("\n".join(md) + "\n")
    print("\n".join(md))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
