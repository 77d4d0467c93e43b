"""Embedding initialization on the real multilingual-e5-small: speed, memory, quality.

One run, side by side:

* **speed and peak memory** of ``tokadapt init-embeddings`` on the exported e5 checkpoint
  (250,037 x 384 rows) for the extended XLM-R tokenizer (~106k new pieces), per strategy, each in
  a fresh process (peak RSS = the child's ``ru_maxrss``), with the time per stage; against the
  anchor way with ``transformers`` from PyPI: ``AutoModel.from_pretrained`` +
  ``resize_token_embeddings`` + assigning the same new rows + ``save_pretrained``. Both outputs'
  embedding matrices are compared (they must be equal);
* **quality**: top-1 sentence retrieval of romanized text with mean-pooled embeddings, the
  original e5 vs each adapted model, per script: CLDR territory names (romanized -> English)
  and, when ``../shared/data/udhr_article1.tsv`` (or ``$TOKADAPT_UDHR``) is present, UDHR
  Article 1 (romanized -> original script, pooled over the ~120 non-Latin varieties).

Both speed clocks start after all imports, right before the first file is read.

Writes ``benchmarks/results/bench_init_embeddings.json`` (with ``tokadapt.environment``) and
``.md``. ``--quick`` uses fewer strategies and names.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT.parent))
RESULTS = ROOT / "results"
UDHR = Path(
    os.environ.get("TOKADAPT_UDHR", ROOT.parent.parent / "shared" / "data" / "udhr_article1.tsv")
)
STRATEGIES = ("transmi", "transmi-mean", "transmi-softmax", "subword-mean", "random", "mvn")


def _peak_mb() -> float:
    """This process's peak RSS. ``VmHWM`` belongs to the address space, which ``exec`` makes
    fresh; ``ru_maxrss`` would also count the parent's RSS at ``fork`` time on Linux."""
    status = Path("/proc/self/status")
    if status.is_file():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child_ours(model: str, tokenizer: str, out: str, strategy: str) -> dict[str, Any]:
    """Both clocks start after every import (ours: tokadapt and the lazily imported tokenizers;
    transformers': torch and transformers), right before the first file is read."""
    import tokenizers  # noqa: F401  (imported lazily by load_tokenizer; not timed)

    from tokadapt.embeddings.initialize import init_embeddings

    start = time.perf_counter()
    report = init_embeddings(model, tokenizer, out, strategy=strategy, overwrite=True)
    return {
        "seconds": time.perf_counter() - start,
        "stages": report["seconds"],
        "peak_mb": _peak_mb(),
        "counts": report["counts"],
    }


def child_hf(model: str, rows_from: str, out: str) -> dict[str, Any]:
    """The transformers way, given the same new rows (taken from our output, not timed)."""
    import torch
    from safetensors import safe_open
    from transformers import AutoModel

    with safe_open(str(Path(rows_from) / "model.safetensors"), "np") as f:
        target = f.get_tensor("embeddings.word_embeddings.weight")
    base = json.loads((Path(model) / "tokadapt_export.json").read_text())["pieces"]
    new_rows = np.ascontiguousarray(target[base:]).copy()
    total = target.shape[0]
    del target
    start = time.perf_counter()
    hf = AutoModel.from_pretrained(model)
    hf.resize_token_embeddings(total)
    with torch.no_grad():
        hf.get_input_embeddings().weight[base:] = torch.from_numpy(new_rows)
    hf.save_pretrained(out)
    return {"seconds": time.perf_counter() - start, "peak_mb": _peak_mb()}


def _spawn(kind: str, *args: str) -> dict[str, Any]:
    cmd = [sys.executable, __file__, "--child", kind, *args]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"{kind} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _same_embeddings(a: Path, b: Path) -> bool:
    from safetensors import safe_open

    with (
        safe_open(str(a / "model.safetensors"), "np") as fa,
        safe_open(str(b / "model.safetensors"), "np") as fb,
    ):
        name = "embeddings.word_embeddings.weight"
        return bool(np.array_equal(fa.get_tensor(name), fb.get_tensor(name)))


def udhr_set() -> Any:
    """UDHR Article 1, non-Latin varieties: romanized text must retrieve its original."""
    from tokadapt.eval.quality import ParallelSet, romanized_set

    with UDHR.open(encoding="utf-8") as handle:
        rows = [
            r
            for r in csv.DictReader(handle, delimiter="\t")
            if r["script"].upper() not in ("LATIN", "LATN") and r["text"].strip()
        ]
    parallel = romanized_set("UDHR", ((r["code"], r["text"]) for r in rows))
    scripts = {r["code"]: r["script"] for r in rows}
    return ParallelSet("UDHR", parallel.english, parallel.original, parallel.romanized), scripts


def udhr_table(
    models: dict[str, Path], e5_dir: Path
) -> tuple[dict[str, dict[str, float]], dict[str, int]]:
    """Per script: top-1 of romanized -> original-script paragraph, pooled over all varieties."""
    from tokadapt.eval.encode import load_encoder
    from tokadapt.eval.quality import encode_all

    pset, scripts = udhr_set()
    by_script: dict[str, list[int]] = {}
    for i, code in enumerate(pset.english):
        by_script.setdefault(scripts[code], []).append(i)
    table: dict[str, dict[str, float]] = {s: {} for s in sorted(by_script)}
    for label, path in {"e5": e5_dir, **models}.items():
        model, tok = load_encoder(path, device="cpu")
        vec = encode_all(model, tok, pset.original + pset.romanized)
        src = np.stack([vec[t] for t in pset.romanized])
        tgt = np.stack([vec[t] for t in pset.original])
        src /= np.linalg.norm(src, axis=1, keepdims=True)
        tgt /= np.linalg.norm(tgt, axis=1, keepdims=True)
        hit = (src @ tgt.T).argmax(axis=1) == np.arange(len(src))
        for script, idx in by_script.items():
            table[script][f"romanized ({label})"] = float(hit[idx].mean())
    return table, {s: len(idx) for s, idx in by_script.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument(
        "--threads",
        type=int,
        default=1,
        help="torch threads for the retrieval encodings (1: robust on a "
        "shared machine, where spinning intra-op threads slow down 5x)",
    )
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    parser.add_argument(
        "--render",
        action="store_true",
        help="only re-render the markdown from the last JSON result",
    )
    args = parser.parse_args()
    if args.render:
        from tokadapt.eval.quality import markdown

        res = json.loads((RESULTS / "bench_init_embeddings.json").read_text())
        (RESULTS / "bench_init_embeddings.md").write_text(report(res, markdown))
        return 0
    if args.child:
        kind, *rest = args.child
        result = child_ours(*rest) if kind == "ours" else child_hf(*rest)
        print(json.dumps(result))
        return 0
    import torch

    torch.set_num_threads(args.threads)
    return run(args.quick)


def run(quick: bool) -> int:
    from tokadapt.environment import collect
    from tokadapt.eval.quality import cldr_sets, markdown, quality_signature, retrieval_table
    from tokadapt.models.e5 import export_e5
    from tokadapt.vocab import extend_vocab

    strategies = (*STRATEGIES[:2], "random") if quick else STRATEGIES
    res: dict[str, Any] = {
        "environment": collect(),
        "speed": {},
        "quality": {},
        "loadavg_at_start": os.getloadavg(),
    }
    with tempfile.TemporaryDirectory(prefix="bench-init-") as tmp_name:
        tmp = Path(tmp_name)
        start = time.perf_counter()
        e5 = export_e5(tmp / "e5")
        res["export_e5_s"] = time.perf_counter() - start
        start = time.perf_counter()
        ext = extend_vocab(e5, tmp / "ext").out_dir
        res["extend_vocab_s"] = time.perf_counter() - start
        res["checkpoint_mb"] = (e5 / "model.safetensors").stat().st_size / 2**20
        adapted: dict[str, Path] = {}
        for strategy in strategies:
            out = tmp / f"adapted-{strategy}"
            res["speed"][strategy] = _spawn("ours", str(e5), str(ext), str(out), strategy)
            adapted[strategy] = out
            print(f"{strategy}: {res['speed'][strategy]}", flush=True)
        hf_out = tmp / "hf"
        res["speed"]["transformers resize+save"] = _spawn(
            "hf", str(e5), str(adapted["transmi"]), str(hf_out)
        )
        res["hf_equal_to_ours"] = _same_embeddings(hf_out, adapted["transmi"])
        shutil.rmtree(hf_out)
        sets = cldr_sets(limit=60 if quick else 100)
        res["quality"]["cldr"] = retrieval_table(e5, adapted, sets)
        res["quality_signature"] = quality_signature(sets)
        res["cldr_sizes"] = {s.name: len(s.english) for s in sets}
        if UDHR.is_file():
            res["quality"]["udhr"], res["udhr_sizes"] = udhr_table(adapted, e5)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "bench_init_embeddings.json").write_text(
        json.dumps(res, indent=2, default=str) + "\n"
    )
    text = report(res, markdown)
    (RESULTS / "bench_init_embeddings.md").write_text(text)
    print(text)
    return 0


def report(res: dict[str, Any], markdown: Any) -> str:
    ck = res["checkpoint_mb"]
    lines = [
        "# init-embeddings on multilingual-e5-small",
        "",
        f"export e5: {res['export_e5_s']:.1f} s; extend-vocab (TransMI, max): "
        f"{res['extend_vocab_s']:.1f} s; checkpoint {ck:.0f} MiB; transformers output equal "
        f"to ours: {res['hf_equal_to_ours']}",
        "",
        "| method | total s | read+plan s | initialize s | write s | peak MiB | peak / ckpt |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, r in res["speed"].items():
        st = r.get("stages", {})
        cells = [
            f"{st[k]:.1f}" if k in st else "" for k in ("read_and_plan", "initialize", "write")
        ]
        lines.append(
            f"| {name} | {r['seconds']:.1f} | "
            + " | ".join(cells)
            + f" | {r['peak_mb']:.0f} | {r['peak_mb'] / ck:.2f} |"
        )
    lines += [
        "",
        "## Retrieval top-1, CLDR territory names, romanized -> English",
        "",
        markdown(res["quality"]["cldr"], res["cldr_sizes"]),
    ]
    if "udhr" in res["quality"]:
        lines += [
            "",
            "## Retrieval top-1, UDHR Article 1, romanized -> original script "
            "(pooled over all non-Latin varieties, reported per script)",
            "",
            markdown(res["quality"]["udhr"], res["udhr_sizes"]),
        ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    raise SystemExit(main())
