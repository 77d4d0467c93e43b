"""The report's figures (matplotlib, no pyplot state): each function returns a ``Figure``.

:func:`to_svg` turns one into inline SVG text for the HTML page (no XML prolog, no metadata
with URLs, ids salted per figure so several SVGs coexist in one document); :func:`export`
writes PNG and SVG files for papers.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from tokadapt.errors import require

require("matplotlib", "report", "matplotlib")

import matplotlib  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

COLORS = ("#4c72b0", "#dd8452", "#55a868", "#c44e52", "#8172b3", "#937860")
_PROLOG = re.compile(r"<\?xml.*?\?>\s*|<!DOCTYPE.*?>\s*|<metadata>.*?</metadata>\s*", re.S)


def _figure(width: float = 7.5, height: float = 3.2) -> Figure:
    fig = Figure(figsize=(width, height), layout="constrained")
    return fig


def grouped_bars(
    table: Mapping[str, Mapping[str, float]], series: Sequence[str], ylabel: str, title: str
) -> Figure:
    """One group of bars per row of ``table`` (e.g. script), one bar per ``series`` key."""
    fig = _figure(min(11.0, max(6.0, 0.3 * len(table) * len(series) + 2)), 3.6)
    ax = fig.add_subplot()
    width = 0.8 / len(series)
    rows = list(table)
    for i, name in enumerate(series):
        xs = [r + (i - (len(series) - 1) / 2) * width for r in range(len(rows))]
        ax.bar(xs, [table[r].get(name, 0.0) for r in rows], width, label=name, color=COLORS[i])
    ax.set_xticks(range(len(rows)), rows, rotation=45, ha="right")
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.legend(frameon=False, fontsize="small")
    ax.grid(axis="y", alpha=0.3)
    return fig


def counts_bars(counts: Mapping[str, float], xlabel: str, title: str, top: int = 15) -> Figure:
    """Horizontal bars of the ``top`` largest counts, largest first."""
    items = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
    fig = _figure(6.5, 0.32 * len(items) + 1.2)
    ax = fig.add_subplot()
    ax.barh([k for k, _ in items][::-1], [v for _, v in items][::-1], color=COLORS[0])
    for y, (_, v) in enumerate(items[::-1]):
        ax.text(v, y, f" {v:,.0f}", va="center", fontsize="small")
    ax.set_xlabel(xlabel)
    ax.set_title(title)
    ax.margins(x=0.15)
    return fig


def sources_histogram(new_pieces: Sequence[Mapping[str, Any]]) -> Figure:
    """How many original pieces romanize to each new piece (1 = no collision)."""
    bins = ["1", "2", "3", "4", "5-9", "10+", "none (BPE intermediate)"]

    def label(n: int) -> str:
        return bins[6] if n == 0 else str(n) if n < 5 else bins[4] if n < 10 else bins[5]

    counts = Counter(label(len(p.get("sources", []))) for p in new_pieces)
    fig = _figure(6.5, 3.0)
    ax = fig.add_subplot()
    shown = [b for b in bins if counts.get(b)]
    ax.bar(shown, [counts[b] for b in shown], color=COLORS[1])
    ax.set_yscale("log")
    ax.set_xlabel("original pieces that romanize to the new piece (>1 = collision)")
    ax.set_ylabel("new pieces (log)")
    ax.set_title("Collisions: sources per new piece")
    return fig


def training_curves(rows: Sequence[Mapping[str, Any]]) -> Figure:
    """Loss terms, temperature and learning rate per step; retrieval per eval step."""
    train = [r for r in rows if r.get("event") == "train"]
    evals = [r for r in rows if r.get("event") == "eval"]
    panels = 3 if evals else 2
    fig = _figure(4.0 * panels, 3.2)
    axes = fig.subplots(1, panels)
    steps = [r["step"] for r in train]
    for i, key in enumerate(k for k in ("loss", "tcm", "mlm") if any(k in r for r in train)):
        axes[0].plot(steps, [r.get(key, float("nan")) for r in train], label=key, color=COLORS[i])
    axes[0].set(title="loss", xlabel="step")
    axes[0].legend(frameon=False, fontsize="small")
    axes[1].plot(steps, [r.get("temperature", float("nan")) for r in train], color=COLORS[3])
    axes[1].set(title="temperature (line) and lr (dashed)", xlabel="step")
    lr = axes[1].twinx()
    lr.plot(steps, [r.get("lr", float("nan")) for r in train], "--", color=COLORS[4])
    if evals:
        keys = sorted({k for r in evals for k in r if k not in ("event", "step")})
        for i, key in enumerate(keys):
            values = [100 * r.get(key, float("nan")) for r in evals]
            axes[2].plot([r["step"] for r in evals], values, "o-", label=key, color=COLORS[i % 6])
        axes[2].set(title="retrieval top-1 (%) per eval", xlabel="step")
        axes[2].legend(frameon=False, fontsize="x-small")
    return fig


def to_svg(fig: Figure, salt: str) -> str:
    """Inline SVG text (prolog and metadata removed; element ids unique per ``salt``)."""
    buf = io.StringIO()
    with matplotlib.rc_context({"svg.hashsalt": salt, "svg.fonttype": "path"}):
        fig.savefig(buf, format="svg", metadata={"Date": None})
    return _PROLOG.sub("", buf.getvalue()).strip()


def export(fig: Figure, directory: Path, name: str) -> list[Path]:
    """Write ``name.png`` (200 dpi) and ``name.svg`` into ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = [directory / f"{name}.png", directory / f"{name}.svg"]
    fig.savefig(paths[0], format="png", dpi=200)
    fig.savefig(paths[1], format="svg", metadata={"Date": None})
    return paths
