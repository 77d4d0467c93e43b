"""Romanized retrieval on real CLDR names with the real e5, before/after TransMI (measured and
reported, not asserted as thresholds: see the benchmark for all scripts and strategies)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tokadapt.embeddings.initialize import init_embeddings
from tokadapt.embeddings.strategies import pick_source
from tokadapt.eval.quality import cldr_sets, markdown, retrieval_table


def test_cldr_sets_are_parallel_and_romanized() -> None:
    (ru,) = cldr_sets(["ru"], limit=50)
    assert len(ru.english) == len(ru.original) == len(ru.romanized) == 50
    i = ru.english.index("Germany") if "Germany" in ru.english else 0
    assert ru.original[i] != ru.romanized[i] and ru.romanized[i].isascii()


@pytest.mark.slow
def test_retrieval_before_and_after_transmi(e5_dir: Path, tmp_path: Path) -> None:
    from tokadapt.vocab import extend_vocab

    result = extend_vocab(e5_dir, tmp_path / "ext", select=["Cyrillic"])
    ext = result.out_dir
    merged = [p for p in result.manifest.new_pieces if len(p.sources) > 1]
    assert merged  # our merge pick agrees with the vocabulary stage's choice
    for p in merged:
        assert pick_source(p.sources, p.source_scores, result.manifest.mode)[0] == [p.chosen]
    init_embeddings(e5_dir, ext, tmp_path / "adapted", strategy="transmi")
    sets = cldr_sets(["ru"], limit=50)
    table = retrieval_table(e5_dir, {"TransMI": tmp_path / "adapted"}, sets)
    print("\n" + markdown(table, {s.name: len(s.english) for s in sets}))  # the measurement
    for row in table.values():
        assert set(row) == {"original script (e5)", "romanized (e5)", "romanized (TransMI)"}
        assert all(0.0 <= v <= 1.0 for v in row.values())
        assert row["original script (e5)"] > 0.5  # the pipeline works at all (chance: 1/50)
