"""Fixtures for the corpus tests: small shards of real text in every input format."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from corpus_helpers import sentences


@pytest.fixture(scope="session")
def shards(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory with text, JSONL and Parquet shards of ~300-600 rows each."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    root = tmp_path_factory.mktemp("corpus")
    rows = sentences(2000)
    (root / "part-0.txt").write_text("\n".join(t for t, _ in rows[:400]) + "\n", "utf-8")
    (root / "part-1.txt").write_text("\n".join(t for t, _ in rows[400:700]) + "\n", "utf-8")
    with (root / "part-2.jsonl").open("w", encoding="utf-8") as handle:
        for t, lang in rows[700:1300]:
            handle.write(json.dumps({"text": t, "lang": lang}, ensure_ascii=False) + "\n")
    table = pa.table({"text": [t for t, _ in rows[1300:]], "lang": [c for _, c in rows[1300:]]})
    pq.write_table(table, root / "part-3.parquet", row_group_size=128)
    return root


@pytest.fixture(scope="session")
def big_shards(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Six text shards of 40,000 lines each (~2.5 MB): long enough to kill a run midway."""
    root = tmp_path_factory.mktemp("big")
    rows = sentences(240_000, seed=7)
    for i in range(6):
        lines = (t for t, _ in rows[i * 40_000 : (i + 1) * 40_000])
        (root / f"big-{i}.txt").write_text("\n".join(lines) + "\n", "utf-8")
    return root
