"""Peak memory of ``tokadapt romanize`` on a very long line and on a very large file, beside
uroman 1.3.1.1's, with identical outputs (issue 9, class 7).

Inputs are generated from real words (wordfreq's top words of 24 languages in 14 scripts):
sentences of 5-30 words of one language, so every line mixes several scripts.

* ``line``: one line of ``--line-mb`` MB (default 20). translit romanizes it whole (the engine
  cuts it internally at proven-safe positions, csrc/translit/chunking.h); uroman builds one
  lattice for it and is measured on slices of 0.2/0.4/0.8 MB of the same line, its peak RSS
  extrapolated linearly to the full line (said so in the results).
* ``file``: ``--file-mb`` MB of lines of ~150 characters (default 1024). translit streams the
  whole file; uroman streams a ``--uroman-mb`` MB prefix (its memory does not grow with the
  file; its time is extrapolated).

Peak RSS of each child process comes from ``os.wait4``. Outputs are compared byte for byte
wherever both tools ran (the uroman slices against translit on the same slices).

    python benchmarks/bench_memory.py --workdir /tmp/mem            # full (20 MB + 1 GB)
    python benchmarks/bench_memory.py --workdir /tmp/mem --quick    # 2 MB + 20 MB
Writes ``benchmarks/results/bench_memory.json`` and ``.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import wordfreq

RESULTS = Path(__file__).resolve().parent / "results"
LANGS = ("ru", "uk", "bg", "el", "ar", "fa", "ur", "he", "hi", "bn", "ta", "ja", "zh", "ko")
LANGS += ("en", "de", "fr", "pl", "tr", "vi", "cs", "es", "mk", "sh")
MB = 1 << 20


def _sentences(seed: int) -> Any:
    rng = random.Random(seed)
    vocab = {lang: wordfreq.top_n_list(lang, 5000) for lang in LANGS}
    while True:
        words = vocab[rng.choice(LANGS)]
        yield " ".join(rng.choices(words, k=rng.randint(5, 30)))


def make_line(path: Path, n_bytes: int) -> None:
    parts, size = [], 0
    for sentence in _sentences(1):
        chunk = (sentence + ". ").encode()
        parts.append(chunk)
        size += len(chunk)
        if size >= n_bytes:
            break
    path.write_bytes(b"".join(parts)[:n_bytes].decode("utf-8", "ignore").encode() + b"\n")


def make_file(path: Path, n_bytes: int) -> None:
    size = 0
    with path.open("wb") as out:
        block: list[bytes] = []
        for sentence in _sentences(2):
            line = (sentence + "\n").encode()
            block.append(line)
            size += len(line)
            if len(block) == 10000 or size >= n_bytes:
                out.write(b"".join(block))
                block = []
            if size >= n_bytes:
                break


def prefix(src: Path, dst: Path, n_bytes: int, whole_lines: bool) -> None:
    data = src.read_bytes()[:n_bytes] if not whole_lines else b""
    if whole_lines:
        with src.open("rb") as f:
            while len(data) < n_bytes and (line := f.readline()):
                data += line
        dst.write_bytes(data)
    else:
        dst.write_bytes(data.decode("utf-8", "ignore").encode() + b"\n")


# Linux keeps a process's peak RSS across fork+exec, so the command is started by a small
# launcher (not by this process, whose own peak would leak into the child's figure).
_LAUNCH = """
import os, sys, time
start = time.perf_counter()
pid = os.posix_spawn(sys.argv[1], sys.argv[1:], os.environ)
_, status, usage = os.wait4(pid, 0)
print(os.waitstatus_to_exitcode(status), usage.ru_maxrss, time.perf_counter() - start)
"""


def run(cmd: list[str]) -> dict[str, float]:
    """Wall time and peak RSS (MiB) of one child process."""
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    proc = subprocess.run(
        [sys.executable, "-c", _LAUNCH, *cmd], env=env, capture_output=True, text=True
    )
    code, maxrss_kb, wall = proc.stdout.split()
    if proc.returncode or int(code):
        raise RuntimeError(f"{cmd} failed ({code}): {proc.stderr[-2000:]}")
    return {"seconds": round(float(wall), 2), "peak_rss_mib": round(int(maxrss_kb) / 1024, 1)}


def translit_cmd(src: Path, dst: Path) -> list[str]:
    dst.unlink(missing_ok=True)
    return [sys.executable, "-m", "tokadapt", "romanize", "-i", str(src), "-o", str(dst)]


def uroman_cmd(src: Path, dst: Path) -> list[str]:
    return [sys.executable, "-m", "uroman", "-i", str(src), "-o", str(dst), "--silent"]


def measure_line(work: Path, line_mb: float, slices: tuple[float, ...]) -> dict[str, Any]:
    line = work / f"line-{line_mb:g}mb.txt"
    if not line.exists() or line.stat().st_size < line_mb * MB - 8:
        make_line(line, int(line_mb * MB))
    out = {"input_bytes": line.stat().st_size, "translit": {}, "uroman_slices": []}
    tiny = work / "tiny.txt"
    tiny.write_text("Привет мир\n")
    out["translit_baseline"] = run(translit_cmd(tiny, work / "tiny.out"))
    out["translit"] = run(translit_cmd(line, work / "line.translit.out"))
    for mb in slices:
        part, a, b = work / f"slice-{mb:g}.txt", work / "slice.t.out", work / "slice.u.out"
        prefix(line, part, int(mb * MB), whole_lines=False)
        t, u = run(translit_cmd(part, a)), run(uroman_cmd(part, b))
        same = a.read_bytes() == b.read_bytes()
        out["uroman_slices"].append(
            {"input_bytes": part.stat().st_size, "uroman": u, "translit": t, "identical": same}
        )
    xs = [s["input_bytes"] for s in out["uroman_slices"]]
    ys = [s["uroman"]["peak_rss_mib"] for s in out["uroman_slices"]]
    slope = (ys[-1] - ys[0]) / (xs[-1] - xs[0])
    out["uroman_extrapolated_peak_rss_mib"] = round(ys[-1] + slope * (out["input_bytes"] - xs[-1]))
    out["uroman_mib_per_input_mb"] = round(slope * MB, 1)
    return out


def measure_file(work: Path, file_mb: float, uroman_mb: float) -> dict[str, Any]:
    big = work / f"file-{file_mb:g}mb.txt"
    if not big.exists() or big.stat().st_size < file_mb * MB:
        make_file(big, int(file_mb * MB))
    part, a, b = work / "file-prefix.txt", work / "prefix.t.out", work / "prefix.u.out"
    prefix(big, part, int(uroman_mb * MB), whole_lines=True)
    t_part, u_part = run(translit_cmd(part, a)), run(uroman_cmd(part, b))
    full = run(translit_cmd(big, work / "file.translit.out"))
    ratio = big.stat().st_size / part.stat().st_size
    return {
        "input_bytes": big.stat().st_size,
        "translit": full,
        "prefix": {
            "input_bytes": part.stat().st_size,
            "translit": t_part,
            "uroman": u_part,
            "identical": a.read_bytes() == b.read_bytes(),
        },
        "uroman_extrapolated_seconds": round(u_part["seconds"] * ratio),
    }


def markdown(res: dict[str, Any]) -> str:
    line, file = res["line"], res["file"]
    rows = [
        "| input | tool | peak RSS MiB | seconds | note |",
        "|---|---|---:|---:|---|",
        f"| one line, {line['input_bytes'] / MB:.1f} MB | translit (`tokadapt romanize`) | "
        f"{line['translit']['peak_rss_mib']} | {line['translit']['seconds']} | measured |",
        f"| one line, {line['input_bytes'] / MB:.1f} MB | uroman {res['uroman_version']} | "
        f"~{line['uroman_extrapolated_peak_rss_mib']} | | extrapolated from slices "
        f"({line['uroman_mib_per_input_mb']} MiB per input MB) |",
    ]
    for s in line["uroman_slices"]:
        rows.append(
            f"| one line, {s['input_bytes'] / MB:.2f} MB | translit / uroman | "
            f"{s['translit']['peak_rss_mib']} / {s['uroman']['peak_rss_mib']} | "
            f"{s['translit']['seconds']} / {s['uroman']['seconds']} | "
            f"outputs identical: {s['identical']} |"
        )
    p = file["prefix"]
    rows += [
        f"| {file['input_bytes'] / MB:.0f} MB, many lines | translit | "
        f"{file['translit']['peak_rss_mib']} | {file['translit']['seconds']} | measured |",
        f"| {p['input_bytes'] / MB:.1f} MB prefix | translit / uroman | "
        f"{p['translit']['peak_rss_mib']} / {p['uroman']['peak_rss_mib']} | "
        f"{p['translit']['seconds']} / {p['uroman']['seconds']} | outputs identical: "
        f"{p['identical']}; uroman on the whole file ~{file['uroman_extrapolated_seconds']} s "
        "(extrapolated) |",
    ]
    base = line["translit_baseline"]["peak_rss_mib"]
    ratio = line["translit"]["peak_rss_mib"] * MB / line["input_bytes"]
    extra = (line["translit"]["peak_rss_mib"] - base) * MB / line["input_bytes"]
    return "\n".join(
        [
            "### Peak memory: tokadapt romanize vs uroman",
            "",
            f"Load average at start: {res['loadavg']}. translit's peak on the long line is "
            f"{ratio:.1f}x the line's size with the interpreter and tables ({base} MiB for a "
            f"one-line input), {extra:.1f}x without them.",
            "",
            *rows,
            "",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workdir", type=Path, required=True, help="for the generated inputs")
    parser.add_argument("--line-mb", type=float, default=20.0)
    parser.add_argument("--file-mb", type=float, default=1024.0)
    parser.add_argument("--uroman-mb", type=float, default=1.0)
    parser.add_argument("--quick", action="store_true", help="2 MB line, 20 MB file")
    parser.add_argument(
        "--parts", default="line,file", help="measure only these (others kept from the JSON)"
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.line_mb, args.file_mb, args.uroman_mb = 2.0, 20.0, 0.5
    args.workdir.mkdir(parents=True, exist_ok=True)
    from importlib.metadata import version

    import uroman  # noqa: F401  (fail early if the reference is missing)

    name = "bench_memory" + ("_quick" if args.quick else "")
    old = RESULTS / f"{name}.json"
    res: dict[str, Any] = json.loads(old.read_text()) if old.exists() else {}
    res.update(loadavg=os.getloadavg(), uroman_version=version("uroman"))
    slices = (0.2, 0.4, 0.8) if not args.quick else (0.1, 0.2, 0.4)
    if "line" in args.parts:
        res["line"] = measure_line(args.workdir, args.line_mb, slices)
    if "file" in args.parts:
        res["file"] = measure_file(args.workdir, args.file_mb, args.uroman_mb)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{name}.json").write_text(json.dumps(res, indent=1))
    (RESULTS / f"{name}.md").write_text(markdown(res))
    print(markdown(res))
    return 0


if __name__ == "__main__":
    sys.exit(main())
