"""``tokadapt_manifest.json``: the contract between vocabulary extension and embedding init.

Written by ``tokadapt extend-vocab`` next to the extended tokenizer; read by
``tokadapt init-embeddings``. For every new id it records the piece, the original ids whose
romanization produced it, their scores (the family's score convention, see ``score_kind``) and
the merged score under the chosen mode. JSON keys are sorted, so the file is byte-identical
across runs.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Literal

from tokadapt.errors import InputFileError
from tokadapt.io.outputs import atomic_file

MANIFEST_NAME = "tokadapt_manifest.json"
FORMAT = "tokadapt-vocab-extension"
FORMAT_VERSION = 1

Family = Literal["unigram", "bpe", "wordpiece"]
MergeMode = Literal["max", "min", "mean"]
MERGE_MODES: tuple[MergeMode, ...] = ("max", "min", "mean")


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _rows(pieces: list[dict[str, Any]]) -> str:
    """A JSON list with one piece per line. One C-encoder call for the whole list, split at
    ``}, {`` — safe because such text cannot occur inside a piece without whitespace."""
    if not pieces:
        return "[]"
    if any(" " in p["piece"] for p in pieces):
        return "[\n    " + ",\n    ".join(_dumps(p) for p in pieces) + "\n  ]"
    return "[\n    " + _dumps(pieces)[1:-1].replace("}, {", "},\n    {") + "\n  ]"


@dataclass(frozen=True)
class NewPiece:
    """One appended piece: ``id`` is its new token id (contiguous after the original ids)."""

    id: int
    piece: str
    sources: list[int]
    source_scores: list[float]
    #: the merged score as the tokenizer uses it: the merge mode's score, minus the demotion
    #: that keeps protected text's segmentation (``options["protect"]["demoted"]``, Unigram)
    score: float
    #: "romanized" (sources romanize to ``piece``) or "bpe_intermediate" (no sources: a BPE
    #: token needed only so that merges can build a longer romanized token)
    kind: str = "romanized"
    #: the source the merge mode picks by score (max/mean: highest, min: lowest; ties: lower id);
    #: -1 when there are no sources
    chosen: int = -1
    #: the romanization schemes (``uroman``, ``icu:iso9`` …) whose output this piece is
    schemes: list[str] = field(default_factory=list)


@dataclass
class Manifest:
    family: Family
    mode: MergeMode
    base_vocab_size: int
    new_pieces: list[NewPiece]
    #: what the scores mean: "logprob" (Unigram), "neg_rank" (BPE: -merge rank / -id),
    #: "neg_id" (WordPiece: earlier = more frequent)
    score_kind: str = "logprob"
    counts: dict[str, int] = field(default_factory=dict)
    romanizer: dict[str, Any] = field(default_factory=dict)
    input: dict[str, Any] = field(default_factory=dict)
    options: dict[str, Any] = field(default_factory=dict)
    #: romanizations already in the vocabulary: existing id -> the source ids romanizing to it
    existing: dict[int, list[int]] = field(default_factory=dict)
    #: the old ids the protected (pivot-language) text is segmented into
    pivot_ids: list[int] = field(default_factory=list)

    @property
    def new_vocab_size(self) -> int:
        return self.base_vocab_size + len(self.new_pieces)

    def to_json(self) -> dict[str, Any]:
        skip = ("new_pieces", "existing", "pivot_ids")
        data = {f.name: getattr(self, f.name) for f in fields(self) if f.name not in skip}
        data = json.loads(json.dumps(data))  # plain JSON types, detached from self
        data["existing"] = {str(k): list(v) for k, v in sorted(self.existing.items())}
        data["pivot_ids"] = sorted(self.pivot_ids)
        data["new_pieces"] = [
            {
                "chosen": p.chosen,
                "id": p.id,
                "kind": p.kind,
                "piece": p.piece,
                "schemes": list(p.schemes),
                "score": p.score,
                "source_scores": list(p.source_scores),
                "sources": list(p.sources),
            }
            for p in self.new_pieces
        ]
        data["format"] = FORMAT
        data["format_version"] = FORMAT_VERSION
        data["new_vocab_size"] = self.new_vocab_size
        return data

    def save(self, directory: str | Path) -> Path:
        """Sorted keys, one new piece per line (the C JSON encoder: fast for 100k+ pieces)."""
        path = Path(directory) / MANIFEST_NAME
        data = self.to_json()
        lines = []
        for key, value in sorted(data.items()):
            if key == "new_pieces":
                text = _rows(value)
            else:
                text = _dumps(value)
            lines.append(f"  {_dumps(key)}: {text}")
        with atomic_file(path) as handle:
            handle.write("{\n" + ",\n".join(lines) + "\n}\n")
        return path

    @classmethod
    def load(cls, path: str | Path) -> Manifest:
        path = Path(path)
        if path.is_dir():
            path = path / MANIFEST_NAME
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise InputFileError(
                f"{path} not found: the tokenizer directory was not written by "
                "'tokadapt extend-vocab' (no manifest)"
            ) from exc
        except json.JSONDecodeError as exc:
            raise InputFileError(f"{path} is not valid JSON: {exc}") from exc
        if data.get("format") != FORMAT or data.get("format_version") != FORMAT_VERSION:
            raise InputFileError(
                f"{path}: not a tokadapt manifest of format {FORMAT} v{FORMAT_VERSION} "
                f"(found format={data.get('format')!r} v{data.get('format_version')!r})"
            )
        pieces = [NewPiece(**p) for p in data["new_pieces"]]
        expected = list(range(data["base_vocab_size"], data["base_vocab_size"] + len(pieces)))
        if [p.id for p in pieces] != expected:
            raise InputFileError(f"{path}: new ids are not contiguous after base_vocab_size")
        return cls(
            family=data["family"],
            mode=data["mode"],
            base_vocab_size=data["base_vocab_size"],
            new_pieces=pieces,
            score_kind=data.get("score_kind", "logprob"),
            counts=data.get("counts", {}),
            romanizer=data.get("romanizer", {}),
            input=data.get("input", {}),
            options=data.get("options", {}),
            existing={int(k): list(v) for k, v in data.get("existing", {}).items()},
            pivot_ids=list(data.get("pivot_ids", [])),
        )
