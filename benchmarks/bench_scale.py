"""Scale-out measurements: corpus romanization (local vs single stream, Ray 1 vs 2 workers,
memory vs corpus size) and CSLS under ``--max-memory``.

    python benchmarks/scale_corpus.py /tmp/tokadapt-scale/corpus1g --shards 16 --shard-mb 64
    python benchmarks/bench_scale.py --corpus /tmp/tokadapt-scale/corpus1g \
        --scratch /tmp/tokadapt-scale
    python benchmarks/bench_scale.py ... --only bli      # one part: stream, ray, memory, bli

Every timing is a wall-clock run of the real CLI in a fresh process; the load average is
recorded beside each (the development machine is shared). Peak RSS comes from
``/usr/bin/time -f %M`` (largest process of the run). Writes
``benchmarks/results/bench_scale.json`` and ``.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"
ROOT = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1"}


def load() -> float:
    return os.getloadavg()[0]


def timed(cmd: list[str], stdin: Path | None = None) -> dict[str, Any]:
    """Run ``cmd`` under /usr/bin/time: wall seconds, peak RSS (MB), load before/after."""
    before = load()
    start = time.perf_counter()
    with stdin.open("rb") if stdin else open(os.devnull, "rb") as src:
        proc = subprocess.run(
            ["/usr/bin/time", "-f", "%M", *cmd],
            stdin=src,
            capture_output=True,
            env=ENV,
            check=True,
        )
    wall = time.perf_counter() - start
    rss_kb = int(proc.stderr.decode().strip().splitlines()[-1])
    return {
        "seconds": wall,
        "peak_rss_mb": rss_kb / 1024,
        "load_before": before,
        "load_after": load(),
        "stdout": proc.stdout.decode()[-2000:],
    }


def tokadapt(*args: str) -> list[str]:
    return [sys.executable, "-m", "tokadapt", *args]


def fresh(path: Path) -> Path:
    shutil.rmtree(path, ignore_errors=True)
    return path


def bench_stream(corpus: Path, scratch: Path, rounds: int) -> dict[str, Any]:
    """One 64 MB shard: `tokadapt romanize --threads 1` vs `romanize-corpus --workers 1`."""
    shard = sorted(corpus.glob("*.txt"))[0]
    mb = shard.stat().st_size / 1e6
    runs: dict[str, list[dict[str, Any]]] = {"romanize": [], "romanize-corpus": []}
    for _ in range(rounds):  # interleaved, best of rounds
        run = timed(
            tokadapt(
                "romanize", "--threads", "1", "-i", str(shard), "-o", os.devnull, "--overwrite"
            )
        )
        runs["romanize"].append(run | {"stdout": ""})
        out = fresh(scratch / "stream-out")
        cmd = tokadapt("romanize-corpus", str(shard), "-o", str(out), "--workers", "1", "--json")
        runs["romanize-corpus"].append(timed(cmd))
    best = {k: min(r["seconds"] for r in v) for k, v in runs.items()}
    return {
        "shard_mb": mb,
        "runs": runs,
        "best_mb_per_s": {k: mb / s for k, s in best.items()},
        "corpus_vs_stream": best["romanize"] / best["romanize-corpus"],
    }


def bench_ray(corpus: Path, scratch: Path) -> dict[str, Any]:
    """The whole corpus with Ray, 1 worker then 2 workers (a fresh local cluster each)."""
    mb = sum(p.stat().st_size for p in corpus.glob("*.txt")) / 1e6
    out: dict[str, Any] = {"corpus_mb": mb}
    for workers in (1, 2):
        target = fresh(scratch / f"ray-out-{workers}")
        cmd = tokadapt(
            "romanize-corpus",
            str(corpus),
            "-o",
            str(target),
            "--engine",
            "ray",
            "--workers",
            str(workers),
            "--json",
        )
        run = timed(cmd)
        summary = json.loads(run["stdout"])
        out[f"workers_{workers}"] = run | {
            "engine_seconds": summary["seconds"],
            "mb_per_s": summary["mb_per_s"],
        }
        shutil.rmtree(target, ignore_errors=True)
    out["speedup_wall"] = out["workers_1"]["seconds"] / out["workers_2"]["seconds"]
    out["speedup_engine"] = out["workers_1"]["engine_seconds"] / out["workers_2"]["engine_seconds"]
    return out


def bench_memory(corpus: Path, scratch: Path) -> dict[str, Any]:
    """Peak RSS of `romanize-corpus --workers 1` over 1, 2 and 4 shards (64 .. 256 MB)."""
    shards = sorted(corpus.glob("*.txt"))
    out = {}
    for n in (1, 2, 4):
        target = fresh(scratch / "mem-out")
        links = fresh(scratch / f"mem-in-{n}")
        links.mkdir()
        for s in shards[:n]:
            (links / s.name).symlink_to(s)
        run = timed(tokadapt("romanize-corpus", str(links), "-o", str(target), "--workers", "1"))
        out[f"{n}_shards"] = run | {"input_mb": sum(s.stat().st_size for s in shards[:n]) / 1e6}
    return out


def bench_bli(n: int, d: int, budget: str, full: int) -> dict[str, Any]:
    """CSLS neighbourhood terms + top-10 for 1,000 queries on n x n random vectors."""
    code = f"""
import json, time, numpy as np, resource
from tokadapt.eval import budget, scoring, search
rng = np.random.default_rng(0)
def unit(n, s):
    x = np.random.default_rng(s).standard_normal((n, {d}), dtype=np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)
src = unit({n}, 1); tgt = (0.7 * src + 0.3 * unit({n}, 2)).astype(np.float32)
tgt /= np.linalg.norm(tgt, axis=1, keepdims=True)
q = np.sort(rng.choice({n}, 1000, replace=False))
res = {{}}
for index in ("exact", "hnsw"):
    t = time.perf_counter()
    with budget.limits("{budget}", index) as scope:
        top = scoring.translate(src, tgt, q, 10, retrieval="csls", backend="torch")
    res[index] = {{"seconds": time.perf_counter() - t, "report": dict(scope.report),
                   "top1": top.indices[:, 0].tolist()}}
hn = np.array(res["hnsw"].pop("top1"))
res["hnsw"]["top1_agreement"] = float(np.mean(hn == np.array(res["exact"]["top1"])))
res["exact"].pop("top1")
mem = budget.parse_memory("{budget}")
res["plan_{full}"] = budget.plan_blocks({full}, {full}, 18, 18, mem, 4096, 16384)
res["fixed_gb_{full}"] = budget.fixed_bytes({full}, {full}, 18, 18) / 1e9
print(json.dumps(res))
"""
    run = timed([sys.executable, "-c", code])
    res = json.loads(run["stdout"])
    scale = (full / n) ** 2
    return {
        "n": n,
        "d": d,
        "max_memory": budget,
        "vectors": "random (seeded), not e5",
        "peak_rss_mb": run["peak_rss_mb"],
        "load_before": run["load_before"],
        "load_after": run["load_after"],
        **res,
        "extrapolated_exact_hours_at_full": res["exact"]["seconds"] * scale / 3600,
        "full": full,
    }


def markdown(res: dict[str, Any]) -> str:
    lines = [
        "# bench_scale",
        "",
        f"uname: {os.uname().sysname} {os.uname().machine}, "
        f"{os.cpu_count()} cores, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}",
        "",
    ]
    if "stream" in res:
        s = res["stream"]
        lines += [
            "## local vs single-stream (one 64 MB shard, 1 core)",
            "",
            "| command | best MB/s |",
            "|---|---|",
        ]
        lines += [f"| {k} | {v:.2f} |" for k, v in s["best_mb_per_s"].items()]
        lines += ["", f"romanize-corpus / romanize throughput: {s['corpus_vs_stream']:.3f}", ""]
    if "ray" in res:
        r = res["ray"]
        lines += [
            f"## Ray, {r['corpus_mb']:.0f} MB corpus",
            "",
            "| workers | wall s | engine s | MB/s | load before/after |",
            "|---|---|---|---|---|",
        ]
        for w in (1, 2):
            x = r[f"workers_{w}"]
            lines.append(
                f"| {w} | {x['seconds']:.1f} | {x['engine_seconds']:.1f} | "
                f"{x['mb_per_s']:.2f} | {x['load_before']:.1f}/{x['load_after']:.1f} |"
            )
        lines += [
            "",
            f"speed-up 2 vs 1: wall {r['speedup_wall']:.2f}x, engine {r['speedup_engine']:.2f}x",
            "",
        ]
    if "memory" in res:
        lines += [
            "## peak RSS vs corpus size (local, 1 worker)",
            "",
            "| input MB | peak RSS MB |",
            "|---|---|",
        ]
        lines += [
            f"| {v['input_mb']:.0f} | {v['peak_rss_mb']:.0f} |" for v in res["memory"].values()
        ]
        lines.append("")
    if "bli" in res:
        b = res["bli"]
        lines += [
            f"## CSLS under --max-memory {b['max_memory']} ({b['vectors']})",
            "",
            f"n = {b['n']} x {b['n']}, d = {b['d']}: exact {b['exact']['seconds']:.1f} s, "
            f"HNSW {b['hnsw']['seconds']:.1f} s (recall {b['hnsw']['report']}, top-1 "
            f"agreement {b['hnsw']['top1_agreement']:.3f}); peak RSS {b['peak_rss_mb']:.0f} MB",
            f"; extrapolated exact at {b['full']} x {b['full']}: "
            f"{b['extrapolated_exact_hours_at_full']:.1f} h on this machine",
            "",
        ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--corpus", type=Path, default=Path(tempfile.gettempdir()) / "tokadapt-scale" / "corpus1g"
    )
    parser.add_argument(
        "--scratch", type=Path, default=Path(tempfile.gettempdir()) / "tokadapt-scale"
    )
    parser.add_argument("--only", choices=("stream", "ray", "memory", "bli"), action="append")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--bli-n", type=int, default=100_000)
    parser.add_argument("--bli-d", type=int, default=300)
    parser.add_argument("--max-memory", default="4GB")
    args = parser.parse_args()
    parts = args.only or ["stream", "ray", "memory", "bli"]
    path = RESULTS / "bench_scale.json"
    res: dict[str, Any] = json.loads(path.read_text()) if path.exists() else {}
    if "stream" in parts:
        res["stream"] = bench_stream(args.corpus, args.scratch, args.rounds)
    if "ray" in parts:
        res["ray"] = bench_ray(args.corpus, args.scratch)
    if "memory" in parts:
        res["memory"] = bench_memory(args.corpus, args.scratch)
    if "bli" in parts:
        res["bli"] = bench_bli(args.bli_n, args.bli_d, args.max_memory, 2_500_000)
    res["cores"] = os.cpu_count()
    RESULTS.mkdir(exist_ok=True)
    path.write_text(json.dumps(res, indent=2, sort_keys=True) + "\n")
    (RESULTS / "bench_scale.md").write_text(markdown(res))
    print(markdown(res))


if __name__ == "__main__":
    main()
