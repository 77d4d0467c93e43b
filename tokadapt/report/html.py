"""The report page: one self-contained HTML document (inline CSS and SVG, no scripts, no URLs)."""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

_CSS = """
body{font:15px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;margin:0;color:#222;
background:#fafafa}
header{background:#24324a;color:#fff;padding:18px 32px}
header h1{margin:0;font-size:22px}header p{margin:4px 0 0;opacity:.8}
nav{padding:8px 32px;background:#e8ecf2}nav a{margin-right:14px;color:#24324a}
main{padding:8px 32px 40px;max-width:1200px}
section{background:#fff;border:1px solid #dde;border-radius:6px;padding:4px 20px 16px;
margin:18px 0}
h2{font-size:18px;border-bottom:1px solid #eee;padding-bottom:4px}
h3{font-size:15px;margin:16px 0 6px}
figure{margin:12px 0}figure svg{max-width:100%;height:auto}
figcaption{font-size:13px;color:#555}
table{border-collapse:collapse;font-size:13px;margin:8px 0}
th,td{border:1px solid #ddd;padding:3px 8px;text-align:right}
th:first-child,td:first-child{text-align:left}th{background:#f0f2f6}
.up{color:#18794e}.down{color:#c0392b}.note{color:#777;font-size:13px}
code{font-size:12px;word-break:break-all}
"""


@dataclass
class Section:
    title: str
    anchor: str
    blocks: list[str] = field(default_factory=list)

    def add(self, block: str) -> None:
        self.blocks.append(block)


def esc(value: Any) -> str:
    return html.escape(str(value), quote=True)


def fmt(value: Any, digits: int = 2) -> str:
    if isinstance(value, bool) or value is None:
        return esc(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return esc(value)


def delta(value: float | None, digits: int = 2, lower_is_better: bool = False) -> str:
    """A signed difference, coloured green when better, red when worse."""
    if value is None:
        return ""
    better = -value if lower_is_better else value
    cls = "up" if better > 0 else "down" if better < 0 else ""
    return f'<span class="{cls}">{value:+.{digits}f}</span>'


def table(head: Sequence[str], rows: Sequence[Sequence[Any]], raw: bool = False) -> str:
    """An HTML table; cells are escaped unless ``raw`` (cells already HTML)."""
    cell = (lambda v: str(v)) if raw else fmt
    body = "".join("<tr>" + "".join(f"<td>{cell(v)}</td>" for v in r) + "</tr>" for r in rows)
    heads = "".join(f"<th>{esc(h)}</th>" for h in head)
    return f"<table><thead><tr>{heads}</tr></thead><tbody>{body}</tbody></table>"


def key_values(items: Mapping[str, Any]) -> str:
    return table(("", ""), [(k, v) for k, v in items.items()])


def figure(svg: str, caption: str, name: str) -> str:
    return (
        f'<figure class="figure" data-figure="{esc(name)}">{svg}'
        f"<figcaption>{esc(caption)}</figcaption></figure>"
    )


def note(text: str) -> str:
    return f'<p class="note">{esc(text)}</p>'


def page(title: str, subtitle: str, sections: Sequence[Section]) -> str:
    nav = "".join(f'<a href="#{esc(s.anchor)}">{esc(s.title)}</a>' for s in sections)
    body = "".join(
        f'<section id="{esc(s.anchor)}"><h2>{esc(s.title)}</h2>{"".join(s.blocks)}</section>'
        for s in sections
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>{esc(title)}</title><style>{_CSS}</style></head><body>"
        f"<header><h1>{esc(title)}</h1><p>{esc(subtitle)}</p></header>"
        f"<nav>{nav}</nav><main>{body}</main></body></html>\n"
    )
