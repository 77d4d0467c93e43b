"""Run every benchmark in sequence (``make bench``); each writes JSON + markdown to results/.

    python benchmarks/run_all.py            # quick sizes (about 15-25 min on 2 cores)
    python benchmarks/run_all.py --full     # the issues' full sizes (about an hour on 2 cores)
    python benchmarks/run_all.py --only bench_bli conformance

A failing benchmark is reported and the others still run; the exit code is 1 if any failed.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

#: (script, quick arguments, full arguments)
BENCHMARKS: list[tuple[str, list[str], list[str]]] = [
    ("conformance", ["--save"], ["--save"]),
    ("bench_romanize", ["--quick"], []),
    ("bench_extend_vocab", ["--quick"], []),
    ("bench_init_embeddings", ["--quick"], []),
    ("bench_bli", ["--targets", "50000", "--queries", "12500", "--tag", "quick"], []),
    ("bench_align", ["--steps", "4", "--modes", "reference,data,cached,live"], []),
    ("align_effect", ["--steps", "40"], []),
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="the issues' full sizes")
    parser.add_argument("--only", nargs="*", help="run only these scripts (names without .py)")
    args = parser.parse_args()
    failed = []
    for name, quick, full in BENCHMARKS:
        if args.only and name not in args.only:
            continue
        cmd = [sys.executable, str(HERE / f"{name}.py"), *(full if args.full else quick)]
        print(f"\n### {' '.join(cmd[1:])}", flush=True)
        start = time.perf_counter()
        code = subprocess.call(cmd)
        print(f"### {name}: exit {code} after {time.perf_counter() - start:.0f} s", flush=True)
        if code != 0:
            failed.append(name)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
