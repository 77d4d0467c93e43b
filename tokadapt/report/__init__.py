"""``tokadapt report``: one self-contained HTML page from what the other commands wrote.

>>> build_report(["demo-out"], "demo-out/report.html")  # doctest: +SKIP

The page has no scripts and no URLs (inline CSS and SVG), so it opens from ``file://``, in
mail attachments and offline. ``figures_dir`` also writes every figure as PNG and SVG.
Needs ``matplotlib`` (``pip install 'tokadapt[report]'``).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tokadapt.io.outputs import atomic_file

log = logging.getLogger(__name__)

REPORT_FORMAT_VERSION = 1


@dataclass
class ReportResult:
    path: Path
    figures: list[str]
    sections: list[str]
    artifacts: int
    exported: list[Path] = field(default_factory=list)
    seconds: float = 0.0


def build_report(
    runs: Sequence[str | Path],
    output: str | Path,
    *,
    figures_dir: str | Path | None = None,
    title: str = "tokadapt report",
    overwrite: bool = False,
) -> ReportResult:
    """Read the artifacts under ``runs`` and write the HTML report to ``output``."""
    from tokadapt.report.artifacts import collect
    from tokadapt.report.builder import Builder
    from tokadapt.report.html import page
    from tokadapt.report.sections import all_sections

    start = time.perf_counter()
    output = Path(output)
    if output.exists() and not overwrite:
        from tokadapt.errors import OutputExistsError

        raise OutputExistsError(f"report {output} exists; pass --overwrite to replace it")
    arts = collect(runs)
    builder = Builder()
    sections = all_sections(builder, arts)
    subtitle = f"{len(arts)} artifacts from " + ", ".join(map(str, runs))
    text = page(title, subtitle, sections)
    output.parent.mkdir(parents=True, exist_ok=True)
    with atomic_file(output, overwrite=True) as handle:
        handle.write(text)
    output.chmod(0o644)  # a web page: readable like the other outputs
    exported = builder.export(Path(figures_dir)) if figures_dir is not None else []
    log.info("wrote %s (%d figures)", output, len(builder.made))
    return ReportResult(
        path=output,
        figures=[name for name, _, _ in builder.made],
        sections=[s.title for s in sections],
        artifacts=len(arts),
        exported=exported,
        seconds=time.perf_counter() - start,
    )


__all__ = ["REPORT_FORMAT_VERSION", "ReportResult", "build_report"]
