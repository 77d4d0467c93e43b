"""Write measured numbers into the docs from ``benchmarks/results/*.json`` (so they can't go stale).

Each generated block sits between ``<!-- generated:NAME -->`` and ``<!-- /generated:NAME -->``
markers in the doc; everything else in the doc is left as written. Run after a benchmark:

    python benchmarks/render_docs.py           # rewrite the blocks
    python benchmarks/render_docs.py --check   # exit 1 if a doc differs from its results
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent
RESULTS = ROOT / "results"
DOCS = ROOT.parent / "docs"


def _load(name: str) -> dict[str, Any]:
    return json.loads((RESULTS / name).read_text(encoding="utf-8"))


def _row(rows: list[dict[str, Any]], name: str) -> dict[str, Any]:
    return next(r for r in rows if r["romanizer"] == name)


def speed_block() -> str:
    """The speed table of docs/uroman-compat.md from bench_romanize.json (+ the 16-CPU run)."""
    res = _load("bench_romanize.json")
    rows, vocab, first = res["corpus"], res["vocab"], res["first_call"]
    ur, fast = _row(rows, "uroman 1.3.1.1"), _row(rows, "uroman-fast")
    call, batch = _row(rows, "translit (per call)"), _row(rows, "translit (batch, 1 thread)")
    sig = res["environment"]["uroman_data"]
    threads = res["environment"]["translit_core"]["hardware_threads"]
    lines = [
        f"Measured by `benchmarks/bench_romanize.py` ({ur['lines']:,} lines, {ur['words']:,} "
        f"words: uroman mini-test texts + CLDR names; {threads} hardware threads; "
        f"uroman data {sig['version']}+{sig['hash']}).",
        "",
        "| workload | uroman 1.3.1.1 | uroman-fast | translit |",
        "|---|---:|---:|---:|",
        f"| corpus, one call per line | {ur['words_per_s']:,.0f} words/s | "
        f"{fast['words_per_s']:,.0f} words/s ({fast['speedup_vs_uroman']:.1f}x) | "
        f"{call['words_per_s']:,.0f} words/s per call ({call['speedup_vs_uroman']:.0f}x), "
        f"{batch['words_per_s']:,.0f} words/s batch on 1 thread "
        f"({batch['speedup_vs_uroman']:.0f}x) |",
        f"| XLM-R vocabulary, {vocab['pieces']:,} pieces, vocabulary mode | "
        f"{vocab['uroman_extrapolated_s']:.0f} s (extrapolated from {vocab['uroman_sample']:,}) | "
        f"{vocab['uroman_fast_s']:.2f} s | {vocab['translit_s_threads1']:.2f} s (1 thread), "
        f"{vocab['translit_s_threads0']:.2f} s (all threads) |",
        "| import + first call in a fresh process (Python startup subtracted) | "
        f"{1000 * first['uroman 1.3.1.1_s']:.0f} ms | "
        f"{1000 * first['uroman-fast_s']:.0f} ms | {1000 * first['translit_s']:.0f} ms |",
    ]
    lines += ["", _scaling("bench_romanize.json"), _scaling("bench_romanize_16cpu.json")]
    return "\n".join(line for line in lines if line is not None)


def _scaling(name: str) -> str:
    if not (RESULTS / name).is_file():
        return ""
    t = _load(name)["threads"]
    steps = sorted(int(k[len("speedup_") : -len("_vs_1")]) for k in t if k.startswith("speedup_"))
    ups = ", ".join(f"{n} threads {t[f'speedup_{n}_vs_1']:.2f}x" for n in steps)
    return (
        f"Thread scaling of `romanize_batch` ({int(t['texts']):,} texts, {int(t['cpus'])} CPUs, "
        f"`{name}`): 1 thread {t['threads1_s']:.2f} s; {ups}."
    )


def conformance_block() -> str:
    res = _load("conformance.json")
    overall, scripts = res["summary"]["overall"], res["summary"]["scripts"]
    full = sum(1 for s in scripts.values() if s["all"]["n"] == s["all"]["agree"])
    return (
        f"`benchmarks/conformance.py` (`benchmarks/results/conformance.md`): "
        f"{overall['agree']:,} of {overall['n']:,} items agree ({overall['pct']} %), "
        f"100 % in {full} of the {len(scripts)} scripts seen; {len(res['differences'])} "
        "inputs are listed where uroman raises instead of answering."
    )


BLOCKS: dict[str, tuple[str, Callable[[], str]]] = {
    "speed": ("uroman-compat.md", speed_block),
    "conformance": ("uroman-compat.md", conformance_block),
}


def render(check: bool) -> int:
    stale = []
    for name, (doc, build) in BLOCKS.items():
        path = DOCS / doc
        text = path.read_text(encoding="utf-8")
        pattern = re.compile(
            rf"(<!-- generated:{name} -->\n)(?:.*?\n)?(<!-- /generated:{name} -->)", re.DOTALL
        )
        if not pattern.search(text):
            print(f"{path}: no <!-- generated:{name} --> block", file=sys.stderr)
            return 2
        body = build()
        new = pattern.sub(lambda m, body=body: m.group(1) + body + "\n" + m.group(2), text)
        if new != text:
            stale.append(f"{doc}:{name}")
            if not check:
                path.write_text(new, encoding="utf-8")
    if stale:
        print(("stale: " if check else "rewrote: ") + ", ".join(stale))
    return 1 if check and stale else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only report stale blocks")
    return render(parser.parse_args().check)


if __name__ == "__main__":
    raise SystemExit(main())
