"""Input shards: text, JSONL, Parquet files or saved Hugging Face datasets, read in batches.

Every input file is one shard. ``INPUT`` arguments may be files, globs (``data/*.parquet``) or
directories: a directory written by ``datasets.Dataset.save_to_disk`` contributes its Arrow files,
any other directory the supported files directly inside it. Each shard is read as a stream of
Arrow record batches of at most ``batch_rows`` rows, so memory stays flat whatever its size. The
batch boundaries depend only on the file, never on the engine or the worker count.
"""

from __future__ import annotations

import glob
import json
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from tokadapt.errors import ConfigError, InputFileError

FORMATS = {".txt": "text", ".jsonl": "jsonl", ".json": "jsonl", ".parquet": "parquet"}
FORMATS[".arrow"] = "arrow"
BATCH_ROWS = 8192


def shard_format(path: Path) -> str:
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise ConfigError(
            f"input {path}: unknown format {path.suffix or '(no suffix)'!r}; allowed: "
            f"{', '.join(sorted(FORMATS))} files, or a saved Hugging Face dataset directory"
        )
    return fmt


def _dir_shards(path: Path) -> list[Path]:
    if (path / "dataset_info.json").is_file() or (path / "state.json").is_file():
        return sorted(path.glob("*.arrow"))
    if (path / "dataset_dict.json").is_file():
        raise ConfigError(
            f"input {path} is a DatasetDict; give one split directory, e.g. {path / 'train'}"
        )
    return sorted(p for p in path.iterdir() if _is_data(p))


def _is_data(path: Path) -> bool:
    """A supported data file (not hidden, not one of romanize-corpus's manifests)."""
    name = path.name
    hidden = name.startswith(".") or name.endswith(".manifest.json")
    return not hidden and path.suffix.lower() in FORMATS and path.is_file()


def discover(inputs: list[str]) -> list[Path]:
    """Expand files, globs and directories into a sorted, duplicate-free list of shards."""
    found: list[Path] = []
    for spec in inputs:
        matches = sorted(glob.glob(spec))  # noqa: PTH207 (absolute patterns) if glob.has_magic(spec) else [spec]
        if not matches:
            raise InputFileError(f"input pattern {spec!r} matches no file")
        for match in matches:
            path = Path(match)
            if not path.exists():
                raise InputFileError(f"input {path} does not exist")
            found.extend(_dir_shards(path) if path.is_dir() else [path])
    shards = sorted({p.resolve() for p in found})
    if not shards:
        raise InputFileError(f"no input shard found in {inputs}")
    for shard in shards:
        shard_format(shard)
    return shards


def _text_batches(path: Path, batch_rows: int) -> Iterator[pa.Table]:
    lines: list[str] = []
    with path.open(encoding="utf-8", errors="replace", newline="\n") as handle:
        for line in handle:
            lines.append(line[:-1] if line.endswith("\n") else line)
            if len(lines) == batch_rows:
                yield pa.Table.from_arrays([pa.array(lines, pa.string())], names=["text"])
                lines = []
    if lines:
        yield pa.Table.from_arrays([pa.array(lines, pa.string())], names=["text"])


def _jsonl_batches(path: Path, batch_rows: int) -> Iterator[pa.Table]:
    rows: list[dict[str, object]] = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise InputFileError(f"{path}: line {number} is not valid JSON: {exc}") from exc
            if len(rows) == batch_rows:
                yield pa.Table.from_pylist(rows)
                rows = []
    if rows:
        yield pa.Table.from_pylist(rows)


def _arrow_batches(path: Path, batch_rows: int) -> Iterator[pa.Table]:
    with pa.memory_map(str(path)) as source:
        reader = pa.ipc.open_stream(source)
        for batch in reader:
            for start in range(0, batch.num_rows, batch_rows):
                yield pa.Table.from_batches([batch.slice(start, batch_rows)])


def read_batches(path: Path, batch_rows: int = BATCH_ROWS) -> Iterator[pa.Table]:
    """Arrow tables of at most ``batch_rows`` rows, in file order."""
    fmt = shard_format(path)
    if fmt == "text":
        yield from _text_batches(path, batch_rows)
    elif fmt == "jsonl":
        yield from _jsonl_batches(path, batch_rows)
    elif fmt == "arrow":
        yield from _arrow_batches(path, batch_rows)
    else:
        for batch in pq.ParquetFile(path).iter_batches(batch_size=batch_rows):
            yield pa.Table.from_batches([batch])
