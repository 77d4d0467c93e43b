"""The report's sections in page order, one per artifact (evaluation results grouped)."""

from __future__ import annotations

import json
from collections.abc import Sequence

from tokadapt.report.artifacts import Artifact
from tokadapt.report.builder import Builder
from tokadapt.report.demo_sections import demo_section, provenance_section
from tokadapt.report.eval_sections import (
    barrier_section,
    bli_section,
    retrieval_section,
    training_section,
)
from tokadapt.report.html import Section
from tokadapt.report.vocab_sections import init_section, manifest_section


def all_sections(b: Builder, arts: Sequence[Artifact]) -> list[Section]:
    of = {kind: [a for a in arts if a.kind == kind] for kind in {a.kind for a in arts}}
    of["manifest"] = _distinct_manifests(of.get("manifest", []))
    out: list[Section] = []
    out += [demo_section(b, a) for a in of.get("demo", [])]
    out += [manifest_section(b, a) for a in of.get("manifest", [])]
    out += [init_section(b, a) for a in of.get("init", [])]
    out += [training_section(b, a) for a in of.get("metrics", [])]
    if of.get("retrieval"):
        out.append(retrieval_section(b, of["retrieval"]))
    if of.get("bli"):
        out.append(bli_section(b, of["bli"]))
    out += [barrier_section(b, a) for a in of.get("barrier", [])]
    out.append(provenance_section(b, arts))
    return out


def _distinct_manifests(arts: Sequence[Artifact]) -> list[Artifact]:
    """``init-embeddings`` copies the manifest next to the checkpoint: show each extension once
    (preferring the ``extend-vocab`` output directory)."""
    seen: set[str] = set()
    out = []
    for art in sorted(arts, key=lambda a: (a.path.parent / "tokadapt_init.json").exists()):
        key = json.dumps([art.data.get(k) for k in ("input", "mode", "counts", "options")])
        if key not in seen:
            seen.add(key)
            out.append(art)
    return out
