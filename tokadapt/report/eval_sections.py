"""Report sections for training (``align`` metrics.jsonl) and evaluation results
(``retrieval``, ``bli``, ``script-barrier`` JSON). Accuracies are shown in percent."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from tokadapt.report import figures
from tokadapt.report.artifacts import Artifact
from tokadapt.report.builder import Builder
from tokadapt.report.html import Section, delta, esc, key_values, note, table


def pct(value: float) -> float:
    """Fractions (0..1, as ``retrieval`` writes them) as percent."""
    return 100.0 * value


def training_section(b: Builder, art: Artifact) -> Section:
    rows: list[dict[str, Any]] = art.data
    out = Section(f"Training: {art.path.parent.name}", b.anchor("align"))
    train = [r for r in rows if r.get("event") == "train"]
    evals = [r for r in rows if r.get("event") == "eval"]
    out.add(note(f"{art.path} — {len(train)} logged steps, {len(evals)} evaluations"))
    if not train:
        out.add(note("no training steps logged yet"))
        return out
    fig = figures.training_curves(rows)
    out.add(
        b.figure(
            "training",
            fig,
            "align: loss terms, temperature, learning rate per "
            "step; retrieval top-1 per evaluation",
        )
    )
    first, last = train[0], train[-1]
    facts = {"steps": last["step"], "loss first": first["loss"], "loss last": last["loss"]}
    facts["temperature last"] = last.get("temperature")
    out.add(key_values(facts))
    if evals:
        keys = sorted({k for r in evals for k in r if k not in ("event", "step")})
        body = [
            [str(r["step"])] + [f"{pct(r[k]):.1f}" if k in r else "" for k in keys] for r in evals
        ]
        body.append(["Δ last − first"] + [_delta_of(evals, k) for k in keys])
        out.add(table(["step", *(f"{k} (%)" for k in keys)], body, raw=True))
    return out


def _delta_of(evals: Sequence[dict[str, Any]], key: str) -> str:
    have = [r[key] for r in evals if key in r]
    return delta(pct(have[-1] - have[0]), 1) if len(have) > 1 else ""


def retrieval_section(b: Builder, arts: Sequence[Artifact]) -> Section:
    """One row per retrieval result; deltas against the first (the baseline)."""
    out = Section("Sentence retrieval", b.anchor("retrieval"))
    cols = [(d, k) for d in ("src->tgt", "tgt->src") for k in ("top1", "top5", "top10")]
    body = []
    for art in arts:
        cells = [esc(art.path.name), str(art.data.get("sentences", ""))]
        for d, k in cols:
            value = _as_percent(art.data, d, k)
            change = value - _as_percent(arts[0].data, d, k)
            cells.append(f"{value:.1f} {delta(change, 1) if art is not arts[0] else ''}")
        body.append(cells)
    out.add(note(f"accuracy in percent; Δ against {arts[0].path}"))
    out.add(table(["result", "n", *(f"{d} {k}" for d, k in cols)], body, raw=True))
    return out


def _as_percent(data: dict[str, Any], direction: str, k: str) -> float:
    """Retrieval results carry ``unit: percent``; older files hold fractions."""
    value = float(data[direction].get(k, float("nan")))
    return value if data.get("unit") == "percent" else pct(value)


def bli_section(b: Builder, arts: Sequence[Artifact]) -> Section:
    out = Section("Bilingual lexicon induction", b.anchor("bli"))
    keys = ("p@1", "p@5", "p@10")
    body = []
    for art in arts:
        cells = [esc(art.path.name), str(art.data.get("queries", ""))]
        for k in keys:
            change = art.data[k] - arts[0].data[k]
            cells.append(f"{art.data[k]:.2f} {delta(change) if art is not arts[0] else ''}")
        body.append(cells)
    out.add(note(f"P@k in percent (MUSE convention); Δ against {arts[0].path}"))
    out.add(table(["result", "queries", *keys], body, raw=True))
    return out


def barrier_section(b: Builder, art: Artifact) -> Section:
    out = Section(f"Script barrier: {art.path.name}", b.anchor("barrier"))
    scripts: dict[str, Any] = art.data["scripts"]
    heads = sorted({k for row in scripts.values() for k in row if isinstance(row[k], dict)})
    body = [
        [s, row.get("pieces", ""), f"{row.get('cosine', float('nan')):.3f}"]
        + [f"{row[h]['p@1']:.1f}" for h in heads]
        for s, row in scripts.items()
    ]
    out.add(note("P@1 in percent: a piece retrieves its romanized twin (and back)"))
    out.add(table(["script", "pieces", "cosine", *(f"{h} P@1" for h in heads)], body))
    table_fig = {s: {h: row[h]["p@1"] for h in heads} for s, row in scripts.items()}
    fig = figures.grouped_bars(table_fig, heads, "P@1 (%)", "Script barrier")
    out.add(b.figure("barrier", fig, "Retrieval of romanized twins per script"))
    return out
