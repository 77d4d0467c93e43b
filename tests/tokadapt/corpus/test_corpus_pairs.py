"""Training pairs from shards (tokadapt.align.shards): ranks x workers split, exact resume."""

from __future__ import annotations

import itertools
import random
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from corpus_helpers import sentences

torch = pytest.importorskip("torch")
from torch.utils.data import DataLoader  # noqa: E402

from tokadapt.align.shards import ShardedItems, ShardRows, ShardSource  # noqa: E402
from tokadapt.align.sources import parse_source  # noqa: E402
from tokadapt.corpus import RomanizeSpec, romanize_corpus  # noqa: E402

N, B = 960, 8  # 3 shards x 320 rows; 960 = 2 ranks x 60 batches x 8


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("pairs")
    rows = sentences(N, seed=5)
    for s in range(3):
        part = rows[s * 320 : (s + 1) * 320]
        texts = [f"{s * 320 + i:04d} {t}" for i, (t, _) in enumerate(part)]
        table = pa.table({"text": texts, "lang": [c for _, c in part]})
        pq.write_table(table, root / f"s{s}.parquet", row_group_size=50)
    return root


def _rows(corpus: Path) -> ShardRows:
    return ShardRows(sorted(corpus.glob("*.parquet")), lang_column="lang", seed=3)


def _loader(corpus: Path, rank: int, workers: int, start: int = 0) -> DataLoader:
    ds = ShardedItems(_rows(corpus), batch_size=B, rank=rank, world_size=2, start_batch=start)
    return DataLoader(ds, batch_size=None, num_workers=workers)


def test_two_ranks_two_workers_cover_every_row_exactly_once(corpus: Path) -> None:
    seen = []
    for rank in (0, 1):
        for batch in itertools.islice(_loader(corpus, rank, workers=2), N // (2 * B)):
            seen += [text for text, _ in batch]
    assert sorted(seen) == sorted(t for t, _ in _rows(corpus).row_iter(0))
    assert len(set(seen)) == N


def test_resume_restores_the_exact_position_across_epochs(corpus: Path) -> None:
    fresh = list(itertools.islice(_loader(corpus, 1, workers=0), 100))  # 60 batches per epoch
    resumed = list(itertools.islice(_loader(corpus, 1, workers=2, start=37), 63))
    assert resumed == fresh[37:]


def test_epochs_are_reshuffled_and_seeded(corpus: Path) -> None:
    rows = _rows(corpus)
    first, second = list(rows.row_iter(0)), list(rows.row_iter(1))
    assert sorted(first) == sorted(second) and first != second
    assert first == list(_rows(corpus).row_iter(0))


def test_precomputed_and_on_the_fly_romanizations_agree(corpus: Path, tmp_path: Path) -> None:
    romanize_corpus([str(corpus)], tmp_path, RomanizeSpec(lang_column="lang"), workers=1)
    files = sorted(tmp_path.glob("*.parquet"))
    pre = ShardRows(files, lang_column="lang", rom_column="text_rom", seed=1)
    fly = ShardRows(files, lang_column="lang", seed=1)
    a = ShardedItems(pre, batch_size=B).batch(7)
    b = ShardedItems(fly, batch_size=B, romanize=True).batch(7)
    assert a == b and all(len(item) == 3 and item[2] for item in a)


def test_train_spec_with_shards_reads_every_row(corpus: Path) -> None:
    source = parse_source(f"{corpus}:rus")
    assert isinstance(source, ShardSource) and source.count() == N
    items = list(source.iterate(random.Random(0)))
    assert len({t for t, _ in items}) == N and {lang for _, lang in items} == {"rus"}


def test_saved_hf_dataset_is_read_as_shards(tmp_path: Path) -> None:
    datasets = pytest.importorskip("datasets")
    texts = [f"{i:03d} Αθήνα" for i in range(120)]
    datasets.Dataset.from_dict({"text": texts}).save_to_disk(tmp_path / "ds")
    source = parse_source(f"{tmp_path / 'ds'}:ell")
    assert source.count() == 120
    assert sorted(t for t, _ in source.iterate(random.Random(1))) == texts
