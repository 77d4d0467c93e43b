"""Demo stage: a short contrastive script-alignment (TCM) run on the real e5, before/after.

Trains multilingual-e5-small (``ctx.state["e5_dir"]`` from the embeddings stage, else exported
here) with the ``cosine`` preset at its output layer on CLDR names (babel) in four scripts, the
romanizations made on the fly. Held-apart names (every 5th CLDR key, never trained on) measure
top-1 retrieval original ↔ romanized and English ↔ original before and after.

The data helpers are shared with ``benchmarks/align_effect.py``.
"""

from __future__ import annotations

import os
import time
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tokadapt.demo import DemoContext

TITLE = "Contrastive script alignment (TCM) on e5"
ORDER = 50
LOCALES = {"ru": "rus", "el": "ell", "hi": "hin", "ka": "kat"}


@dataclass
class HeldOut:
    """Held-apart evaluation text of one language: originals, romanizations, English."""

    name: str
    texts: list[str]
    romanized: list[str]
    english: list[str] | None = None


def held_apart(key: str, every: int = 5) -> bool:
    return zlib.crc32(key.encode("utf-8")) % every == 0


def cldr_split(
    locales: dict[str, str],
    limit: int | None = None,
) -> tuple[dict[str, list[str]], list[HeldOut]]:
    """CLDR territory + language names: ``({lang: train lines}, [held-out sets])``.

    A name is held apart by its CLDR key (the same keys in every language), so no held-out
    concept is seen in training in any script.
    """
    import babel

    import translit

    english = babel.Locale("en")
    train: dict[str, list[str]] = {}
    held: list[HeldOut] = []
    for lang, code in locales.items():
        loc = babel.Locale(lang)
        rows = []
        for attr in ("territories", "languages"):
            mine, eng = getattr(loc, attr), getattr(english, attr)
            rows += [
                (f"{attr}:{k}", v, eng[k])
                for k, v in sorted(mine.items())
                if k in eng and "_" not in k and v != eng[k]
            ]
        train[lang] = [v for k, v, _ in rows if not held_apart(k)]
        test = [(v, e) for k, v, e in rows if held_apart(k)][:limit]
        roms = translit.make_romanizer("uroman", code, errors="replace").romanize_batch(
            [v for v, _ in test]
        )
        held.append(HeldOut(lang, [v for v, _ in test], roms, [e for _, e in test]))
    return train, held


def write_train(train: dict[str, list[str]], locales: dict[str, str], out: Path) -> list[str]:
    """One file per language; returns the ``FILE:LCODE`` specs."""
    out.mkdir(parents=True, exist_ok=True)
    specs = []
    for lang, lines in train.items():
        path = out / f"{lang}.txt"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        specs.append(f"{path}:{locales[lang]}")
    return specs


def retrieval(model_dir: Path, sets: Sequence[HeldOut], layer: int = -1) -> dict[str, Any]:
    """Top-1 (cosine, both directions averaged) per set: ``rom`` and, with English, ``en``."""
    from tokadapt.retrieval import encode_texts, load_encoder, top_k_accuracy

    model, tok = load_encoder(model_dir, device="cpu")

    def both(a: Any, b: Any) -> float:
        return (top_k_accuracy(a, b, ks=(1,))["top1"] + top_k_accuracy(b, a, ks=(1,))["top1"]) / 2

    out: dict[str, Any] = {}
    for s in sets:
        enc = {
            k: encode_texts(model, tok, v, layer=layer, batch_size=64)
            for k, v in (("o", s.texts), ("r", s.romanized), ("e", s.english or []))
            if v
        }
        row = {"n": len(s.texts), "rom": round(both(enc["o"], enc["r"]), 4)}
        if "e" in enc:
            row["en"] = round(both(enc["o"], enc["e"]), 4)
        out[s.name] = row
    return out


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
    train_lines, held = cldr_split(LOCALES, limit=40 if ctx.quick else 60)
    specs = write_train(train_lines, LOCALES, ctx.out / "align-data")
    ctx.say(
        f"training e5 with TCM (cosine preset, layer 12, T=0.05, TCM only: e5 has no MLM "
        f"head; word embeddings frozen) for {steps} steps of 16 pairs on "
        f"{sum(map(len, train_lines.values()))} "
        f"CLDR names in {len(LOCALES)} scripts; evaluating on {len(held[0].texts)} "
        "held-apart names per language"
    )
    before = retrieval(Path(e5_dir), held)
    cfg = make_config(
        "cosine",
        layer=12,
        steps=steps,
        batch_size=16,
        lr=5e-5,
        warmup_steps=2,
        max_length=32,
        log_every=1,
        freeze_embeddings=True,  # 2 CPU cores: train the 21M transformer weights only
    )
    start = time.perf_counter()
    result = train(e5_dir, specs, ctx.out / "e5-aligned", cfg, overwrite=True, show_progress=False)
    seconds = time.perf_counter() - start
    after = retrieval(ctx.out / "e5-aligned", held)
    ctx.state["e5_aligned"] = ctx.out / "e5-aligned"
    ctx.say(
        f"TCM loss {2 * result['first_loss']:.3f} -> {2 * result['last_loss']:.3f} "
        f"({result['steps']} steps, {seconds:.0f} s)"
    )
    ctx.say("top-1 retrieval on held-apart names   orig<->romanized     English<->orig")
    for lang in before:
        b, a = before[lang], after[lang]
        ctx.say(
            f"  {lang:<4} ({b['n']} names)                  {b['rom']:.3f} -> {a['rom']:.3f}"
            f"       {b['en']:.3f} -> {a['en']:.3f}"
        )
    means = {k: (_mean(before, k), _mean(after, k)) for k in ("rom", "en")}
    ctx.say(
        f"  mean                              {means['rom'][0]:.3f} -> {means['rom'][1]:.3f}"
        f"       {means['en'][0]:.3f} -> {means['en'][1]:.3f}"
    )
    return {
        "steps": result["steps"],
        "seconds": round(seconds, 1),
        "loss_first": result["first_loss"],
        "loss_last": result["last_loss"],
        "before": before,
        "after": after,
        "mean": means,
    }
