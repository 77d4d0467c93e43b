"""State shared while the report's sections are built: the figures made so far, unique names."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from matplotlib.figure import Figure

from tokadapt.report import figures
from tokadapt.report.html import figure as figure_html


@dataclass
class Builder:
    #: (unique name, figure, caption) in page order
    made: list[tuple[str, Figure, str]] = field(default_factory=list)
    _used: dict[str, int] = field(default_factory=dict)

    def unique(self, name: str) -> str:
        self._used[name] = self._used.get(name, 0) + 1
        return name if self._used[name] == 1 else f"{name}-{self._used[name]}"

    def anchor(self, name: str) -> str:
        return self.unique(f"section-{name}")

    def figure(self, name: str, fig: Figure, caption: str) -> str:
        """Inline SVG of ``fig`` wrapped in a <figure>; remembered for :meth:`export`."""
        name = self.unique(name)
        self.made.append((name, fig, caption))
        return figure_html(figures.to_svg(fig, salt=name), caption, name)

    def export(self, directory: Path) -> list[Path]:
        written: list[Path] = []
        for name, fig, _ in self.made:
            written += figures.export(fig, directory, name)
        return written
