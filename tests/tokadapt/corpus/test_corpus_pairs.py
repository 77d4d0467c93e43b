"""Training items from shards (tokadapt.align.shards + feeds): ranks x workers split, exact
resume, bucketing, precomputed romanizations."""

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

from tokadapt.align.feeds import ItemBatches, ShardFeed  # noqa: E402
from tokadapt.align.shards import ShardRows, ShardSource, merge_shards  # noqa: E402
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


def _batches(corpus: Path, rank: int, start: int = 0) -> ItemBatches:
    feed = ShardFeed(_rows(corpus))
    return ItemBatches(feed, B, rank=rank, world_size=2, chunks=5, bucketed=True, start=start)


def _loader(corpus: Path, rank: int, workers: int, start: int = 0) -> DataLoader:
    return DataLoader(_batches(corpus, rank, start), batch_size=None, num_workers=workers)


def test_two_ranks_two_workers_cover_every_row_exactly_once(corpus: Path) -> None:
    ids, texts = [], []
    for rank in (0, 1):
        for _, (items, batch_ids) in itertools.islice(_loader(corpus, rank, 2), N // (2 * B)):
            ids += batch_ids
            texts += [t for t, _ in items]
    assert sorted(ids) == list(range(N))  # row ids: every row of the epoch, once
    assert sorted(texts) == sorted(t for t, _ in _rows(corpus).row_iter(0))


def test_global_batch_does_not_depend_on_the_number_of_ranks(corpus: Path) -> None:
    halves = [
        [ids for _, (_, ids) in itertools.islice(_batches(corpus, r).iterate(), 10)] for r in (0, 1)
    ]
    two = ItemBatches(ShardFeed(_rows(corpus)), 2 * B, chunks=5, bucketed=True)
    assert [ids for _, (_, ids) in itertools.islice(two, 10)] == [
        a + b for a, b in zip(*halves, strict=True)
    ]


def test_resume_restores_the_exact_position_across_epochs(corpus: Path) -> None:
    fresh = list(itertools.islice(_loader(corpus, 1, workers=0), 100))  # 60 batches per epoch
    resumed = list(itertools.islice(_loader(corpus, 1, workers=2, start=37), 63))
    assert resumed == fresh[37:]
    assert [k for k, _ in fresh] == list(range(100))


def test_buckets_group_lengths(corpus: Path) -> None:
    def spread(bucketed: bool) -> float:
        feed = ShardFeed(_rows(corpus))
        batches = ItemBatches(feed, B, chunks=20, bucketed=bucketed)
        got = itertools.islice(batches.iterate(), 60)
        lens = [[len(t.encode()) for t, _ in items] for _, (items, _) in got]
        return sum(max(x) - min(x) for x in lens) / len(lens)

    assert spread(True) < 0.3 * spread(False)


def test_epochs_are_reshuffled_and_seeded(corpus: Path) -> None:
    rows = _rows(corpus)
    first, second = list(rows.row_iter(0)), list(rows.row_iter(1))
    assert sorted(first) == sorted(second) and first != second
    assert first == list(_rows(corpus).row_iter(0))


def test_precomputed_and_on_the_fly_romanizations_agree(corpus: Path, tmp_path: Path) -> None:
    from tokadapt.align.pairs import PairStream
    from tokadapt.data.resources import xlmr_fast_tokenizer

    romanize_corpus([str(corpus)], tmp_path, RomanizeSpec(lang_column="lang"), workers=1)
    pre = ShardSource(tmp_path, lang_column="lang", rom_column="text_rom")
    rows = merge_shards([pre], seed=1)
    items = [rows.at(q)[1] for q in range(40)]
    stream = PairStream([pre], xlmr_fast_tokenizer(), batch_size=B, max_length=32)
    assert stream.romanize(items) == [item[2] for item in items]
    assert stream.romanize([item[:2] for item in items]) == [item[2] for item in items]


def test_train_spec_with_shards_reads_every_row(corpus: Path) -> None:
    source = parse_source(f"{corpus}:rus")
    assert isinstance(source, ShardSource) and source.count() == N
    items = list(source.iterate(random.Random(0)))
    assert len({t for t, _ in items}) == N and {lang for _, lang in items} == {"rus"}
    globbed = parse_source(f"{corpus}/s[01].parquet:ell")
    assert isinstance(globbed, ShardSource) and globbed.count() == 640


def test_saved_hf_dataset_is_read_as_shards(tmp_path: Path) -> None:
    datasets = pytest.importorskip("datasets")
    texts = [f"{i:03d} Αθήνα" for i in range(120)]
    datasets.Dataset.from_dict({"text": texts}).save_to_disk(tmp_path / "ds")
    source = parse_source(f"{tmp_path / 'ds'}:ell")
    assert source.count() == 120
    assert sorted(t for t, _ in source.iterate(random.Random(1))) == texts
