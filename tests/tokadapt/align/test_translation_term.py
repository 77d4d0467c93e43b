"""Training lines with a translation (``text<TAB>translation``): parsed, split pair by pair,
carried through the batch to the right pairs, and the ``translation`` distillation term."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest
import torch

from tokadapt.align.config import PRESETS, AlignConfig
from tokadapt.align.model import AlignModel, load
from tokadapt.align.pairs import PairStream
from tokadapt.align.sentences import split_pair, split_translation
from tokadapt.align.sources import SentenceSplit, TextSource
from tokadapt.errors import ConfigError


def test_split_translation_and_pairs() -> None:
    assert split_translation("Кот.\tThe cat.") == ("Кот.", "The cat.")
    assert split_translation("Кот.") == ("Кот.", None)
    assert split_translation("Кот.\t  ") == ("Кот.", None)
    assert split_translation(" Кот. \tA\tB ") == ("Кот.", "A\tB")
    # as many sentences on both sides: pair by pair; otherwise the line stays one pair
    assert split_pair("Кот спит. Пёс лает.\tThe cat sleeps. The dog barks.") == [
        "Кот спит.\tThe cat sleeps.",
        "Пёс лает.\tThe dog barks.",
    ]
    assert split_pair("Кот спит. Пёс лает.\tThe cat sleeps and the dog barks.") == [
        "Кот спит. Пёс лает.\tThe cat sleeps and the dog barks."
    ]
    assert split_pair("Кот спит. Пёс лает.") == ["Кот спит.", "Пёс лает."]


def _stream(path: Path, tok: Any, **kw: Any) -> PairStream:
    return PairStream(
        [SentenceSplit(TextSource(path, "rus"))], tok, batch_size=8, max_length=32, **kw
    )


def test_batch_carries_each_translation_to_its_pair(tmp_path: Path, xlmr_tokenizer: Any) -> None:
    path = tmp_path / "train.txt"
    path.write_text(
        "Кот спит. Пёс лает.\tThe cat sleeps. The dog barks.\n"
        "Мир\n"  # no translation
        "Дом стоит.\tThe house stands.\n"
        "Latin only\tLatin only\n",  # romanization == text: the pair is dropped
        encoding="utf-8",
    )
    items = list(SentenceSplit(TextSource(path, "rus")).iterate(random.Random(0)))
    stream = _stream(path, xlmr_tokenizer, rom_max_length=64)
    batch = stream.make_batch(items, 0)
    n = batch["pairs"]
    origs = xlmr_tokenizer.batch_decode(batch["input_ids"][:n], skip_special_tokens=True)
    assert origs == ["Кот спит.", "Пёс лает.", "Мир", "Дом стоит."]
    trans = xlmr_tokenizer.batch_decode(batch["trans_ids"], skip_special_tokens=True)
    got = dict(zip(batch["trans_index"].tolist(), trans, strict=True))
    assert got == {0: "The cat sleeps.", 1: "The dog barks.", 3: "The house stands."}
    # only the text is romanized: the translation never reaches the romanized side
    roms = xlmr_tokenizer.batch_decode(batch["input_ids"][n:], skip_special_tokens=True)
    assert not any("The" in r for r in roms)
    assert batch["trans_special"].shape == batch["trans_ids"].shape


def test_a_text_cut_to_its_budget_loses_its_translation(
    tmp_path: Path, xlmr_tokenizer: Any
) -> None:
    path = tmp_path / "train.txt"
    long = "Всё это очень длинное предложение про права человека и свободы"
    path.write_text(f"{long}\tAll this is a long sentence.\nКот.\tA cat.\n", encoding="utf-8")
    stream = PairStream(
        [TextSource(path, "rus")], xlmr_tokenizer, batch_size=4, max_length=8, rom_max_length=16
    )
    items = list(TextSource(path, "rus").iterate(random.Random(0)))
    batch = stream.make_batch(items, 0)
    assert batch["trans_index"].tolist() == [1]  # the cut pair has no translation left


def test_no_translation_no_tensors(tmp_path: Path, xlmr_tokenizer: Any) -> None:
    path = tmp_path / "train.txt"
    path.write_text("Кот.\nПёс.\n", encoding="utf-8")
    batch = _stream(path, xlmr_tokenizer).make_batch([("Кот.", "rus"), ("Пёс.", "rus")], 0)
    assert not any(k.startswith("trans_") for k in batch)


def _batch(stream: PairStream, items: list[tuple[str, str]]) -> dict[str, torch.Tensor]:
    raw = stream.make_batch(items, 0)
    return {k: v for k, v in raw.items() if isinstance(v, torch.Tensor)}


@pytest.mark.parametrize("separate", [False, True])
def test_translation_term_targets_the_teacher_vector_of_the_right_translation(
    tiny_encoder_dir: Path, xlmr_tokenizer: Any, tmp_path: Path, separate: bool
) -> None:
    """With the romanization itself as the 'translation', the student (still equal to its
    teacher) meets the target exactly, so the term is 0; pointing a translation at another
    pair's row makes it positive. A separate teacher re-tokenizes the translations."""
    cfg = AlignConfig(layer=-1, similarity="cosine", distill_metric="mse", translation_weight=1.0)
    if separate:
        cfg.teacher = str(tiny_encoder_dir)
    module = AlignModel(load(tiny_encoder_dir, "off").model, cfg, False, xlmr_tokenizer).eval()
    path = tmp_path / "x.txt"
    path.write_text("-\n", encoding="utf-8")
    stream = _stream(path, xlmr_tokenizer)
    roms = stream.romanize([("Кот дом.", "rus"), ("Пёс.", "rus")])
    items = [("Кот дом.\t" + roms[0], "rus"), ("Пёс.\t" + roms[1], "rus")]
    batch = _batch(stream, items)
    with torch.no_grad():
        parts = module(batch)
        assert float(parts["translation"]) == pytest.approx(0.0, abs=1e-9)
        batch["trans_index"] = batch["trans_index"].flip(0)  # each to the other pair's target
        assert float(module(batch)["translation"]) > 1e-4
        plain = _batch(stream, [("Кот дом.", "rus"), ("Пёс.", "rus")])
        assert float(module(plain)["translation"]) == 0.0  # no translations: kept at 0
    module.train()
    batch = _batch(stream, [("Кот дом.\tThe cat.", "rus"), ("Пёс.", "rus")])
    parts = module(batch)
    parts["translation"].backward()
    grads = [p.grad for p in module.hf_model.parameters() if p.grad is not None]
    assert grads and any(float(g.abs().sum()) > 0 for g in grads)


def test_original_side_translation_term(
    tiny_encoder_dir: Path, xlmr_tokenizer: Any, tmp_path: Path
) -> None:
    """``original_translation_weight`` pulls the *original* side: with the original sentence
    itself as the 'translation' it is exactly 0 while the romanized-side term is not, and it
    is off (absent) by default."""
    cfg = AlignConfig(
        layer=-1,
        similarity="cosine",
        distill_metric="mse",
        translation_weight=1.0,
        original_translation_weight=1.0,
    )
    module = AlignModel(load(tiny_encoder_dir, "off").model, cfg, False, xlmr_tokenizer).eval()
    path = tmp_path / "x.txt"
    path.write_text("-\n", encoding="utf-8")
    stream = _stream(path, xlmr_tokenizer)
    batch = _batch(stream, [("Кот дом.\tКот дом.", "rus"), ("Пёс.\tПёс.", "rus")])
    with torch.no_grad():
        parts = module(batch)
        assert float(parts["translation_orig"]) == pytest.approx(0.0, abs=1e-9)
        assert float(parts["translation"]) > 1e-4  # romanized vectors are not the originals'
        batch["trans_index"] = batch["trans_index"].flip(0)
        assert float(module(batch)["translation_orig"]) > 1e-4
        plain = _batch(stream, [("Кот дом.", "rus"), ("Пёс.", "rus")])
        assert float(module(plain)["translation_orig"]) == 0.0
    cfg.original_translation_weight = 0.0
    off = AlignModel(load(tiny_encoder_dir, "off").model, cfg, False, xlmr_tokenizer).eval()
    with torch.no_grad():
        assert "translation_orig" not in off(batch)
    with pytest.raises(ConfigError, match="original_translation_weight"):
        AlignConfig(original_translation_weight=-1.0).validate()


def test_translation_weight_is_checked_and_in_the_distill_recipe() -> None:
    with pytest.raises(ConfigError, match="translation_weight"):
        AlignConfig(translation_weight=-1.0).validate()
    assert PRESETS["distill"].get("translation_weight", 0) > 0
    assert PRESETS["distill"].get("original_translation_weight", 0) > 0


def test_pivot_defaults_to_the_training_translations(tmp_path: Path) -> None:
    from tokadapt.align.pivot import auto_pivot, read_pivot

    tr = tmp_path / "tr.txt"
    tr.write_text("Кот.\tThe cat.\nМир\nДом.\tA house.\n", encoding="utf-8")
    plain = tmp_path / "p.txt"
    plain.write_text("Пёс.\nКот.\n", encoding="utf-8")
    cfg = AlignConfig(pivot_weight=1.0)
    got, note = auto_pivot(cfg, [TextSource(tr, "rus"), TextSource(plain, "rus")])
    assert got.pivot == [str(tr)] and "translation column of 1 training file" in note
    assert read_pivot(got.pivot) == ["The cat.", "A house."]  # the untranslated line is no pivot
    assert auto_pivot(AlignConfig(pivot_weight=0.0), [TextSource(tr)])[0].pivot == []
    given = AlignConfig(pivot_weight=1.0, pivot=[str(plain)])
    assert auto_pivot(given, [TextSource(tr)]) == (given, "")
    assert auto_pivot(cfg, [TextSource(plain)]) == (cfg, "")  # no translations: built-in sample


def test_a_tab_in_dataset_rows_is_a_space(xlmr_tokenizer: Any) -> None:
    from tokadapt.align.sources import RowsSource

    rows = RowsSource([{"text": "Кот.\tThe cat."}], lang="rus")
    items = list(rows.iterate(random.Random(0)))
    assert items == [("Кот. The cat.", "rus")]
    stream = PairStream([rows], xlmr_tokenizer, batch_size=2, max_length=32)
    batch = stream.make_batch(items, 0)
    assert not any(k.startswith("trans_") for k in batch)
    origs = xlmr_tokenizer.batch_decode(batch["input_ids"][:1], skip_special_tokens=True)
    assert origs == ["Кот. The cat."]  # the whole row is the sentence


def test_text_file_translations_next_to_rows_without_any(
    tmp_path: Path, xlmr_tokenizer: Any
) -> None:
    """Each source on its own: a text file's English is read, a row's tab is text."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from tokadapt.align.shards import ShardSource, merge_shards
    from tokadapt.align.sources import RowsSource

    tr = tmp_path / "ru.tsv"
    tr.write_text("Кот.\tThe cat.\n", encoding="utf-8")
    pq.write_table(pa.table({"text": ["Пёс\tлает."], "en": [""]}), tmp_path / "part-0.parquet")
    shard = ShardSource(tmp_path / "part-0.parquet", "rus", translation_column="en")
    plain_shard = ShardSource(tmp_path / "part-0.parquet", "rus")
    rows = RowsSource([{"text": "Дом\tстоит."}], lang="rus")
    for other in (shard, plain_shard):
        item = merge_shards([other]).row(0, 0)[1]
        assert item[0] == "Пёс лает."  # an empty translation does not make the tab one
    # text files and dataset rows may be given together (shards go alone)
    items = [*TextSource(tr, "rus").iterate(random.Random(0)), *rows.iterate(random.Random(0))]
    stream = PairStream([TextSource(tr, "rus"), rows], xlmr_tokenizer, batch_size=4, max_length=32)
    batch = stream.make_batch(items, 0)
    n = batch["pairs"]
    origs = xlmr_tokenizer.batch_decode(batch["input_ids"][:n], skip_special_tokens=True)
    assert origs == ["Кот.", "Дом стоит."]
    trans = xlmr_tokenizer.batch_decode(batch["trans_ids"], skip_special_tokens=True)
    assert batch["trans_index"].tolist() == [0] and trans == ["The cat."]


def test_dataset_rows_with_a_translation_column(xlmr_tokenizer: Any) -> None:
    from tokadapt.align.feeds import with_columns
    from tokadapt.align.sources import RowsSource
    from tokadapt.errors import InputFileError

    data = [
        {"text": "Кот.", "en": "The cat."},
        {"text": "Пёс\tлает.", "en": "The dog barks."},
        {"text": "Дом.", "en": ""},
        {"text": "Сад.", "en": None},
    ]
    src = RowsSource(data, lang="rus", translation_column="en")
    assert src.count() == 4
    rows = list(src.iterate(random.Random(0)))
    assert sorted(r[0] for r in rows) == [
        "Дом.",
        "Кот.\tThe cat.",
        "Пёс лает.\tThe dog barks.",
        "Сад.",
    ]
    # sentence-split rows keep their translation when both sides split alike
    split = list(SentenceSplit(src).iterate(random.Random(0)))
    assert sorted(r[0] for r in split) == sorted(r[0] for r in rows)
    stream = PairStream([SentenceSplit(src)], xlmr_tokenizer, batch_size=4, max_length=32)
    batch = stream.make_batch(split, 0)
    n = batch["pairs"]
    origs = xlmr_tokenizer.batch_decode(batch["input_ids"][:n], skip_special_tokens=True)
    trans = xlmr_tokenizer.batch_decode(batch["trans_ids"], skip_special_tokens=True)
    got = {origs[i]: t for i, t in zip(batch["trans_index"].tolist(), trans, strict=True)}
    assert got == {"Кот.": "The cat.", "Пёс лает.": "The dog barks."}  # each its own row's
    # the configured column reaches rows that name none; a row source's own column wins
    plain = RowsSource(data, lang="rus")
    assert with_columns(plain, AlignConfig(translation_column="en")).translation_column == "en"
    own = RowsSource(data, lang="rus", translation_column="text")
    assert with_columns(own, AlignConfig(translation_column="en")).translation_column == "text"
    assert with_columns(plain, AlignConfig()).translation_column is None
    with pytest.raises(InputFileError, match="no column 'de'"):
        RowsSource(data, translation_column="de").count()


def test_distill_run_on_dataset_rows_with_translations(
    tiny_encoder_dir: Path, tmp_path: Path
) -> None:
    """The Python API with dataset rows: the configured translation column trains the term."""
    import json

    from tokadapt.align import make_config, train
    from tokadapt.align.sources import RowsSource

    rows = [
        {"text": t, "en": e}
        for t, e in [
            ("Кот спит.", "The cat sleeps."), ("Пёс лает.", "The dog barks."),
            ("Дом стоит.", "The house stands."), ("Мир велик.", "The world is big."),
        ]
    ]  # fmt: skip
    cfg = make_config(
        "distill", steps=2, batch_size=4, log_every=1, warmup_steps=0, translation_column="en"
    )
    train(tiny_encoder_dir, [RowsSource(rows, lang="rus")], tmp_path / "out", cfg)
    logged = [json.loads(x) for x in (tmp_path / "out" / "metrics.jsonl").open()]
    terms = [r["translation"] for r in logged if r.get("event") == "train"]
    assert terms and all(t > 0 for t in terms)


def test_shards_with_a_translation_column(tmp_path: Path, xlmr_tokenizer: Any) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    from tokadapt.align.feeds import with_columns
    from tokadapt.align.shards import ShardSource, merge_shards

    table = pa.table(
        {"text": ["Кот.", "Пёс\tлает.", "Дом."], "en": ["The cat.", "The dog barks.", ""]}
    )
    pq.write_table(table, tmp_path / "part-0.parquet")
    src = ShardSource(tmp_path, "rus", translation_column="en")
    rows = [merge_shards([src]).row(0, g)[1] for g in range(3)]
    assert sorted(r[0] for r in rows) == ["Дом.", "Кот.\tThe cat.", "Пёс лает.\tThe dog barks."]
    batch = PairStream([src], xlmr_tokenizer, batch_size=4, max_length=32).make_batch(rows, 0)
    n = batch["pairs"]
    origs = xlmr_tokenizer.batch_decode(batch["input_ids"][:n], skip_special_tokens=True)
    trans = xlmr_tokenizer.batch_decode(batch["trans_ids"], skip_special_tokens=True)
    got = {origs[i]: t for i, t in zip(batch["trans_index"].tolist(), trans, strict=True)}
    assert got == {"Кот.": "The cat.", "Пёс лает.": "The dog barks."}
    plain = ShardSource(tmp_path, "rus")  # without the column: no translations read
    plain_rows = [merge_shards([plain]).row(0, g)[1] for g in range(3)]
    assert not any("The" in r[0] for r in plain_rows)
    cfg = AlignConfig(translation_column="en")
    assert with_columns(plain, cfg).translation_column == "en"
    with pytest.raises(ConfigError, match="names a shard column"):
        with_columns(TextSource(tmp_path / "x.txt", "rus"), cfg)


def test_distill_run_on_parallel_text_trains_the_term(
    tiny_encoder_dir: Path, tmp_path: Path
) -> None:
    """End to end: the term is in the logged loss and the pivot set is the English column."""
    import json

    from tokadapt.align import make_config, train

    lines = [
        "Кот спит.\tThe cat sleeps.", "Пёс лает.\tThe dog barks.", "Дом стоит.\tThe house stands.",
        "Мир велик.\tThe world is big.", "Снег идёт.\tIt is snowing.",
    ]  # fmt: skip
    (tmp_path / "ru.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    cfg = make_config("distill", steps=2, batch_size=4, log_every=1, warmup_steps=0)
    result = train(tiny_encoder_dir, [f"{tmp_path / 'ru.tsv'}:rus"], tmp_path / "out", cfg)
    assert "pivot sentences: the translation column of 1 training file" in result["recipe"]
    logged = [json.loads(x) for x in (tmp_path / "out" / "metrics.jsonl").open()]
    terms = [r["translation"] for r in logged if r.get("event") == "train"]
    assert terms and all(t > 0 for t in terms)
