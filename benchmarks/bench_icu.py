"""ICU romanization schemes: speed, and what a multi-scheme XLM-R extension buys per script.

Three parts, written to ``benchmarks/results/bench_icu.{json,md}``:

* **speed** — strings/s of each ICU scheme through ``translit`` (``romanize`` per call,
  ``romanize_batch`` with 1/2/4 threads) against calling PyICU's ``transliterate`` in a Python
  loop, on real strings (CLDR names from babel in 14 locales + wordfreq words); the uroman path
  through this tree against a snapshot of another tree (``--base-tree``, e.g. a ``git archive``
  of main) in a subprocess, same strings;
* **tokens per word** — the XLM-R tokenizer (from the e5 export) extended uroman-only vs
  multi-scheme (``MULTI``), on real text romanized by each script's scheme and by uroman: CLDR
  territory and language names (babel) and, with ``--udhr``, UDHR Article 1 rows (script found
  by :mod:`translit.scripts`);
* **retrieval** (``--retrieval``) — multilingual-e5-small after TransMI init on each extension:
  top-1 romanized CLDR territory name -> English name, per script and scheme.

``python benchmarks/bench_icu.py [--udhr PATH] [--base-tree DIR] [--retrieval] [--quick]``
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent
if "--uroman-child" not in sys.argv:  # the child measures the tree on PYTHONPATH
    sys.path.insert(0, str(ROOT.parent))
RESULTS = ROOT / "results"

SPEED_SPECS = ("icu:iso9", "icu:bgn", "icu:iso15919", "icu:pinyin", "icu:Any-Latin; Latin-ASCII")
MULTI = (
    "uroman,icu:bgn,icu:iso9,icu:iso15919,icu:iso15919-ascii,icu:ungegn,icu:pinyin,"
    "icu:arabic,icu:persian,icu:hebrew"
)
#: CLDR locale -> (lang, script, schemes people type it in)
EVAL: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "ru": ("rus", "Cyrillic", ("icu:bgn", "icu:iso9")),
    "uk": ("ukr", "Cyrillic", ("icu:bgn", "icu:iso9")),
    "bg": ("bul", "Cyrillic", ("icu:bgn", "icu:iso9")),
    "hi": ("hin", "Devanagari", ("icu:iso15919", "icu:iso15919-ascii")),
    "mr": ("mar", "Devanagari", ("icu:iso15919", "icu:iso15919-ascii")),
    "zh": ("zho", "Han", ("icu:pinyin",)),
    "el": ("ell", "Greek", ("icu:ungegn",)),
    "ar": ("ara", "Arabic", ("icu:arabic",)),
    "fa": ("fas", "Arabic", ("icu:persian",)),
    "he": ("heb", "Hebrew", ("icu:hebrew",)),
}
SCRIPT_SCHEMES: dict[str, tuple[str, ...]] = {}
for _lang, _script, _schemes in EVAL.values():
    SCRIPT_SCHEMES[_script] = tuple(dict.fromkeys(SCRIPT_SCHEMES.get(_script, ()) + _schemes))


def _texts(quick: bool) -> list[str]:
    import babel
    import wordfreq

    out: list[str] = []
    for loc in ("ru", "uk", "bg", "el", "hi", "bn", "ta", "zh", "ja", "ar", "fa", "he", "ko"):
        locale = babel.Locale.parse(loc)
        out += list(locale.territories.values()) + list(locale.languages.values())
        out += wordfreq.top_n_list(loc, 300 if quick else 2000)
    return out


def _best(fn: Any, repeat: int = 3) -> float:
    """Best wall time of ``repeat`` runs."""
    return min(_timed(fn) for _ in range(repeat))


def _timed(fn: Any) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def _cpu(fn: Any, repeat: int = 3) -> float:
    """Best process CPU time (all threads) of ``repeat`` runs: robust to a loaded machine."""
    times = []
    for _ in range(repeat):
        start = time.process_time()
        fn()
        times.append(time.process_time() - start)
    return min(times)


def gil_check() -> dict[str, float]:
    """Does PyICU release the GIL in ``transliterate``? The main thread counts in a pure-Python
    loop while a worker runs one long ICU call. Released: the count grows with the call's length
    (about rate x duration); held: the main thread only runs before the worker takes the GIL, so
    the count stays small and independent of the duration."""
    import threading

    import icu

    tr = icu.Transliterator.createInstance("Cyrillic-Latin")
    out: dict[str, float] = {}
    for reps in (2000, 8000):
        big = "Съешь же ещё этих мягких французских булок " * reps
        done, took = threading.Event(), [0.0]

        def work(text: str = big, ev: Any = done, out: list[float] = took) -> None:
            out[0] = _timed(lambda: tr.transliterate(text))
            ev.set()

        count = 0
        thread = threading.Thread(target=work)
        thread.start()
        while not done.is_set():
            count += 1
        thread.join()
        out[f"icu_call_s_{reps}"] = round(took[0], 3)
        out[f"main_loop_iterations_{reps}"] = count
    alone, start = 0, time.perf_counter()
    while time.perf_counter() - start < 0.5:
        alone += 1
        done.is_set()
    out["main_loop_rate_alone"] = round(alone / 0.5)
    return out


def speed(texts: list[str], base_tree: Path | None) -> dict[str, Any]:
    import icu

    from translit import make_romanizer

    res: dict[str, Any] = {"strings": len(texts), "chars": sum(map(len, texts)), "icu": {}}
    for spec in SPEED_SPECS:
        rom = make_romanizer(spec)
        tr = rom.transform  # type: ignore[attr-defined]
        ref = (
            icu.Transliterator.createFromRules("r", tr.text)
            if tr.is_rules
            else icu.Transliterator.createInstance(tr.text)
        )
        row = {"pyicu_loop": len(texts) / _best(lambda r=ref: [r.transliterate(t) for t in texts])}
        row["pyicu_loop_per_cpu_s"] = len(texts) / _cpu(
            lambda r=ref: [r.transliterate(t) for t in texts]
        )
        row["batch_1t_per_cpu_s"] = len(texts) / _cpu(lambda r=rom: r.romanize_batch(texts, 1))
        row["batch_4t_per_cpu_s"] = len(texts) / _cpu(lambda r=rom: r.romanize_batch(texts, 4))
        row["romanize_per_call"] = len(texts) / _best(lambda r=rom: [r.romanize(t) for t in texts])
        for n in (1, 2, 4):
            row[f"batch_{n}t"] = len(texts) / _best(lambda n=n, r=rom: r.romanize_batch(texts, n))
        res["icu"][spec] = {k: round(v) for k, v in row.items()}
        print(spec, res["icu"][spec], flush=True)
    res["gil"] = gil_check()
    print("gil", res["gil"], flush=True)
    res["uroman"] = {"this tree": _uroman_speed(texts)}
    if base_tree is not None:
        out = subprocess.run(
            [sys.executable, __file__, "--uroman-child"],
            input=json.dumps(texts),
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONPATH": str(base_tree)},
        )
        res["uroman"][f"base tree ({base_tree})"] = json.loads(out.stdout)
    print("uroman", res["uroman"], flush=True)
    return res


def _uroman_speed(texts: list[str]) -> dict[str, Any]:
    import translit

    rom = translit.Romanizer()
    rom.romanize_batch(texts[:100])
    return {
        "module": translit.__file__,
        "batch_1t_per_cpu_s": round(len(texts) / _cpu(lambda: rom.romanize_batch(texts, 1))),
        **{
            f"batch_{n}t": round(len(texts) / _best(lambda n=n: rom.romanize_batch(texts, n)))
            for n in (1, 2)
        },
    }


def _extensions(tmp: Path, e5: Path, quick: bool) -> dict[str, Path]:
    from tokadapt.vocab import extend_vocab

    out: dict[str, Path] = {}
    for label, scheme in (("uroman-only", "uroman"), ("multi-scheme", MULTI)):
        start = time.perf_counter()
        res = extend_vocab(e5, tmp / label, select="non-latin", scheme=scheme)
        took = time.perf_counter() - start
        print(f"{label}: {res.summary['new_pieces']} new pieces in {took:.0f} s", flush=True)
        out[label] = res.out_dir
    return out


def _cldr_rows() -> dict[str, tuple[tuple[str, ...], list[tuple[str, str]]]]:
    """Per locale: its schemes and (lang, text) for CLDR territory + language names."""
    import babel

    out = {}
    for loc, (lang, script, schemes) in EVAL.items():
        locale = babel.Locale.parse(loc)
        names = sorted(set(locale.territories.values()) | set(locale.languages.values()))
        out[f"{script} ({loc})"] = (schemes, [(lang, n) for n in names])
    return out


def _udhr_rows(path: Path) -> dict[str, tuple[tuple[str, ...], list[tuple[str, str]]]]:
    """Per script (found by ICU): the script's schemes and (lang, text) of UDHR Article 1."""
    from translit.scripts import text_script

    out: dict[str, tuple[tuple[str, ...], list[tuple[str, str]]]] = {}
    with path.open(encoding="utf-8") as handle:
        for r in csv.DictReader(handle, delimiter="\t"):
            script = text_script(r["text"])
            if script in SCRIPT_SCHEMES and r["text"].strip():
                out.setdefault(script, (SCRIPT_SCHEMES[script], []))[1].append(
                    (r["iso6393"], r["text"])
                )
    return out


def _romanize(spec: str, lang: str, text: str) -> str:
    from translit import make_romanizer
    from translit.presets import BGN_BY_LANG

    if spec == "icu:bgn" and lang not in BGN_BY_LANG:
        lang = "rus"
    try:
        return make_romanizer(spec, lang).romanize(text)
    except ValueError:  # a UDHR code ISO 639-3 does not list: no language rules
        return make_romanizer(spec).romanize(text)


def tokens_per_word(
    groups: dict[str, tuple[tuple[str, ...], list[tuple[str, str]]]], tokenizers: dict[str, Any]
) -> dict[str, Any]:
    """Per group and scheme: tokens per word of each tokenizer on the romanized rows.

    Words are counted in the original-script text (whitespace-separated), so the denominator is
    the same for every scheme and tokenizer (pinyin joins a Han run into one word)."""
    table: dict[str, dict[str, Any]] = {}
    for group, (schemes, mine) in groups.items():
        words = sum(len(text.split()) for _, text in mine)
        for spec in ("uroman", *schemes):
            texts = [_romanize(spec, lang, text) for lang, text in mine]
            row: dict[str, Any] = {"texts": len(texts), "words": words}
            for label, tok in tokenizers.items():
                n = sum(len(e.ids) for e in tok.encode_batch(texts, add_special_tokens=False))
                row[label] = round(n / words, 3)
            table[f"{group} / {spec}"] = row
    return table


def retrieval(e5: Path, exts: dict[str, Path], tmp: Path, limit: int) -> dict[str, Any]:
    from tokadapt.embeddings.initialize import init_embeddings
    from tokadapt.eval.quality import ParallelSet, retrieval_table, romanized_set

    adapted = {}
    for label, ext in exts.items():
        init_embeddings(e5, ext, tmp / f"model-{label}", strategy="transmi", overwrite=True)
        adapted[label] = tmp / f"model-{label}"
    import babel

    english = babel.Locale("en").territories
    sets = []
    for loc, (lang, script, schemes) in EVAL.items():
        names = babel.Locale.parse(loc).territories
        pairs = [(english[c], names[c]) for c in sorted(english) if len(c) == 2 and c in names]
        for spec in ("uroman", *schemes):
            s = romanized_set(f"{script} ({loc}) {spec}", pairs[:limit], lang, scheme=spec)
            sets.append(ParallelSet(s.name, s.english, s.original, s.romanized))
    return {
        "table": retrieval_table(e5, adapted, sets),
        "sizes": {s.name: len(s.english) for s in sets},
    }


def run(args: argparse.Namespace) -> dict[str, Any]:
    from tokenizers import Tokenizer

    from tokadapt.environment import collect
    from tokadapt.models.e5 import export_e5
    from translit.scripts import icu_version

    res: dict[str, Any] = {"environment": collect(), "icu": icu_version(), "multi": MULTI}
    res["loadavg_at_start"] = os.getloadavg()
    res["speed"] = speed(_texts(args.quick), args.base_tree)
    with tempfile.TemporaryDirectory(prefix="bench-icu-", dir=args.tmp) as name:
        tmp = Path(name)
        e5 = export_e5(tmp / "e5")
        exts = _extensions(tmp, e5, args.quick)
        res["new_pieces"] = {
            k: json.loads((p / "tokadapt_manifest.json").read_text())["counts"]["new_pieces"]
            for k, p in exts.items()
        }
        toks = {"xlm-r": Tokenizer.from_file(str(e5 / "tokenizer.json"))}
        toks.update({k: Tokenizer.from_file(str(p / "tokenizer.json")) for k, p in exts.items()})
        res["tokens_per_word"] = {"cldr": tokens_per_word(_cldr_rows(), toks)}
        if args.udhr:
            res["tokens_per_word"]["udhr"] = tokens_per_word(_udhr_rows(args.udhr), toks)
        if args.retrieval:
            res["retrieval"] = retrieval(e5, exts, tmp, 60 if args.quick else 200)
    res["loadavg_at_end"] = os.getloadavg()
    return res


def markdown(res: dict[str, Any]) -> str:
    lines = [
        "# ICU schemes: speed and multi-scheme vocabulary extension",
        "",
        f"{res['icu']}; load average at start {res['loadavg_at_start']}, at end "
        f"{res['loadavg_at_end']} (shared 2-core machine: timings are noisy).",
        "",
        f"## Speed ({res['speed']['strings']} real strings, best of 3)",
        "",
        "Wall-clock strings/s on this loaded machine measure the scheduler's share as much as the "
        "code (more threads get more time slices); strings per CPU-second (process CPU time, all "
        "threads) compare the code itself.",
        "",
        "| scheme | PyICU loop | per call | batch 1t | 2t | 4t | PyICU loop /CPU-s | "
        "batch 1t /CPU-s | batch 4t /CPU-s |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for spec, row in res["speed"]["icu"].items():
        cells = ["pyicu_loop", "romanize_per_call", "batch_1t", "batch_2t", "batch_4t"]
        cells += ["pyicu_loop_per_cpu_s", "batch_1t_per_cpu_s", "batch_4t_per_cpu_s"]
        lines.append(
            f"| `{spec}` | " + " | ".join(f"{row.get(c, float('nan')):,.0f}" for c in cells) + " |"
        )
    gil = res["speed"].get("gil")
    if gil and "main_loop_rate_alone" in gil:
        lines += [
            "",
            "GIL: while one ICU call ran in another thread for "
            f"{gil['icu_call_s_2000']} s / {gil['icu_call_s_8000']} s, a pure-Python loop in the "
            f"main thread made {gil['main_loop_iterations_2000']:,} / "
            f"{gil['main_loop_iterations_8000']:,} iterations (alone it runs "
            f"{gil['main_loop_rate_alone']:,}/s): "
            + (
                "PyICU holds the GIL during transliterate, threads cannot run in parallel."
                if gil["main_loop_iterations_8000"]
                < 0.2 * gil["main_loop_rate_alone"] * gil["icu_call_s_8000"]
                else "PyICU releases the GIL during transliterate."
            ),
        ]
    lines += ["", "uroman path (strings/s): "]
    for label, row in res["speed"]["uroman"].items():
        lines.append(
            f"- {label}: batch 1 thread {row['batch_1t']:,}, 2: {row['batch_2t']:,}; "
            f"per CPU-s (1 thread) {row.get('batch_1t_per_cpu_s', float('nan')):,.0f}"
        )
    lines += [
        "",
        f"## Tokens per word (XLM-R; new pieces: {res['new_pieces']})",
        "",
        f"multi-scheme = `{res['multi']}`",
    ]
    for corpus, table in res["tokens_per_word"].items():
        lines += [
            "",
            f"### {corpus}",
            "",
            "| text romanized by | texts | words (original) | XLM-R | uroman-only | multi-scheme |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        for key, row in table.items():
            lines.append(
                f"| {key} | {row['texts']} | {row['words']} | {row['xlm-r']:.3f} | "
                f"{row['uroman-only']:.3f} | {row['multi-scheme']:.3f} |"
            )
    if "retrieval" in res:
        from tokadapt.eval.quality import markdown as table_md

        lines += ["", "## e5 retrieval, romanized CLDR territory -> English (top-1)", ""]
        lines.append(table_md(res["retrieval"]["table"], res["retrieval"]["sizes"]))
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--udhr", type=Path, help="udhr_article1.tsv (UDHR Article 1 rows)")
    parser.add_argument("--base-tree", type=Path, help="another tree's root for the uroman speed")
    parser.add_argument("--retrieval", action="store_true", help="also e5 retrieval (slow)")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--tmp", type=Path, default=None, help="scratch directory")
    parser.add_argument("--uroman-child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--render", action="store_true", help="re-render the .md from the .json")
    parser.add_argument(
        "--speed-only", action="store_true", help="redo only the speed part of the last .json"
    )
    args = parser.parse_args()
    if args.uroman_child:
        print(json.dumps(_uroman_speed(json.loads(sys.stdin.read()))))
        return 0
    if args.render or args.speed_only:
        res = json.loads((RESULTS / "bench_icu.json").read_text())
        if args.speed_only:
            res["loadavg_at_start"] = os.getloadavg()
            res["speed"] = speed(_texts(args.quick), args.base_tree)
            res["loadavg_at_end"] = os.getloadavg()
            path = RESULTS / "bench_icu.json"
            path.write_text(json.dumps(res, indent=2, default=str) + "\n")
    else:
        import torch

        torch.set_num_threads(1)
        res = run(args)
        RESULTS.mkdir(exist_ok=True)
        (RESULTS / "bench_icu.json").write_text(json.dumps(res, indent=2, default=str) + "\n")
    text = markdown(res)
    (RESULTS / "bench_icu.md").write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
