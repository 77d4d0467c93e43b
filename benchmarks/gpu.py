"""One prepared GPU benchmark (issue 16): alignment MFU and exact CSLS on the device.

Measures, in one run of a few minutes on one CUDA device:

* ``align``: TCM training steps of an XLM-R-base-sized encoder (random weights, 12 layers,
  hidden 768, vocab 250,002) on real sentence pairs (uroman's multi-script test text and its
  romanization, XLM-R tokenizer): tokadapt's step (length-bucketed batches, bf16 autocast,
  fused AdamW, optional regional ``torch.compile``, no host sync in the loop) beside the
  reference loop (plain HF model padded to 128 + the paper's loss, loss read every step) in
  fp32 and bf16. Tokens/s count real (unpadded) tokens; MFU uses :mod:`tokadapt.align.flops`.
* ``csls``: exact CSLS top-10 of 200k x 50k x 300 on the device vs one exact kNN pass vs a
  plain float32 MUSE-style torch CSLS, checked identical to float64 brute force on a subset.

``--smoke`` runs tiny sizes on CPU (for tests). Writes ``gpu.json`` and ``gpu.md`` to ``--out``.
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
from tokadapt.align.bucketing import LengthBuckets, pad_pairs
from tokadapt.align.loss import pool, tcm_loss
from tokadapt.eval import kernel_device

SIZES = {
    "full": {
        "layers": 12,
        "hidden": 768,
        "heads": 12,
        "vocab": 250002,
        "batch": 64,
        "steps": 20,
        "warm": 3,
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
        "steps": 2,
        "warm": 1,
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


def batches(pairs: list, size: dict[str, int], n: int, bucketed: bool) -> list[dict[str, Any]]:
    """``n`` batches of ``size['batch']`` pairs: bucketed (pad to batch max) or padded to 128."""
    rng = np.random.default_rng(0)
    pool_ = [pairs[i] for i in rng.integers(0, len(pairs), size["batch"] * n)]
    if bucketed:
        order = LengthBuckets([max(len(a), len(b)) for a, b in pool_], size["batch"]).batches()
    else:
        order = [list(range(i, i + size["batch"])) for i in range(0, len(pool_), size["batch"])]
    out = []
    for idx in order[:n]:
        b = pad_pairs([pool_[i][0] for i in idx], [pool_[i][1] for i in idx], pad_id=1)
        if not bucketed:  # the reference pads to max_length
            width = REF_PAD - b["input_ids"].shape[1]
            b = {
                k: torch.nn.functional.pad(v, (0, width), value=1 if k == "input_ids" else 0)
                for k, v in b.items()
            }
        b["lengths"] = b["attention_mask"].sum(1)
        out.append(b)
    return out


def run_loop(
    model: Any, forward: Any, data: list, dev: torch.device, *, bf16: bool, sync_every: bool
) -> tuple[float, float]:
    """Seconds for the batches and the last loss; ``forward(batch) -> loss``."""
    fused = dev.type == "cuda"
    opt = torch.optim.AdamW(model.parameters(), lr=2e-5, fused=fused or None)
    staged = [{k: v.pin_memory() if fused else v for k, v in b.items()} for b in data]
    losses = []
    sync(dev)
    start = time.perf_counter()
    for b in staged:
        batch = {k: v.to(dev, non_blocking=True) for k, v in b.items()}
        with torch.autocast(dev.type, dtype=torch.bfloat16, enabled=bf16):
            loss = forward(batch)
        loss.backward()
        opt.step()
        opt.zero_grad(set_to_none=True)
        losses.append(loss.detach())
        if sync_every:
            float(loss.detach())  # the reference loop logs every step (a host sync)
    sync(dev)
    return time.perf_counter() - start, float(torch.stack(losses)[-1])


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


def bench_align(size: dict[str, int], dev: torch.device, compile_: bool) -> dict[str, Any]:
    from tokadapt.align.config import make_config
    from tokadapt.align.model import AlignModel

    pairs = sentence_pairs()
    layer = min(8, size["layers"])
    name = device_info(dev)["device"]
    results: dict[str, Any] = {"layer": layer, "batch_pairs": size["batch"], "pairs": len(pairs)}
    variants = [
        ("tokadapt_bf16", True, True),
        ("reference_fp32", False, False),
        ("reference_bf16", False, True),
    ]
    if compile_:
        variants.insert(1, ("tokadapt_bf16_compiled", True, True))
    for label, ours, bf16 in variants:
        encoder = make_encoder(size, dev)
        shape = flops.encoder_shape(encoder, layer if ours else None)
        if ours:
            cfg = make_config(layer=layer, precision="bf16" if bf16 else "fp32", mlm="off")
            model: Any = AlignModel(encoder, cfg, use_mlm=False).to(dev)
            forward = lambda b, m=model: m(b)["loss"]  # noqa: E731
            if "compiled" in label:
                try:
                    model.compile_blocks()
                except Exception as exc:
                    results[label + "_compile_error"] = repr(exc)[:300]
        else:
            model, forward = encoder, reference_forward(encoder, layer)
        warm = batches(pairs, size, size["warm"], bucketed=ours)
        data = batches(pairs, size, size["steps"], bucketed=ours)
        t0 = time.perf_counter()
        run_loop(model, forward, warm, dev, bf16=bf16, sync_every=not ours)
        warm_s = time.perf_counter() - t0
        seconds, loss = run_loop(model, forward, data, dev, bf16=bf16, sync_every=not ours)
        lengths = torch.cat([b["lengths"] for b in data])
        work = sum(flops.step_flops(shape, b["lengths"].tolist()) for b in data)
        padded = sum(int(b["input_ids"].numel()) for b in data)
        results[label] = {
            "tokens_per_s": float(lengths.sum()) / seconds,
            "padded_tokens_per_s": padded / seconds,
            "step_s": seconds / len(data),
            "mfu": flops.mfu(work, seconds, name, "bf16" if bf16 else "fp32"),
            "model_tflops_per_s": work / seconds / 1e12,
            "layers_run": shape.layers,
            "warmup_s": warm_s,
            "last_loss": loss,
        }
        del model, encoder
        if dev.type == "cuda":
            torch.cuda.empty_cache()
    best = max(
        (v for k, v in results.items() if k.startswith("tokadapt") and isinstance(v, dict)),
        key=lambda v: v["tokens_per_s"],
    )
    results["mfu"], results["tokens_per_s"] = best["mfu"], best["tokens_per_s"]
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


def write(out: Path, result: dict[str, Any]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    a, c = result["align"], result["csls"]
    lines = [
        f"# GPU benchmark ({result['info']['device']})",
        "",
        f"torch {result['info']['torch']}, CUDA {result['info']['cuda']}, smoke={result['smoke']}",
        "",
        "## Alignment (XLM-R-base-sized encoder, random weights, real sentence pairs)",
        "",
        "| loop | tokens/s (real) | MFU | step s | layers |",
        "|---|---|---|---|---|",
    ]
    for key, v in a.items():
        if isinstance(v, dict):
            mfu = "n/a" if v["mfu"] is None else f"{100 * v['mfu']:.1f} %"
            lines.append(
                f"| {key} | {v['tokens_per_s']:.0f} | {mfu} | {v['step_s']:.4f} "
                f"| {v['layers_run']} |"
            )
    lines += [
        "",
        f"## Exact CSLS {' x '.join(map(str, c['shape']))}",
        "",
        f"- exact CSLS on the device: {c['seconds']:.3f} s",
        f"- one exact kNN pass: {c['knn_seconds']:.3f} s (ratio {c['csls_over_knn_ratio']:.2f})",
        f"- plain float32 MUSE-style CSLS: {c['muse_float32_seconds']:.3f} s",
        f"- identical to float64 brute force on {c['checked_rows']} rows: "
        f"{c['identical_to_brute_force']}",
        "",
    ]
    for name, text in (("gpu.json", json.dumps(result, indent=2)), ("gpu.md", "\n".join(lines))):
        tmp = out / (name + ".tmp")
        tmp.write_text(text + "\n", encoding="utf-8")
        tmp.replace(out / name)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=Path(__file__).parent / "results")
    ap.add_argument("--smoke", action="store_true", help="tiny sizes (CPU is fine)")
    ap.add_argument("--no-compile", action="store_true", help="skip the torch.compile variant")
    ap.add_argument("--skip", choices=["align", "csls"], action="append", default=[])
    args = ap.parse_args(argv)
    dev = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if dev.type != "cuda" and not args.smoke:
        ap.error("no CUDA device: run on a GPU machine, or pass --smoke for tiny CPU sizes")
    size = SIZES["smoke" if args.smoke else "full"]
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
