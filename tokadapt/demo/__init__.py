"""``make demo`` / ``tokadapt demo``: the whole pipeline on real data that pip installs.

Each stage is a module in this package defining ``TITLE``, ``ORDER`` and
``run(ctx: DemoContext) -> dict`` (its numbers, also written to ``OUT/demo.json``). Stages run
in ``ORDER``; a stage reads what earlier stages left in ``ctx.state``.
"""

from __future__ import annotations

import importlib
import json
import logging
import pkgutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from tokadapt.errors import ConfigError

log = logging.getLogger(__name__)


@dataclass
class DemoContext:
    out: Path
    quick: bool = False
    state: dict[str, Any] = field(default_factory=dict)

    def say(self, text: str = "") -> None:
        print(text, flush=True)


def stages() -> list[ModuleType]:
    mods = []
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("_"):
            continue
        mod = importlib.import_module(f"{__name__}.{info.name}")
        if hasattr(mod, "run") and hasattr(mod, "ORDER"):
            mods.append(mod)
    return sorted(mods, key=lambda m: m.ORDER)


def _quiet_libraries() -> None:
    """The demo prints its own summary; silence per-load progress bars of transformers."""
    try:
        from transformers.utils import logging as hf_logging
    except ImportError:
        return
    hf_logging.disable_progress_bar()
    hf_logging.set_verbosity_error()


def run_demo(out: Path, only: list[str] | None = None, quick: bool = False) -> dict[str, Any]:
    mods = {mod.__name__.rsplit(".", 1)[-1]: mod for mod in stages()}
    unknown = sorted(set(only or ()) - set(mods))
    if unknown:
        raise ConfigError(
            f"demo --only: no stage named {', '.join(unknown)}; "
            f"the stages are {', '.join(mods)} (in this order)"
        )
    out.mkdir(parents=True, exist_ok=True)
    _quiet_libraries()
    ctx = DemoContext(out=out, quick=quick)
    results: dict[str, Any] = {}
    for name, mod in mods.items():
        if only and name not in only:
            continue
        ctx.say(f"\n=== {mod.TITLE} ===")
        start = time.perf_counter()
        results[name] = mod.run(ctx)
        ctx.say(f"({name}: {time.perf_counter() - start:.1f} s)")
    (out / "demo.json").write_text(json.dumps(results, indent=2, ensure_ascii=False, default=str))
    _report(ctx)
    return results


def _report(ctx: DemoContext) -> None:
    """Everything above as one HTML page with figures (needs matplotlib: the report extra)."""
    try:
        from tokadapt.report import build_report

        result = build_report([ctx.out], ctx.out / "report.html", overwrite=True)
    except ImportError as exc:
        ctx.say(f"\n(no HTML report: {exc})")
        return
    ctx.say(
        f"\nreport: {result.path.resolve()} ({len(result.figures)} figures) - open it in a browser"
    )
