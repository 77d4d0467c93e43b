"""uroman 1.3.1.1 reference outputs, cached on disk (uroman does ~3k items/s).

The cache lives in ``<repo>/.cache/conformance/<corpus>-uroman<version>.json.gz`` (git-ignored)
and maps ``lcode \\t text`` to uroman's output, or to ``{"error": "..."}`` where uroman raises.
Only texts missing from the cache are romanized, so ``--limit`` runs and reruns are fast.
"""

from __future__ import annotations

import gzip
import importlib.metadata
import json
import logging
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

REPO = Path(__file__).resolve().parent.parent
CACHE_DIR = Path(os.environ.get("TRANSLIT_CONFORMANCE_CACHE", REPO / ".cache" / "conformance"))
ERROR_PREFIX = "!uroman-error: "


def uroman_version() -> str:
    return importlib.metadata.version("uroman")


def _cache_path(corpus: str) -> Path:
    return CACHE_DIR / f"{corpus}-uroman{uroman_version()}.json.gz"


def _load(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        data: dict[str, Any] = json.load(handle)
    return data


def _save(path: Path, data: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
    with gzip.open(tmp, "wt", encoding="utf-8", compresslevel=6) as handle:
        json.dump(data, handle, ensure_ascii=True)
    tmp.replace(path)


def edges_json(edges: Sequence[Sequence[object]]) -> str:
    """One comparable string for a list of ``(start, end, text, type)`` edges."""
    return json.dumps([list(e) for e in edges], ensure_ascii=False)


def uroman_outputs(
    corpus: str, requests: Sequence[tuple[str, str]], progress: bool = True, edges: bool = False
) -> list[str]:
    """uroman's output for each ``(text, lcode)``; a crash becomes ``ERROR_PREFIX + message``.

    ``edges=True``: uroman's ``edges`` format instead, as :func:`edges_json` strings.
    """
    path = _cache_path(corpus + ("-edges" if edges else ""))
    cache = _load(path)
    keys = [f"{lcode}\t{text}" for text, lcode in requests]
    missing = sorted({k for k in keys if k not in cache})
    if missing:
        import uroman

        start = time.perf_counter()
        engine = uroman.Uroman()
        fmt = uroman.RomFormat.EDGES if edges else uroman.RomFormat.STR
        for n, key in enumerate(missing, 1):
            lcode, text = key.split("\t", 1)
            try:
                result = engine.romanize_string(text, lcode or None, rom_format=fmt)
                cache[key] = (
                    edges_json([(e.start, e.end, e.txt, e.type) for e in result])
                    if edges
                    else result
                )
            except Exception as exc:
                cache[key] = {"error": f"{type(exc).__name__}: {exc}"}
            if progress and n % 20000 == 0:
                rate = n / (time.perf_counter() - start)
                print(f"  uroman {corpus}: {n}/{len(missing)} ({rate:.0f}/s)", file=sys.stderr)
                _save(path, cache)
        _save(path, cache)
    out = []
    for key in keys:
        value = cache[key]
        out.append(ERROR_PREFIX + value["error"] if isinstance(value, dict) else value)
    return out
