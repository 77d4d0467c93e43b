"""Agreement of a translit backend with uroman 1.3.1.1 on real multi-script text.

Corpora (all installed by pip):

* ``golden``   uroman's own mini-test (``multi-script.txt`` vs ``multi-script.uroman-ref.txt``,
  ``::lcode`` lines honoured) - 100 % is required;
* ``xlmr``     the 250,002 XLM-R pieces in vocabulary mode; the reference of a piece is
  ``prefix + uroman(payload) + suffix`` (:func:`translit.vocab.split_piece`);
* ``cldr``     babel's CLDR names (territories, languages, scripts, months, weekdays) of every
  base locale (≈40 scripts), plus the rule-sensitive locales again with their language code;
* ``wordfreq`` the top-N words of the 42 wordfreq languages, with their language code;
* ``udhr``     UDHR article 1 in ~530 language varieties, with and without their language code
  (whole sentences; only in the development checkout, where ``../shared/data`` exists);
* ``chars``, ``numbers``, ``lcodes``, ``mixed``, ``newchars`` stress tests
  (``corpora_synthetic.py``), only on request: every code point alone and between Latin letters;
  numerals of every digit set, CJK, Ethiopic, Roman numerals and fractions; words under every
  rule-bearing language code; seeded mixtures of words, numbers and marks of different scripts;
  code points newer than Python's ``unicodedata`` (known to uroman's ``regex``) in context.

uroman's outputs are cached under ``.cache/conformance/`` (see ``benchmarks/reference.py``); the
first full run takes several minutes, reruns seconds. Every difference goes to a TSV.

    python benchmarks/conformance.py                       # all corpora, cpp backend
    python benchmarks/conformance.py --corpus golden cldr --limit 5000
    python benchmarks/conformance.py --save                # also JSON + markdown in results/
"""

from __future__ import annotations

import argparse
import functools
import json
import sys
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpora
from corpora import CORPORA, Item, script_of, split_lcode_line
from reference import CACHE_DIR, ERROR_PREFIX, REPO, edges_json, uroman_outputs

import translit
from translit.vocab import split_piece

RESULTS = REPO / "benchmarks" / "results"
SYNTHETIC = ("chars", "numbers", "lcodes", "mixed", "newchars")


@dataclass
class Row:
    corpus: str
    source: str
    script: str
    lcode: str
    text: str
    expected: str
    got: str

    @property
    def agree(self) -> bool:
        return self.expected == self.got

    @property
    def uroman_crashed(self) -> bool:
        return self.expected.startswith(ERROR_PREFIX)


def esc(value: str) -> str:
    """One TSV field: backslash, tab, CR and LF escaped (``unesc`` reverses it)."""
    return (
        value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    )


def _candidate(backend: str, items: Sequence[Item], vocab: bool, edges: bool = False) -> list[str]:
    """translit's output per item; batch per language code, item by item if a batch raises.
    ``edges=True``: the edges of each item as :func:`reference.edges_json` strings."""
    out = [""] * len(items)
    groups: dict[str, list[int]] = defaultdict(list)
    for i, item in enumerate(items):
        groups[item.lcode].append(i)
    for lcode, idx in groups.items():
        rom = translit.Romanizer(lcode or None, backend=backend)  # type: ignore[arg-type]
        texts = [items[i].text for i in idx]
        run = rom.romanize_vocab if vocab else rom.romanize_batch
        if edges:
            run = functools.partial(_edges_batch, rom)
        try:
            results = run(texts)
        except Exception:
            results = []
            for text in texts:
                try:
                    results.append(run([text])[0])
                except Exception as exc:
                    results.append(f"!translit-error: {type(exc).__name__}: {exc}")
        for i, res in zip(idx, results, strict=True):
            out[i] = res
    return out


def _edges_batch(rom: translit.Romanizer, texts: list[str]) -> list[str]:
    return [edges_json(rom.edges(t)) for t in texts]


def golden_rows(backend: str, limit: int | None) -> list[Row]:
    items, refs = corpora.golden_items()
    parts = [split_lcode_line(it.text) for it in items]
    bodies = [Item(it.source, body, lc) for it, (_p, body, lc) in zip(items, parts, strict=True)]
    got = _candidate(backend, bodies, vocab=False)
    return [
        Row("golden", it.source, script_of(b.text), it.lcode, it.text, ref, p[0] + g)
        for it, b, ref, p, g in zip(items, bodies, refs, parts, got, strict=True)
    ][: limit or None]


def vocab_rows(backend: str, limit: int | None) -> list[Row]:
    items = corpora.sample(corpora.xlmr_items(), limit)
    parts = [split_piece(it.text) for it in items]
    refs = uroman_outputs("xlmr", [(p.payload, "") for p in parts])
    got = _candidate(backend, items, vocab=True)
    rows = []
    for it, p, ref, g in zip(items, parts, refs, got, strict=True):
        expected = ref if ref.startswith(ERROR_PREFIX) else p.prefix + ref + p.suffix
        rows.append(Row("xlmr", it.source, script_of(p.payload), "", it.text, expected, g))
    return rows


def plain_rows(
    corpus: str, backend: str, limit: int | None, top_n: int, edges: bool = False
) -> list[Row]:
    if corpus == "cldr":
        full = corpora.cldr_items()
    elif corpus == "udhr":
        full = corpora.udhr_items()
    elif corpus in SYNTHETIC:
        import corpora_synthetic

        full = getattr(corpora_synthetic, f"{corpus}_items")()
    else:
        full = corpora.wordfreq_items(top_n)
    items = corpora.sample(full, limit)
    refs = uroman_outputs(corpus, [(it.text, it.lcode) for it in items], edges=edges)
    got = _candidate(backend, items, vocab=False, edges=edges)
    return [
        Row(corpus, it.source, script_of(it.text), it.lcode, it.text, ref, g)
        for it, ref, g in zip(items, refs, got, strict=True)
    ]


def collect(
    backend: str, corpus_names: Sequence[str], limit: int | None, top_n: int, edges: bool = False
) -> list[Row]:
    rows: list[Row] = []
    for name in corpus_names:
        start = time.perf_counter()
        if edges and name in ("golden", "xlmr"):
            print(
                f"  {name}: no edges comparison (line prefixes / vocabulary mode)", file=sys.stderr
            )
        elif edges:
            rows += plain_rows(name, backend, limit, top_n, edges=True)
        elif name == "golden":
            rows += golden_rows(backend, limit)
        elif name == "xlmr":
            rows += vocab_rows(backend, limit)
        else:
            rows += plain_rows(name, backend, limit, top_n)
        print(f"  {name}: {time.perf_counter() - start:.1f} s", file=sys.stderr)
    return rows


def _pct(agree: int, total: int) -> str:
    return f"{100.0 * agree / total:.3f}" if total else "-"


def summarize(rows: Sequence[Row]) -> dict[str, object]:
    """Per corpus and per script counts; uroman crashes are counted apart (no reference)."""
    per_corpus: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    per_script: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    for r in rows:
        c = per_corpus[r.corpus]
        if r.uroman_crashed:
            c[2] += 1
            continue
        c[0] += 1
        c[1] += r.agree
        for key in (r.corpus, "all"):
            per_script[r.script][key][0] += 1
            per_script[r.script][key][1] += r.agree
    total = sum(c[0] for c in per_corpus.values())
    agree = sum(c[1] for c in per_corpus.values())
    return {
        "overall": {"n": total, "agree": agree, "pct": _pct(agree, total)},
        "corpora": {
            k: {"n": v[0], "agree": v[1], "pct": _pct(v[1], v[0]), "uroman_crashes": v[2]}
            for k, v in per_corpus.items()
        },
        "scripts": {
            s: {k: {"n": v[0], "agree": v[1]} for k, v in d.items()}
            for s, d in sorted(per_script.items())
        },
    }


def markdown(summary: dict[str, object], corpus_names: Sequence[str], backend: str) -> str:
    corp: dict[str, dict[str, object]] = summary["corpora"]  # type: ignore[assignment]
    lines = [
        f"### translit ({backend}) vs uroman {translit.UROMAN_VERSION}",
        "",
        "| corpus | items | agree | agreement % | uroman crashes |",
        "|---|---:|---:|---:|---:|",
    ]
    for name in corpus_names:
        c = corp.get(name)
        if c:
            lines.append(
                f"| {name} | {c['n']} | {c['agree']} | {c['pct']} | {c['uroman_crashes']} |"
            )
    o: dict[str, object] = summary["overall"]  # type: ignore[assignment]
    lines += [f"| **all** | {o['n']} | {o['agree']} | **{o['pct']}** | |", ""]
    head = "| script | items | diffs | agreement % | " + " | ".join(corpus_names) + " |"
    lines += [head, "|---|---:|---:|---:|" + "---:|" * len(corpus_names)]
    scripts: dict[str, dict[str, dict[str, int]]] = summary["scripts"]  # type: ignore[assignment]
    for script, d in sorted(scripts.items(), key=lambda kv: -kv[1]["all"]["n"]):
        n, ok = d["all"]["n"], d["all"]["agree"]
        cells = [f"{d[c]['n'] - d[c]['agree']}/{d[c]['n']}" if c in d else "" for c in corpus_names]
        lines.append(f"| {script} | {n} | {n - ok} | {_pct(ok, n)} | " + " | ".join(cells) + " |")
    lines.append("")
    lines.append("Per-corpus cells are differences/items.")
    lines.append(targets(summary))
    return "\n".join(lines)


def targets(summary: dict[str, object]) -> str:
    """The issue's targets: >= 99.99 % overall, >= 99.5 % in every script with >= 100 items."""
    o: dict[str, object] = summary["overall"]  # type: ignore[assignment]
    overall_ok = o["n"] == 0 or 100.0 * o["agree"] / o["n"] >= 99.99  # type: ignore[operator]
    scripts: dict[str, dict[str, dict[str, int]]] = summary["scripts"]  # type: ignore[assignment]
    weak = [
        f"{s} ({100.0 * d['all']['agree'] / d['all']['n']:.2f} %)"
        for s, d in scripts.items()
        if d["all"]["n"] >= 100 and 100.0 * d["all"]["agree"] / d["all"]["n"] < 99.5
    ]
    big = sum(1 for d in scripts.values() if d["all"]["n"] >= 100)
    verdict = "met" if overall_ok and not weak else "NOT met"
    detail = f"; below 99.5 %: {', '.join(weak)}" if weak else ""
    return (
        f"\nTargets (>= 99.99 % overall, >= 99.5 % in each of the {big} scripts with >= 100 "
        f"items): {verdict}{detail}"
    )


def write_diffs(rows: Sequence[Row], path: Path) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    diffs = [r for r in rows if not r.agree]
    with path.open("w", encoding="utf-8", newline="\n") as handle:
        handle.write("corpus\tsource\tscript\tlcode\tinput\texpected\tgot\n")
        for r in diffs:
            fields = (r.corpus, r.source, r.script, r.lcode, r.text, r.expected, r.got)
            handle.write("\t".join(esc(f) for f in fields) + "\n")
    return len(diffs)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=("cpp", "python", "auto"), default="cpp")
    parser.add_argument(
        "--corpus",
        nargs="+",
        choices=(*CORPORA, *SYNTHETIC),
        default=list(CORPORA),
    )
    parser.add_argument("--limit", type=int, default=None, help="at most N items per corpus")
    parser.add_argument("--top-n", type=int, default=2000, help="wordfreq words per language")
    parser.add_argument("--diff-out", type=Path, default=None, help="TSV of every difference")
    parser.add_argument("--save", action="store_true", help="write JSON + markdown to results/")
    parser.add_argument(
        "--edges", action="store_true", help="compare uroman's edges format (offsets) instead"
    )
    args = parser.parse_args(argv)
    try:
        translit.Romanizer(backend=args.backend)
    except translit.BackendError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    rows = collect(args.backend, args.corpus, args.limit, args.top_n, args.edges)
    summary = summarize(rows)
    table = markdown(summary, args.corpus, args.backend + (", edges" if args.edges else ""))
    mode = "-edges" if args.edges else ""
    diff_out = args.diff_out or CACHE_DIR / f"diffs-{args.backend}{mode}.tsv"
    n_diffs = write_diffs(rows, diff_out)  # before printing: a closed stdout must not lose it
    print(table)
    print(f"\n{n_diffs} differences written to {diff_out}")
    if args.save and not args.edges:
        from tokadapt.environment import collect as environment

        RESULTS.mkdir(parents=True, exist_ok=True)
        payload = {
            "backend": args.backend,
            "limit": args.limit,
            "top_n": args.top_n,
            "summary": summary,
            "environment": environment(),
            "differences": [asdict(r) for r in rows if not r.agree][:2000],
        }
        (RESULTS / "conformance.json").write_text(json.dumps(payload, indent=1, ensure_ascii=False))
        (RESULTS / "conformance.md").write_text(table + "\n")
    golden = summary["corpora"].get("golden")  # type: ignore[attr-defined]
    return 1 if golden and golden["agree"] != golden["n"] else 0


if __name__ == "__main__":
    sys.exit(main())
