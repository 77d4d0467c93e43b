"""The teacher-target cache: each sentence's frozen-teacher vector is computed once, gives what
the teacher gives, and the training run with it takes the same steps as without it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import torch

from tokadapt.align import make_config, teacher, train
from tokadapt.align.config import AlignConfig
from tokadapt.align.model import AlignModel, load
from tokadapt.align.sources import parse_source
from tokadapt.align.teacher import TargetCache
from tokadapt.align.trainer import Trainer
from tokadapt.errors import ConfigError


def _rows(rows: list[list[int]], left: bool = False) -> tuple[torch.Tensor, torch.Tensor]:
    width = max(map(len, rows))
    pad = [[0] * (width - len(r)) for r in rows]
    ids = torch.tensor([p + r if left else r + p for r, p in zip(rows, pad, strict=True)])
    mask = torch.tensor(
        [
            [0] * len(p) + [1] * len(r) if left else [1] * len(r) + [0] * len(p)
            for r, p in zip(rows, pad, strict=True)
        ]
    )
    return ids, mask


class _Counting:
    """A fake teacher: a row's vector is (sum of its attended ids, its length)."""

    def __init__(self) -> None:
        self.calls: list[torch.Tensor] = []

    def __call__(self, ids: torch.Tensor, mask: torch.Tensor, special: torch.Tensor) -> Any:
        self.calls.append(ids.clone())
        return torch.stack([(ids * mask).sum(1), mask.sum(1)], 1).double()


def test_lookup_computes_each_sentence_once() -> None:
    cache, fake = TargetCache(10), _Counting()
    ids, mask = _rows([[5, 6, 7], [8, 9], [5, 6, 7]])
    out = cache.lookup(ids, mask, 1 - mask, fake)
    assert out.tolist() == [[18.0, 3.0], [17.0, 2.0], [18.0, 3.0]] and out.dtype == torch.float32
    assert [c.tolist() for c in fake.calls] == [[[5, 6, 7], [8, 9, 0]]]  # once each, trimmed
    assert (cache.hits, cache.misses, len(cache), cache.drain()) == (1, 2, 2, (5, 13))
    # the same sentences under other padding (left, wider), plus a new one
    ids, mask = _rows([[4], [8, 9], [5, 6, 7], [1, 2, 3, 4, 5]], left=True)
    out = cache.lookup(ids, mask, 1 - mask, fake)
    assert out.tolist() == [[4.0, 1.0], [17.0, 2.0], [18.0, 3.0], [15.0, 5.0]]
    assert [c.tolist() for c in fake.calls[1:]] == [[[0, 0, 0, 0, 4], [1, 2, 3, 4, 5]]]
    assert (cache.hits, cache.misses, cache.drain(), cache.drain()) == (3, 4, (6, 26), (0, 0))


def test_full_cache_stops_growing_and_still_answers() -> None:
    cache, fake = TargetCache(1), _Counting()
    ids, mask = _rows([[5, 6], [7]])
    for _ in range(2):
        assert cache.lookup(ids, mask, 1 - mask, fake).tolist() == [[11.0, 2.0], [7.0, 1.0]]
    assert len(cache) == 1 and [c.shape[0] for c in fake.calls] == [2, 1]  # [7] is recomputed
    with pytest.raises(ValueError, match=">= 1"):
        TargetCache(0)


def test_config_and_when_there_is_a_cache() -> None:
    assert make_config().teacher_cache == -1  # auto
    with pytest.raises(ConfigError, match="teacher_cache must be >= 0, or -1 for auto"):
        make_config(teacher_cache=-2)
    cpu, cuda = torch.device("cpu"), torch.device("cuda", 0)
    assert teacher.resolve_cache(-1, cpu)[0] == teacher.AUTO_CACHE == 100_000
    assert teacher.resolve_cache(-1, cuda)[0] == 0  # a lookup would wait for the device
    assert teacher.resolve_cache(5, cuda) == (5, "") and teacher.resolve_cache(0, cpu) == (0, "")
    cache = teacher.make_cache(AlignConfig(keep_weight=1.0))
    assert cache is not None and cache.capacity == 100_000
    assert teacher.make_cache(AlignConfig(keep_weight=1.0, teacher_cache=0)) is None
    assert teacher.make_cache(AlignConfig()) is None  # no term reads the teacher


def _sentences(tokenizer: Any, texts: list[str]) -> tuple[torch.Tensor, ...]:
    enc = tokenizer(texts, padding=True, return_special_tokens_mask=True, return_tensors="pt")
    special = enc["special_tokens_mask"] | (1 - enc["attention_mask"])
    return enc["input_ids"], enc["attention_mask"], special


@pytest.mark.parametrize("separate", [False, True])
def test_cached_vectors_are_the_teachers(
    tiny_encoder_dir: Path, xlmr_tokenizer: Any, separate: bool
) -> None:
    cfg = AlignConfig(layer=-1, keep_weight=1.0, distill_weight=1.0)
    if separate:  # a teacher with its own tokenizer: decoded and re-tokenized for it
        cfg.teacher = str(tiny_encoder_dir)
    model = AlignModel(load(tiny_encoder_dir, "off").model, cfg, False, xlmr_tokenizer).eval()
    plain = AlignModel(
        load(tiny_encoder_dir, "off").model,
        AlignConfig(**{**cfg.to_dict(), "teacher_cache": 0}),
        False,
        xlmr_tokenizer,
    ).eval()
    assert model.target_cache is not None and plain.target_cache is None
    forwards: list[int] = []
    assert model.teacher is not None
    model.teacher.register_forward_hook(lambda m, a, k: forwards.append(1), with_kwargs=False)
    first = ["кот дом", "Всеобщая декларация прав человека", "кот дом"]
    second = ["Всеобщая декларация прав человека", "пёс", "кот дом"]  # other widths
    for texts, misses in ((first, 2), (second, 3)):  # the second adds one new sentence
        ids, mask, special = _sentences(xlmr_tokenizer, texts)
        got = teacher.vectors(model, ids, mask, special)
        want = teacher.vectors(plain, ids, mask, special)
        torch.testing.assert_close(got, want, atol=1e-5, rtol=1e-5)
        assert model.target_cache.misses == misses
    assert len(forwards) == 2  # one teacher forward per batch, on its new sentences only


def test_training_with_the_cache_takes_the_same_steps(
    tiny_encoder_dir: Path, tmp_path: Path
) -> None:
    lines = [
        ("Москва большой город", "Moscow is a big city"),
        ("кот спит дома", "the cat sleeps at home"),
        ("мы читаем книги", "we read books"),
        ("сегодня идёт дождь", "it is raining today"),
        ("дети играют во дворе", "children play in the yard"),
        ("он пишет письмо", "he writes a letter"),
    ]
    path = tmp_path / "ru.tsv"
    path.write_text("".join(f"{a}\t{b}\n" for a, b in lines), encoding="utf-8")
    runs = {}
    for size in (100_000, 0):
        cfg = make_config(
            steps=6,
            batch_size=3,
            layer=-1,
            precision="fp32",
            log_every=1,
            save_every=0,
            eval_every=0,
            bucket_window=0,
            teacher_cache=size,
            pivot_batch_size=2,
        )
        tr = Trainer(cfg, tiny_encoder_dir, [parse_source(f"{path}:rus")], tmp_path / str(size))
        tr.module.train()
        loader, losses, flops = tr.make_loader(), [], []
        for _ in range(cfg.steps):
            tr.train_step(tr.module, loader)
            record = tr.meter.read()
            losses.append(record["loss"])
            flops.append(record["flops_per_step"])
        runs[size] = (losses, flops, tr.module.target_cache)
    (cached, cached_flops, cache), (plain, plain_flops, none) = runs[100_000], runs[0]
    assert none is None and cache is not None
    assert cached == pytest.approx(plain, rel=1e-4, abs=1e-6)
    # 6 originals and 6 translations, every one computed once, then read back from the cache
    assert len(cache) == 12 and cache.misses == 12 and cache.hits == 6 * 3 * 2 - 12
    assert cached_flops[0] >= plain_flops[0]  # first step: translations charged too
    assert all(c < p for c, p in zip(cached_flops[2:], plain_flops[2:], strict=True))
    cfg = make_config(steps=4, batch_size=3, layer=-1, save_every=0, pivot_batch_size=2)
    summary = train(tiny_encoder_dir, [f"{path}:rus"], tmp_path / "run", cfg, device="cpu")
    stats = summary["teacher_cache"]
    assert stats["sentences"] == stats["misses"] > 0 and stats["hits"] > 0
    assert "teacher vectors cached (100000 sentences at most)" in summary["recipe"]
    saved = json.loads((tmp_path / "run" / "align.json").read_text())["config"]
    assert saved["teacher_cache"] == 100_000  # resolved, not -1
