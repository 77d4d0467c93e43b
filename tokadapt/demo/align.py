"""Demo stage: a short script-alignment run on the real e5 with ``tokadapt align``'s defaults.

Trains multilingual-e5-small (``ctx.state["e5_dir"]`` from the embeddings stage, else exported
here) on CLDR names (babel) in four scripts, the romanizations made on the fly, with the
settings a user gets without flags: the recipe chosen for the model kind (``distill`` for a
sentence encoder: romanized → the frozen original's vectors of the original, the original side
and English pivot sentences kept in place, a small TCM term; last layer, mean pooling) and
keep-best model selection on a dev split of the training names. Held-apart names (every 5th
CLDR key, never trained on, never used for selection) measure top-1 retrieval original ↔
romanized, romanized ↔ English and English ↔ original before and after, pooled as e5 users pool
(``mean-all``). The training lines are names only: trained as ``name<TAB>English`` lines (the
translation term, the English column as pivots) the held-apart table was no better at this
size (``benchmarks/results/align_sentences_notes.md``).

The data helpers (:mod:`tokadapt.data.heldout`, :mod:`tokadapt.eval.heldout`) are shared with
``benchmarks/align_effect.py``.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from tokadapt.data.heldout import cldr_splits, write_dev, write_train
from tokadapt.data.locales import iso639_3
from tokadapt.demo import DemoContext
from tokadapt.eval.heldout import retrieval
from tokadapt.eval.signature import signature

TITLE = "Script alignment on e5 (tokadapt align defaults)"
ORDER = 50
POOLING = "mean-all"  # as e5 users pool: every attended token (sentence-transformers)
LOCALES = {loc: iso639_3(loc) for loc in ("ru", "el", "hi", "ka")}


def _mean(table: dict[str, Any], key: str) -> float:
    vals = [r[key] for r in table.values() if key in r]
    return round(sum(vals) / len(vals), 4) if vals else float("nan")


def run(ctx: DemoContext) -> dict[str, Any]:
    import torch

    threads = torch.get_num_threads()
    if os.getloadavg()[0] >= (os.cpu_count() or 1):  # a busy machine: avoid oversubscription
        torch.set_num_threads(1)
    try:
        return _run(ctx)
    finally:
        torch.set_num_threads(threads)


def _run(ctx: DemoContext) -> dict[str, Any]:
    from tokadapt.align import make_config, train

    e5_dir = ctx.state.get("e5_dir")
    if not e5_dir:
        from tokadapt.models.e5 import export_e5

        e5_dir = export_e5(ctx.out / "e5", overwrite=True)
        ctx.state["e5_dir"] = e5_dir
    steps = 6 if ctx.quick else 12
    train_lines, dev, held = cldr_splits(LOCALES, limit=40 if ctx.quick else 60)
    specs = write_train(train_lines, LOCALES, ctx.out / "align-data")
    dev_specs = write_dev({k: v[:40] for k, v in dev.items()}, LOCALES, ctx.out / "align-data")
    ctx.say(
        f"aligning e5 with the defaults of 'tokadapt align' for {steps} steps of 16 pairs on "
        f"{sum(map(len, train_lines.values()))} CLDR names in {len(LOCALES)} scripts "
        f"(keep-best on 40 dev names per language); evaluating on {len(held[0].texts)} "
        "held-apart names per language"
    )
    before = retrieval(Path(e5_dir), held, pooling=POOLING)
    cfg = make_config(
        steps=steps, batch_size=16, warmup_steps=2, max_length=32, log_every=1, eval_every=3
    )
    start = time.perf_counter()
    result = train(
        e5_dir, specs, ctx.out / "e5-aligned", cfg, eval=dev_specs, overwrite=True,
        show_progress=False,
    )  # fmt: skip
    seconds = time.perf_counter() - start
    after = retrieval(ctx.out / "e5-aligned", held, pooling=POOLING)
    ctx.state["e5_aligned"] = ctx.out / "e5-aligned"
    ctx.say(f"recipe: {result['recipe']}")
    ctx.say(
        f"loss {result['first_loss']:.4f} -> {result['last_loss']:.4f} ({result['steps']} "
        f"steps, {seconds:.0f} s); kept step {result['best_step']} (best on dev)"
    )
    keys = ("rom", "rom_en", "en")
    ctx.say(
        "top-1 retrieval on held-apart names  orig<->romanized  romanized<->English  English<->orig"
    )
    for lang in before:
        b, a = before[lang], after[lang]
        cells = "    ".join(f"{b[k]:.3f} -> {a[k]:.3f}" for k in keys)
        ctx.say(f"  {lang:<4} ({b['n']} names)                 {cells}")
    means = {k: (_mean(before, k), _mean(after, k)) for k in keys}
    cells = "    ".join(f"{means[k][0]:.3f} -> {means[k][1]:.3f}" for k in keys)
    ctx.say(f"  mean                             {cells}")
    fields = {
        "text": "cldr-heldout",
        "locales": list(LOCALES),
        "layer": -1,
        "pooling": POOLING,
        "scoring": "cosine",
    }
    sig = signature("align-retrieval", fields)
    ctx.say(sig)
    return {
        "signature": sig,
        "steps": result["steps"],
        "recipe": result["recipe"],
        "best_step": result["best_step"],
        "seconds": round(seconds, 1),
        "loss_first": result["first_loss"],
        "loss_last": result["last_loss"],
        "before": before,
        "after": after,
        "mean": means,
    }
