"""Progress inside shards: beats from the driver's process and from worker files."""

from __future__ import annotations

from pathlib import Path

import pytest

from tokadapt.corpus import RomanizeSpec, romanize_corpus
from tokadapt.corpus.beat import Beat, ByteMeter, read_beats
from tokadapt.corpus.inputs import BATCH_ROWS, read_batches
from tokadapt.corpus.progress import Progress


def _text(path: Path, rows: int) -> Path:
    path.write_text("".join(f"Москва {i} Αθήνα\n" for i in range(rows)), encoding="utf-8")
    return path


def test_byte_meter_reaches_the_file_size(tmp_path: Path) -> None:
    shard = _text(tmp_path / "a.txt", 1000)
    meter = ByteMeter(shard)
    done = [meter.add(t) for t in read_batches(shard, 128)]
    assert done == sorted(done) and len(done) == 8 and done[-1] == shard.stat().st_size


def test_beat_files_are_read_by_the_driver_and_removed(tmp_path: Path) -> None:
    shard = _text(tmp_path / "a.txt", 10)
    beat = Beat(shard, tmp_path, every_s=0.0)
    beat(5, 100)
    assert read_beats(tmp_path) == {str(shard): (5, 100)}
    beat.done()
    assert read_beats(tmp_path) == {}


def test_progress_moves_within_a_shard(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[tuple[int, int]] = []
    partial = Progress.partial

    def spy(self: Progress, shard: str, rows: int, nbytes: int) -> None:
        seen.append((self.done_rows, self.done_bytes))
        partial(self, shard, rows, nbytes)

    monkeypatch.setattr(Progress, "partial", spy)
    shard = _text(tmp_path / "big.txt", 3 * BATCH_ROWS + 5)
    romanize_corpus([str(shard)], tmp_path / "out", RomanizeSpec(lang="rus"), workers=1)
    assert len(seen) == 4  # one beat per batch read, before the shard is done
    done = [b for _, b in seen]
    assert done == sorted(done) and 0 < done[-1] <= shard.stat().st_size
    assert not list((tmp_path / "out").glob(".tokadapt-tmp-*"))
