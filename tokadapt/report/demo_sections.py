"""Report sections for ``demo.json`` (``tokadapt demo``) and the signatures/versions section."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from tokadapt.report import figures
from tokadapt.report.artifacts import Artifact
from tokadapt.report.builder import Builder
from tokadapt.report.html import Section, delta, esc, key_values, note, table


def demo_section(b: Builder, art: Artifact) -> Section:
    d: dict[str, Any] = art.data
    out = Section("Demo results", b.anchor("demo"))
    out.add(note(f"{art.path} (accuracies in percent)"))
    fert = d.get("vocab", {}).get("fertility")
    if fert:
        shown = {loc: {"before": r["before"], "after": r["after"]} for loc, r in fert.items()}
        fig = figures.grouped_bars(
            shown,
            ["before", "after"],
            "tokens per word",
            "XLM-R fertility on romanized text, per locale",
        )
        out.add(
            b.figure(
                "demo-fertility",
                fig,
                "Tokens per word on romanized CLDR names "
                "before and after extending the XLM-R tokenizer",
            )
        )
    top1 = d.get("embeddings", {}).get("retrieval_top1")
    if top1:
        out.add("<h3>Retrieval → English after TransMI initialization (top-1 %)</h3>")
        out.add(_columns_table(top1, base_col="romanized (e5)"))
        pcts = {s: {c: 100 * v for c, v in row.items()} for s, row in top1.items()}
        fig = figures.grouped_bars(
            pcts, list(next(iter(top1.values()))), "top-1 (%)", "Retrieval to English per script"
        )
        out.add(b.figure("demo-retrieval", fig, "CLDR names → English, mean-pooled e5"))
    align = d.get("align", {})
    if align.get("before"):
        out.add("<h3>Contrastive alignment (top-1 %, held-apart names)</h3>")
        out.add(_before_after(align["before"], align["after"]))
    cldr = d.get("bli", {}).get("cldr")
    if cldr:
        out.add("<h3>BLI on CLDR names (P@1 %, original script → romanized)</h3>")
        out.add(_bli_table(cldr))
    return out


def _columns_table(rows: dict[str, dict[str, float]], base_col: str) -> str:
    cols = list(next(iter(rows.values())))
    body = []
    for name, row in rows.items():
        cells = [esc(name)]
        for c in cols:
            change = delta(100 * (row[c] - row[base_col]), 1) if c != base_col else ""
            cells.append(f"{100 * row[c]:.1f} {change if c.startswith('romanized') else ''}")
        body.append(cells)
    return table(["script", *cols], body, raw=True) + f'<p class="note">Δ against {base_col}</p>'


_BEFORE_AFTER = {
    "rom": "original ↔ romanized",
    "rom_en": "romanized ↔ English",
    "en": "English ↔ original",
}


def _before_after(before: dict[str, Any], after: dict[str, Any]) -> str:
    # columns the results carry (older results have no romanized ↔ English)
    keys = [k for k in _BEFORE_AFTER if all(k in row for row in before.values())]
    body = []
    for lang, b in before.items():
        a = after[lang]
        body.append(
            [esc(lang), str(b.get("n", ""))]
            + [f"{100 * b[k]:.1f} → {100 * a[k]:.1f} {delta(100 * (a[k] - b[k]), 1)}" for k in keys]
        )
    return table(["language", "n", *(_BEFORE_AFTER[k] for k in keys)], body, raw=True)


def _bli_table(cldr: dict[str, Any]) -> str:
    cols = ["none/nn", "none/csls", "procrustes/nn", "procrustes/csls"]
    body = []
    for loc, row in cldr.items():
        cells = [f"{row['orig'][c]:.1f} → {row['rom'][c]:.1f}" for c in cols]
        body.append([esc(loc), str(row.get("pairs", "")), *cells])
    return table(["locale", "pairs", *cols], body, raw=True)


def _signatures(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "signature" and isinstance(item, str):
                yield item
            else:
                yield from _signatures(item)
    elif isinstance(value, list) and len(value) < 1000:
        for item in value:
            yield from _signatures(item)


def provenance_section(b: Builder, arts: Sequence[Artifact]) -> Section:
    """Every reproducibility signature found, romanizer facts and this report's versions."""
    from tokadapt.eval.signature import versions

    out = Section("Signatures and versions", b.anchor("versions"))
    sigs = sorted({s for art in arts if art.kind != "manifest" for s in _signatures(art.data)})
    if sigs:
        out.add(
            "<h3>Signatures</h3><ul>"
            + "".join(f"<li><code>{esc(s)}</code></li>" for s in sigs)
            + "</ul>"
        )
    for art in arts:
        if art.kind == "manifest" and art.data.get("romanizer"):
            out.add(f"<h3>Romanizer of {esc(art.path.parent.name)}</h3>")
            out.add(key_values({k: str(v) for k, v in art.data["romanizer"].items()}))
        if art.kind == "export":
            out.add(f"<h3>Export {esc(art.path.parent.name)}</h3>")
            out.add(key_values({k: str(v) for k, v in art.data.items()}))
    out.add("<h3>Report built with</h3>")
    out.add(key_values(versions()))
    out.add(
        "<h3>Artifacts read</h3>" + table(("kind", "file"), [(a.kind, str(a.path)) for a in arts])
    )
    return out
