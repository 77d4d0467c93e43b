"""Find what the tokadapt commands wrote in a run directory and classify it.

A RUN is a directory (searched recursively) or a single file. Recognised artifacts:

- ``tokadapt_manifest.json`` (``extend-vocab``), ``tokadapt_init.json`` (``init-embeddings``),
  ``tokadapt_export.json`` (``models export-e5``), ``metrics.jsonl`` (``align``),
  ``demo.json`` (``demo``);
- any other small JSON whose content is a ``retrieval``, ``bli`` or ``script-barrier`` result
  (the files their ``-o/--output`` writes).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from tokadapt.errors import InputFileError

log = logging.getLogger(__name__)

Kind = Literal[
    "manifest", "init", "export", "metrics", "demo", "retrieval", "bli", "barrier", "align"
]
_BY_NAME: dict[str, Kind] = {
    "tokadapt_manifest.json": "manifest",
    "tokadapt_init.json": "init",
    "tokadapt_export.json": "export",
    "tokadapt_align.json": "align",
    "metrics.jsonl": "metrics",
    "demo.json": "demo",
}
#: JSON files that are never results (model and tokenizer files); skipped without reading
_NEVER = {"config.json", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json"}
_MAX_RESULT_BYTES = 5_000_000


@dataclass(frozen=True)
class Artifact:
    kind: Kind
    path: Path
    data: Any


def classify(data: Any) -> Kind | None:
    """The kind of a result JSON by its content, or None when it is not a tokadapt result."""
    if not isinstance(data, dict):
        return None
    sig = str(data.get("signature", ""))
    if "src->tgt" in data and "tgt->src" in data:
        return "retrieval"
    if "scripts" in data and sig.startswith("script-barrier"):
        return "barrier"
    if "p@1" in data and sig.startswith("bli"):
        return "bli"
    return None


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputFileError(f"{path}: not readable as JSON ({exc})") from exc


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError as exc:
            raise InputFileError(f"{path}:{number}: not a JSON line ({exc})") from exc
    return rows


def load_file(path: Path) -> Artifact | None:
    """Read one file as an artifact; None when it is not one."""
    kind = _BY_NAME.get(path.name)
    if kind == "metrics":
        return Artifact("metrics", path, read_jsonl(path))
    if kind is not None:
        return Artifact(kind, path, _read_json(path))
    if path.suffix != ".json" or path.name in _NEVER:
        return None
    if path.stat().st_size > _MAX_RESULT_BYTES:
        return None
    try:
        data = _read_json(path)
    except InputFileError:
        log.debug("skipping %s: not JSON", path)
        return None
    found = classify(data)
    return Artifact(found, path, data) if found else None


def _files(run: Path) -> Iterator[Path]:
    if run.is_file():
        yield run
        return
    for path in sorted(run.rglob("*")):
        wanted = path.name in _BY_NAME or path.suffix == ".json"
        if wanted and path.is_file() and "checkpoints" not in path.relative_to(run).parts:
            yield path


def collect(runs: Iterable[str | Path]) -> list[Artifact]:
    """Every artifact under ``runs`` (in the order given, files sorted by path)."""
    found: list[Artifact] = []
    for run in map(Path, runs):
        if not run.exists():
            raise InputFileError(
                f"report input {run} does not exist; give run directories or result "
                "files written by tokadapt commands"
            )
        for path in _files(run):
            artifact = load_file(path)
            if artifact is not None:
                found.append(artifact)
    if not found:
        raise InputFileError(
            "found no tokadapt artifacts in "
            + ", ".join(map(str, runs))
            + " (looked for tokadapt_manifest.json, tokadapt_init.json, metrics.jsonl, "
            "demo.json and retrieval/bli/script-barrier JSON results)"
        )
    return found
