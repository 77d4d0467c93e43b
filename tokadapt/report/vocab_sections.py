"""Report sections for ``extend-vocab`` (manifest) and ``init-embeddings`` (init report)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from tokadapt.report import figures
from tokadapt.report.artifacts import Artifact
from tokadapt.report.builder import Builder
from tokadapt.report.fertility import base_tokenizer_file, cldr_samples, fertility, source_scripts
from tokadapt.report.html import Section, delta, key_values, note, table

log = logging.getLogger(__name__)

_COUNT_KEYS = (
    "pieces", "romanized", "changed", "existing", "new_pieces", "collisions",
    "collided_sources", "empty", "space", "not_latin", "unreachable", "bpe_intermediates",
    "capped",
)  # fmt: skip


def manifest_section(b: Builder, art: Artifact) -> Section:
    m: dict[str, Any] = art.data
    out = Section(f"Tokenizer extension: {art.path.parent.name}", b.anchor("vocab"))
    counts = m.get("counts", {})
    out.add(note(f"{art.path} — family {m.get('family')}, merge mode {m.get('mode')}"))
    facts = {"base vocabulary": m.get("base_vocab_size"), "new pieces": len(m["new_pieces"])}
    facts["vocabulary after"] = int(m.get("base_vocab_size", 0)) + len(m["new_pieces"])
    out.add(key_values({**facts, **{k: counts[k] for k in _COUNT_KEYS if k in counts}}))
    base = base_tokenizer_file(m)
    extended = art.path.parent / "tokenizer.json"
    if base is None or not extended.is_file():
        out.add(
            note(
                "fertility and provenance by script need the original tokenizer "
                f"({m.get('input', {}).get('path')}), which is no longer there"
            )
        )
    else:
        _fertility(b, out, base, extended)
        scripts = source_scripts(base, m)
        fig = figures.counts_bars(scripts, "new pieces", "New pieces by script of their source")
        out.add(
            b.figure(
                "provenance",
                fig,
                "Where the new pieces came from: the script of the "
                "original piece whose romanization each new piece is",
            )
        )
    kinds: dict[str, float] = {}
    for row in m["new_pieces"]:
        kinds[row.get("kind", "romanized")] = kinds.get(row.get("kind", "romanized"), 0) + 1
    out.add(table(("kind of new piece", "count"), sorted(kinds.items())))
    if m["new_pieces"]:
        fig = figures.sources_histogram(m["new_pieces"])
        out.add(
            b.figure(
                "collisions",
                fig,
                "Collisions: several original pieces with the same "
                "romanization become one new piece (score merged by the mode)",
            )
        )
    return out


def _fertility(b: Builder, out: Section, base: Path, extended: Path) -> None:
    samples = cldr_samples()
    if not samples:
        out.add(note("fertility per script needs babel: pip install 'tokadapt[data]'"))
        return
    rows = fertility(base, extended, samples)
    series = {"original script": "original", "romanized, before": "before"}
    series["romanized, after"] = "after"
    shown = {s: {k: r[v] for k, v in series.items()} for s, r in rows.items()}
    fig = figures.grouped_bars(shown, list(series), "tokens per word", "Fertility per script")
    out.add(
        b.figure(
            "fertility",
            fig,
            "Tokens per word on CLDR territory and language names "
            "(babel), romanized with translit, before and after the extension",
        )
    )
    body = [
        (
            s,
            int(r["texts"]),
            f"{r['original']:.2f}",
            f"{r['before']:.2f}",
            f"{r['after']:.2f}",
            delta(r["after"] - r["before"], lower_is_better=True),
        )
        for s, r in rows.items()
    ]
    out.add(table(("script", "texts", "original", "before", "after", "Δ"), body, raw=True))


def init_section(b: Builder, art: Artifact) -> Section:
    r: dict[str, Any] = art.data
    out = Section(f"Embedding initialization: {art.path.parent.name}", b.anchor("init"))
    out.add(note(f"{art.path} — strategy {r.get('strategy')} (seed {r.get('seed')})"))
    counts = {k: float(v) for k, v in r.get("counts", {}).items()}
    if counts:
        fig = figures.counts_bars(counts, "new rows", f"How new rows were made ({r['strategy']})")
        out.add(b.figure("init-strategy", fig, "Initialization of the new embedding rows"))
    tensors = r.get("tensors", {})
    facts = {
        "model": r.get("model"),
        "tokenizer": r.get("tokenizer"),
        "new pieces": r.get("new_pieces"),
        "embedding rows": f"{r.get('rows_before')} → {r.get('rows_after')}",
        "unused padding rows reinitialized": r.get("reused_padding_rows"),
        "input tensors": ", ".join(tensors.get("input", [])),
        "output tensors": ", ".join(tensors.get("output", [])) or "tied",
        "MLM bias": ", ".join(tensors.get("bias", [])) or "none",
        **{f"time {k} (s)": v for k, v in r.get("seconds", {}).items()},
    }
    out.add(key_values(facts))
    return out
