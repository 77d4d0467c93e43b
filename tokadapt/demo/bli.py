"""Demo stage: English->xx BLI on the CLDR lexicon with e5's static vectors, original-script
vs romanized targets, NN vs CSLS, with and without a Procrustes mapping; the script-barrier
diagnostic; and original->romanized sentence retrieval on uroman's multi-script test text
(installed with ``uroman``)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from tokadapt.demo import DemoContext

TITLE = "Bilingual lexicon induction on CLDR (original vs romanized)"
ORDER = 40
LOCALES = ("ru", "el", "he", "ar", "hi", "ka", "hy", "th", "ko", "ja")


def _e5(ctx: DemoContext) -> Path:
    given = ctx.state.get("e5_dir")
    if given and (Path(given) / "config.json").is_file():
        return Path(given)
    from tokadapt.models.e5 import export_e5

    ctx.say("exporting multilingual-e5-small ...")
    path = export_e5(ctx.out / "e5", overwrite=True)
    ctx.state["e5_dir"] = path
    return path


def _table(ctx: DemoContext, results: dict[str, Any]) -> None:
    cols = ["none/nn", "none/csls", "procrustes/nn", "procrustes/csls"]
    ctx.say(
        f"{'':8}{'pairs':>6}  " + "  ".join(f"{c:>15}" for c in cols) + "   (P@1 %, orig -> rom)"
    )
    for loc, row in results.items():
        cells = "  ".join(f"{row['orig'][c]:>6.1f} -> {row['rom'][c]:>5.1f}" for c in cols)
        ctx.say(f"en-{loc:<5}{row['pairs']:>6}  {cells}")


def _sentences(ctx: DemoContext, e5: Path) -> dict[str, Any]:
    from tokadapt.data.resources import uroman_sentences
    from tokadapt.eval.encode import encode_texts, load_encoder
    from tokadapt.eval.retrieval import top_k_accuracy
    from tokadapt.eval.signature import signature
    from translit import Romanizer

    pairs = [(t, Romanizer(lc).romanize(t)) for lc, t in uroman_sentences()]
    pairs = [(t, r) for t, r in pairs if t != r]
    texts, roms = [t for t, _ in pairs], [r for _, r in pairs]
    model, tok = load_encoder(e5, device="cpu")
    out: dict[str, Any] = {"texts": len(texts)}
    for layer in (8, -1):
        a = encode_texts(model, tok, texts, layer=layer, batch_size=16)
        b = encode_texts(model, tok, roms, layer=layer, batch_size=16)
        out[f"layer {layer}"] = top_k_accuracy(a, b, ks=(1, 10))
    fields = {"text": "uroman-mini-test", "layers": [8, -1], "scoring": "cosine", "n": len(texts)}
    out["signature"] = signature("retrieval", fields)
    return out


def run(ctx: DemoContext) -> dict[str, Any]:
    from tokadapt.bli.barrier import script_barrier
    from tokadapt.bli.cldr_eval import cldr_bli, cldr_signature

    e5 = _e5(ctx)
    start = time.perf_counter()
    locales = LOCALES[:4] if ctx.quick else LOCALES
    results: dict[str, Any] = {"cldr": cldr_bli(e5, locales)}
    ctx.say(
        f"CLDR names via babel, e5 static vectors (subword mean), test half per locale "
        f"({time.perf_counter() - start:.1f} s):"
    )
    _table(ctx, results["cldr"])
    results["cldr_signature"] = cldr_signature(locales)
    ctx.say(results["cldr_signature"])
    adapted = ctx.state.get("e5_adapted")
    if adapted and (Path(adapted) / "config.json").is_file():
        results["cldr_transmi"] = cldr_bli(adapted, locales)
        ctx.say("after TransMI vocabulary extension + initialization (the embeddings stage):")
        _table(ctx, results["cldr_transmi"])
    barrier = script_barrier(
        e5,
        per_script=300 if ctx.quick else 1000,
        scripts=["Cyrl", "Grek", "Arab", "Deva", "Hebr"],
    )
    results["script_barrier"] = barrier
    ctx.say(barrier["signature"])
    ctx.say(
        "script barrier (piece -> its romanized twin, NN P@1 %): "
        + ", ".join(
            f"{s.lower()} {r['nn:orig->rom']['p@1']:.1f}" for s, r in barrier["scripts"].items()
        )
    )
    results["sentences"] = _sentences(ctx, e5)
    ctx.say(
        f"uroman's multi-script test text, {results['sentences']['texts']} sentences -> their "
        "romanizations, top-1: "
        + ", ".join(
            f"{k} {100 * v['top1']:.1f}%"
            for k, v in results["sentences"].items()
            if k.startswith("layer")
        )
    )
    ctx.say(results["sentences"]["signature"])
    (ctx.out / "bli.json").write_text(
        __import__("json").dumps(results, indent=2, ensure_ascii=False)
    )
    return results
