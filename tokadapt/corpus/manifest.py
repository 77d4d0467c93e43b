"""Per-shard manifests: the commit record that makes corpus romanization exactly-once.

Output for input shard ``S`` is ``<name>.parquet`` plus ``<name>.manifest.json`` where ``name`` is
the input's stem and a hash of its full path (two inputs with one stem never collide). Both are
written to a temporary sibling and moved into place with ``os.replace``, the Parquet file first:
the manifest is the commit point. A shard is *done* when its manifest exists, names the same
input hash and romanization signature, and the Parquet file beside it has the recorded size and
SHA-256. Anything else (no manifest, a changed input or romanizer, a truncated file) is redone
from the start and replaces whatever was there, so a crash at any instant loses nothing and
duplicates nothing.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

MANIFEST_VERSION = 1
TMP_PREFIX = ".tokadapt-tmp-"


@dataclass(frozen=True)
class ShardManifest:
    input: str
    input_sha256: str
    input_bytes: int
    signature: str
    rows: int
    output: str
    output_sha256: str
    output_bytes: int
    version: int = MANIFEST_VERSION


def file_sha256(path: Path, block: int = 1 << 22) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(block):
            digest.update(chunk)
    return digest.hexdigest()


def output_name(shard: Path) -> str:
    tag = hashlib.sha256(str(shard).encode()).hexdigest()[:10]
    return f"{shard.stem}-{tag}"


def manifest_path(out_dir: Path, shard: Path) -> Path:
    return out_dir / f"{output_name(shard)}.manifest.json"


def temp_path(out_dir: Path, name: str) -> Path:
    """A fresh temporary file in ``out_dir`` (same file system, so ``os.replace`` is atomic)."""
    fd, tmp = tempfile.mkstemp(prefix=f"{TMP_PREFIX}{name}.", dir=out_dir)
    os.close(fd)
    return Path(tmp)


def commit(tmp: Path, final: Path) -> None:
    with tmp.open("rb") as handle:
        os.fsync(handle.fileno())
    tmp.chmod(0o644)
    tmp.replace(final)


def write_manifest(out_dir: Path, shard: Path, manifest: ShardManifest) -> None:
    target = manifest_path(out_dir, shard)
    tmp = temp_path(out_dir, target.name)
    tmp.write_text(json.dumps(asdict(manifest), indent=2, sort_keys=True) + "\n", "utf-8")
    commit(tmp, target)


def read_manifest(out_dir: Path, shard: Path) -> ShardManifest | None:
    path = manifest_path(out_dir, shard)
    try:
        data = json.loads(path.read_text("utf-8"))
        return ShardManifest(**data)
    except (OSError, ValueError, TypeError):
        return None


def is_done(out_dir: Path, shard: Path, input_sha256: str, signature: str) -> bool:
    """True when the shard's committed output matches this input and this romanizer."""
    found = read_manifest(out_dir, shard)
    if found is None or found.version != MANIFEST_VERSION:
        return False
    if found.input_sha256 != input_sha256 or found.signature != signature:
        return False
    output = out_dir / found.output
    if not output.is_file() or output.stat().st_size != found.output_bytes:
        return False
    return file_sha256(output) == found.output_sha256


def clean_temps(out_dir: Path) -> int:
    """Remove temporaries left by a killed run (call only while holding the output lock)."""
    stale = list(out_dir.glob(f"{TMP_PREFIX}*"))
    for path in stale:
        path.unlink(missing_ok=True)
    return len(stale)
