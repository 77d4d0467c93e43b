"""translit vs the romanizers installed from PyPI, side by side in one run, interleaved.

Measures, on one multi-script corpus (uroman's mini-test texts + CLDR names, one call per line,
single core): words/s, speed-up vs uroman 1.3.1.1 and exact agreement with uroman for uroman,
uroman-fast (Rust port), PyICU ``Any-Latin; Latin-ASCII``, anyascii and translit (per call,
batch 1 thread, batch all threads). Also: the 250,002-piece XLM-R vocabulary (translit and
uroman-fast in full, uroman on a sample, extrapolated), thread scaling, import + first call
latency in a fresh process, and peak RSS while streaming a generated file through the CLI.

    python benchmarks/bench_romanize.py                 # full run (~3-5 min on 2 cores)
    python benchmarks/bench_romanize.py --quick         # smaller corpus / file, fewer rounds
Writes ``benchmarks/results/bench_romanize.json`` and ``.md``.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpora
from bench_report import markdown_report

import translit
from tokadapt.data.resources import uroman_golden
from translit.vocab import split_piece

RESULTS = Path(__file__).resolve().parent / "results"
Line = tuple[str, str]  # (text, lcode)


def corpus(n_cldr: int) -> list[Line]:
    """uroman's mini-test texts (lcode honoured) + an even sample of CLDR names."""
    src, _ = uroman_golden()
    lines: list[Line] = []
    for path in (src, src.parent / "fas.txt", src.parent / "hin.txt"):
        for line in path.read_text(encoding="utf-8").splitlines():
            _prefix, body, lcode = corpora.split_lcode_line(line)
            lcode = lcode or {"fas.txt": "fas", "hin.txt": "hin"}.get(path.name, "")
            lines.append((body, lcode))
    cldr = [it for it in corpora.cldr_items() if not it.lcode]
    return lines + [(it.text, "") for it in corpora.sample(cldr, n_cldr)]


def _optional(module: str) -> Any:
    try:
        return importlib.import_module(module)
    except ImportError:
        print(f"  ({module} is not installed: left out)", file=sys.stderr)
        return None


def runners(backend: str) -> dict[str, Callable[[list[Line]], list[str]]]:
    import uroman

    anyascii, icu, uroman_fast = _optional("anyascii"), _optional("icu"), _optional("uroman_fast")
    ur = uroman.Uroman()
    roms: dict[str, translit.Romanizer] = {}

    def tl(lc: str) -> translit.Romanizer:
        if lc not in roms:
            roms[lc] = translit.Romanizer(lc or None, backend=backend)  # type: ignore[arg-type]
        return roms[lc]

    def batch(lines: list[Line], threads: int) -> list[str]:
        out = [""] * len(lines)
        groups: dict[str, list[int]] = {}
        for i, (_t, lc) in enumerate(lines):
            groups.setdefault(lc, []).append(i)
        for lc, idx in groups.items():
            for i, r in zip(
                idx, tl(lc).romanize_batch([lines[i][0] for i in idx], threads), strict=True
            ):
                out[i] = r
        return out

    funcs: dict[str, Callable[[list[Line]], list[str]]] = {
        "uroman 1.3.1.1": lambda ls: [ur.romanize_string(t, lc or None) for t, lc in ls],
    }
    if uroman_fast:
        funcs["uroman-fast"] = lambda ls: [uroman_fast.romanize(t, lc or None) for t, lc in ls]
    if icu:
        icu_tr = icu.Transliterator.createInstance("Any-Latin; Latin-ASCII")
        funcs["PyICU Any-Latin"] = lambda ls: [icu_tr.transliterate(t) for t, _ in ls]
    if anyascii:
        funcs["anyascii"] = lambda ls: [anyascii.anyascii(t) for t, _ in ls]
    funcs["translit (per call)"] = lambda ls: [tl(lc).romanize(t) for t, lc in ls]
    funcs["translit (batch, 1 thread)"] = lambda ls: batch(ls, 1)
    funcs["translit (batch, all threads)"] = lambda ls: batch(ls, 0)
    return funcs


def interleaved(
    funcs: dict[str, Callable[[list[Line]], list[str]]], lines: list[Line], rounds: int
) -> tuple[dict[str, tuple[float, float]], dict[str, list[str]]]:
    """Best-of-``rounds`` (wall, CPU) seconds per runner, alternating within every round.

    CPU time is the steadier measure for the single-threaded runners on a shared machine."""
    times: dict[str, list[tuple[float, float]]] = {k: [] for k in funcs}
    outputs: dict[str, list[str]] = {}
    for _ in range(rounds):
        for name, fn in funcs.items():
            wall, cpu = time.perf_counter(), time.process_time()
            outputs[name] = fn(lines)
            times[name].append((time.perf_counter() - wall, time.process_time() - cpu))
    best = {k: (min(w for w, _ in v), min(c for _, c in v)) for k, v in times.items()}
    return best, outputs


def corpus_table(backend: str, lines: list[Line], rounds: int) -> list[dict[str, object]]:
    words = sum(len(t.split()) for t, _ in lines)
    best, outputs = interleaved(runners(backend), lines, rounds)
    ref, (base, base_cpu) = outputs["uroman 1.3.1.1"], best["uroman 1.3.1.1"]
    rows: list[dict[str, object]] = []
    for name, (secs, cpu) in best.items():
        agree = sum(a == b for a, b in zip(outputs[name], ref, strict=True))
        rows.append(
            {
                "romanizer": name,
                "seconds": secs,
                "cpu_seconds": cpu,
                "words_per_s": words / secs,
                "words_per_cpu_s": words / cpu if cpu > 0 else float("nan"),
                "speedup_vs_uroman": base / secs,
                "speedup_vs_uroman_cpu": base_cpu / cpu if cpu > 0 else float("nan"),
                "agreement_pct": 100.0 * agree / len(ref),
                "lines": len(lines),
                "words": words,
            }
        )
    return rows


def vocab_table(backend: str, pieces: list[str], sample_n: int) -> dict[str, object]:
    import uroman

    uroman_fast = _optional("uroman_fast")
    rom = translit.Romanizer(backend=backend)  # type: ignore[arg-type]
    res: dict[str, object] = {"pieces": len(pieces)}
    ours: list[str] = []
    for threads in (1, 0):
        start = time.perf_counter()
        try:
            ours = rom.romanize_vocab(pieces, num_threads=threads)
        except Exception as exc:  # the python fallback inherits uroman's crashes
            res["translit_error"] = f"{type(exc).__name__}: {exc}"
            ours = [""] * len(pieces)
        res[f"translit_s_threads{threads}"] = time.perf_counter() - start
    parts = [split_piece(p) for p in pieces]
    start = time.perf_counter()
    fast = (
        [p.prefix + uroman_fast.romanize(p.payload) + p.suffix for p in parts]
        if uroman_fast
        else []
    )
    res["uroman_fast_s"] = time.perf_counter() - start if uroman_fast else float("nan")
    sample = corpora.sample(list(range(len(pieces))), sample_n)
    ur = uroman.Uroman()
    start, ref = time.perf_counter(), {}
    for i in sample:
        try:
            ref[i] = parts[i].prefix + ur.romanize_string(parts[i].payload) + parts[i].suffix
        except Exception as exc:  # uroman crashes on a few pieces (百分之)
            ref[i] = f"!uroman-error {type(exc).__name__}"
    elapsed = time.perf_counter() - start
    res.update(
        uroman_sample=len(sample),
        uroman_sample_s=elapsed,
        uroman_extrapolated_s=elapsed * len(pieces) / len(sample),
        translit_agreement_pct_on_sample=100.0
        * sum(ours[i] == ref[i] for i in sample)
        / len(sample),
        uroman_fast_agreement_pct_on_sample=100.0
        * sum(fast[i] == ref[i] for i in sample)
        / len(sample)
        if fast
        else float("nan"),
    )
    return res


def thread_scaling(backend: str, lines: list[Line], copies: int) -> dict[str, float]:
    """Best of two runs of ``romanize_batch`` for 1, 2, 4 … threads up to the CPU count."""
    texts = [t for t, _ in lines] * copies
    rom = translit.Romanizer(backend=backend)  # type: ignore[arg-type]
    cpus = os.cpu_count() or 1
    counts = [n for n in (1, 2, 4, 8, 16, 32, 64) if n <= max(2, cpus)]
    out: dict[str, float] = {"cpus": float(cpus), "texts": float(len(texts))}
    for _ in range(2):
        for threads in counts:
            start = time.perf_counter()
            rom.romanize_batch(texts, num_threads=threads)
            secs = time.perf_counter() - start
            out[f"threads{threads}_s"] = min(secs, out.get(f"threads{threads}_s", secs))
    for threads in counts[1:]:
        out[f"speedup_{threads}_vs_1"] = out["threads1_s"] / out[f"threads{threads}_s"]
    return out


_FIRST_CALL = {
    "translit": "import translit; translit.romanize('Привет мир')",
    "uroman-fast": "import uroman_fast; uroman_fast.romanize('Привет мир')",
    "uroman 1.3.1.1": "import uroman; uroman.Uroman().romanize_string('Привет мир')",
}


def first_call_latency(repeats: int) -> dict[str, float]:
    """Median wall time of a fresh interpreter doing import + first call (minus bare startup)."""

    def run(code: str) -> float:
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
        return time.perf_counter() - start

    bare = statistics.median(run("pass") for _ in range(repeats))
    out = {"python_startup_s": bare}
    for name, code in _FIRST_CALL.items():
        n = 1 if name.startswith("uroman 1") else repeats
        try:
            out[f"{name}_s"] = statistics.median(run(code) for _ in range(n)) - bare
        except subprocess.CalledProcessError:
            out[f"{name}_s"] = float("nan")  # not installed here
    return out


# Peak RSS of a child is measured by a small wrapper process: a child forked straight from this
# (large) benchmark process would count the pages it shares with us until its exec.
_WAIT4 = (
    "import os, subprocess, sys; p = subprocess.Popen(sys.argv[1:]); "
    "_, status, usage = os.wait4(p.pid, 0); print(usage.ru_maxrss, status)"
)


def stream_peak_rss(lines: list[Line], megabytes: int, backend: str) -> dict[str, float]:
    """Stream a generated file of ``megabytes`` MB through ``python -m translit``; peak RSS."""
    block = ("\n".join(t for t, _ in lines) + "\n").encode("utf-8")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.txt"
        with path.open("wb") as handle:
            while handle.tell() < megabytes * 1_000_000:
                handle.write(block)
        size = path.stat().st_size
        cmd = [sys.executable, "-m", "translit", "-i", str(path), "-o", os.devnull]
        start = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, "-c", _WAIT4, *cmd, "--backend", backend],
            capture_output=True,
            text=True,
            check=True,
        )
        secs = time.perf_counter() - start
        maxrss_kb, status = (int(v) for v in proc.stdout.split())
        if status != 0:
            raise RuntimeError(f"{cmd} failed with status {status}: {proc.stderr}")
    return {
        "file_mb": size / 1e6,
        "seconds": secs,
        "mb_per_s": size / 1e6 / secs,
        "peak_rss_mb": maxrss_kb / 1024,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=("cpp", "python"), default="cpp")
    parser.add_argument("--quick", action="store_true", help="small corpus, 1 round, 20 MB file")
    parser.add_argument("--cldr", type=int, help="CLDR names in the corpus (6000; quick 1000)")
    parser.add_argument("--rounds", type=int, help="interleaved rounds (3; quick 1)")
    parser.add_argument("--stream-mb", type=int, help="streamed file size in MB (200; quick 20)")
    parser.add_argument("--vocab-sample", type=int, help="pieces timed with uroman (5000; 1000)")
    parser.add_argument("--vocab-limit", type=int, help="XLM-R pieces (all; quick 20000)")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--dump-inputs", type=Path, help="write corpus + pieces JSON and stop")
    parser.add_argument("--inputs", type=Path, help="read them (a machine without babel)")
    args = parser.parse_args(argv)
    defaults = {
        "cldr": 6000,
        "rounds": 3,
        "stream_mb": 200,
        "vocab_sample": 5000,
        "vocab_limit": None,
    }
    quick = {"cldr": 1000, "rounds": 1, "stream_mb": 20, "vocab_sample": 1000, "vocab_limit": 20000}
    for key, value in (quick if args.quick else defaults).items():
        if getattr(args, key) is None:
            setattr(args, key, value)
    try:
        translit.Romanizer(backend=args.backend)
    except translit.BackendError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    from tokadapt.environment import collect

    if args.inputs:
        data = json.loads(args.inputs.read_text(encoding="utf-8"))
        lines, pieces = [tuple(x) for x in data["lines"]], data["pieces"]
    else:
        lines = corpus(args.cldr)
        pieces = [it.text for it in corpora.sample(corpora.xlmr_items(), args.vocab_limit)]
    if args.dump_inputs:
        payload = {"lines": lines, "pieces": pieces}
        args.dump_inputs.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
        return 0
    steps: dict[str, Callable[[], object]] = {
        "corpus": lambda: corpus_table(args.backend, lines, args.rounds),
        "vocab": lambda: vocab_table(args.backend, pieces, args.vocab_sample),
        "threads": lambda: thread_scaling(args.backend, lines, 20),
        "first_call": lambda: first_call_latency(5),
        "stream": lambda: stream_peak_rss(lines, args.stream_mb, args.backend),
    }
    results: dict[str, object] = {
        "args": {k: str(v) for k, v in vars(args).items()},
        "environment": collect(),
    }
    for name, step in steps.items():
        print(f"... {name}", file=sys.stderr, flush=True)
        results[name] = step()
    report = markdown_report(results)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "bench_romanize.json").write_text(json.dumps(results, indent=1, ensure_ascii=False))
    (args.out / "bench_romanize.md").write_text(report)
    print(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
