"""Rows run by length: the cut is the cheapest under its cost model (checked by brute force),
every row comes back once and in order, and the vectors, gradients and training losses are the
ones one padded forward gives."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import torch

from tokadapt.align import bucketing, make_config, teacher, train
from tokadapt.align.bucketing import AUTO_GROUPS, length_groups, resolve_groups
from tokadapt.align.config import AlignConfig
from tokadapt.align.loss import pool, pool_by_length
from tokadapt.align.model import AlignModel, load
from tokadapt.align.sources import parse_source
from tokadapt.align.trainer import Trainer
from tokadapt.errors import ConfigError


def _cost(groups: list[list[int]], widths: list[int], overhead: float, attention: float) -> float:
    total = 0.0
    for rows in groups:
        w = max(widths[i] for i in rows)
        total += len(rows) * w * (1 + w / attention) + overhead
    return total


def _partitions(items: list[int]) -> Iterator[list[list[int]]]:
    """Every set partition of ``items``."""
    if not items:
        yield []
        return
    first, rest = items[0], items[1:]
    for part in _partitions(rest):
        yield [[first], *part]
        for i in range(len(part)):
            yield [*part[:i], [first, *part[i]], *part[i + 1 :]]


@pytest.mark.parametrize("seed", range(40))
def test_the_cut_is_the_cheapest_of_every_partition(seed: int) -> None:
    rng = random.Random(seed)
    n = rng.randint(1, 7)
    widths = [rng.choice([3, 8, 9, 20, 64, 130, rng.randint(1, 256)]) for _ in range(n)]
    k = rng.randint(1, 4)
    overhead, attention = rng.choice([0.0, 16.0, 512.0]), rng.choice([8.0, 256.0])
    got = length_groups(widths, k, overhead=overhead, attention=attention)
    assert sorted(i for rows in got for i in rows) == list(range(n))  # every row once
    assert 1 <= len(got) <= k
    for rows in got:  # sorted within a group, widest last
        assert [widths[i] for i in rows] == sorted(widths[i] for i in rows)
    best = min(
        _cost(p, widths, overhead, attention) for p in _partitions(list(range(n))) if len(p) <= k
    )
    assert _cost(got, widths, overhead, attention) == pytest.approx(best)


def test_edges_and_settings() -> None:
    assert length_groups([], 8) == []
    assert length_groups([5, 3, 9], 1) == [[1, 0, 2]]  # one forward
    assert length_groups([5, 3, 9], 3, overhead=0.0) == [[1], [0], [2]]
    assert length_groups([4, 4, 4, 4], 8) == [[0, 1, 2, 3]]  # nothing to save
    with pytest.raises(ConfigError, match="max_groups must be >= 1"):
        length_groups([1], 0)
    cpu, cuda = torch.device("cpu"), torch.device("cuda", 0)
    assert resolve_groups(-1, cpu)[0] == AUTO_GROUPS == 8
    assert resolve_groups(-1, cuda)[0] == 1  # the cut would wait for the device
    assert resolve_groups(0, cpu) == (1, "") and resolve_groups(3, cuda) == (3, "")
    assert make_config().length_groups == -1
    with pytest.raises(ConfigError, match="length_groups must be >= 0, or -1 for auto"):
        make_config(length_groups=-2)


TEXTS = [
    "кот",
    "Все люди рождаются свободными и равными в своем достоинстве и правах.",
    "дом кот",
    "Они наделены разумом и совестью и должны поступать в отношении друг друга в духе братства.",
    "Каждый человек имеет право на жизнь, на свободу и на личную неприкосновенность.",
    "пёс",
    "Никто не должен содержаться в рабстве или в подневольном состоянии.",
    "мир",
]


@pytest.mark.parametrize(("pooling", "side"), [("mean-all", "right"), ("mean", "right"),
                                               ("cls", "right"), ("mean", "left")])  # fmt: skip
def test_vectors_and_gradients_are_one_forwards(
    tiny_encoder_dir: Path, xlmr_tokenizer: Any, pooling: Any, side: str, monkeypatch: Any
) -> None:
    monkeypatch.setattr(bucketing, "GROUP_OVERHEAD", 0.0)  # so that 8 short rows are cut
    model = load(tiny_encoder_dir, "off").model.train()
    xlmr_tokenizer.padding_side = side
    try:
        enc = xlmr_tokenizer(TEXTS, padding=True, return_special_tokens_mask=True,
                             return_tensors="pt")  # fmt: skip
    finally:
        xlmr_tokenizer.padding_side = "right"
    ids, mask = enc["input_ids"], enc["attention_mask"]
    special = enc["special_tokens_mask"] | (1 - mask)
    shapes: list[tuple[int, int]] = []

    def hidden_of(i: torch.Tensor, m: torch.Tensor) -> torch.Tensor:
        shapes.append(tuple(i.shape))  # type: ignore[arg-type]
        return model(input_ids=i, attention_mask=m).last_hidden_state

    results = []
    for groups in (1, 8):
        model.zero_grad()
        shapes.clear()
        vec = pool_by_length(hidden_of, ids, mask, special, pooling, groups)
        (vec * torch.linspace(-1, 1, vec.shape[1])).pow(2).sum().backward()
        grads = {n: p.grad.clone() for n, p in model.named_parameters() if p.grad is not None}
        results.append((vec.detach(), grads, list(shapes)))
    (one, one_grads, one_shapes), (grouped, grads, group_shapes) = results
    assert one_shapes == [tuple(ids.shape)]
    torch.testing.assert_close(grouped, one, atol=1e-5, rtol=1e-5)
    assert grads.keys() == one_grads.keys() and grads
    for name, grad in grads.items():
        torch.testing.assert_close(grad, one_grads[name], atol=1e-5, rtol=1e-4, msg=name)
    want = pool(model(input_ids=ids, attention_mask=mask).last_hidden_state, mask, special, pooling)
    torch.testing.assert_close(one, want.detach())
    assert sum(rows for rows, _ in group_shapes) == len(TEXTS)
    if side == "right":  # the short sentences ran apart, each forward only as wide as its rows
        assert len(group_shapes) > 1
        assert sum(r * w for r, w in group_shapes) < ids.numel()
        lengths = sorted(mask.sum(1).tolist())
        assert {w for _, w in group_shapes} <= set(lengths) and max(lengths) == ids.shape[1]
    else:  # left padding: only trailing columns are trimmed, so nothing is cut here
        assert group_shapes == [tuple(ids.shape)]


def test_training_with_groups_takes_the_same_steps(
    tiny_encoder_dir: Path, tmp_path: Path, monkeypatch: Any
) -> None:
    monkeypatch.setattr(bucketing, "GROUP_OVERHEAD", 0.0)  # so that 6 short pairs are cut
    lines = [
        ("Москва", "Moscow"),
        ("Все люди рождаются свободными и равными в своем достоинстве и правах", "All men"),
        ("мы читаем книги", "we read books"),
        ("Каждый человек имеет право на жизнь, на свободу и на личную неприкосновенность", "x"),
        ("дети", "children"),
        ("он пишет письмо", "he writes a letter"),
    ]
    path = tmp_path / "ru.tsv"
    path.write_text("".join(f"{a}\t{b}\n" for a, b in lines), encoding="utf-8")
    runs = {}
    for groups in (8, 1):
        cfg = make_config(steps=4, batch_size=6, layer=-1, precision="fp32", log_every=1,
                          save_every=0, eval_every=0, bucket_window=0, length_groups=groups,
                          pivot_batch_size=3, teacher_cache=0)  # fmt: skip
        tr = Trainer(cfg, tiny_encoder_dir, [parse_source(f"{path}:rus")], tmp_path / str(groups))
        calls: list[int] = []
        tr.module.encoder.register_forward_hook(lambda m, a, o, calls=calls: calls.append(1))
        tr.module.train()
        loader, losses = tr.make_loader(), []
        for _ in range(cfg.steps):
            tr.train_step(tr.module, loader)
            losses.append(tr.meter.read()["loss"])
        runs[groups] = (losses, len(calls))
    (grouped, grouped_calls), (plain, plain_calls) = runs[8], runs[1]
    assert grouped == pytest.approx(plain, rel=1e-5, abs=1e-7)
    assert plain_calls == 4 * 2  # the pairs and the pivot sentences, one forward each
    assert grouped_calls > plain_calls  # the short and the long sentences ran apart
    cfg = make_config(steps=2, batch_size=3, layer=-1, save_every=0, pivot_batch_size=2)
    summary = train(tiny_encoder_dir, [f"{path}:rus"], tmp_path / "run", cfg, device="cpu")
    assert summary["length_groups"] == 8
    assert "rows run by length (8 forwards per batch at most)" in summary["recipe"]
    saved = json.loads((tmp_path / "run" / "align.json").read_text())["config"]
    assert saved["length_groups"] == 8  # resolved, not -1


def test_the_teachers_vectors_are_one_forwards(
    tiny_encoder_dir: Path, xlmr_tokenizer: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr(bucketing, "GROUP_OVERHEAD", 0.0)
    cfg = AlignConfig(layer=-1, keep_weight=1.0, teacher_cache=0, length_groups=8)
    module = AlignModel(load(tiny_encoder_dir, "off").model, cfg, False, xlmr_tokenizer).eval()
    assert module.teacher is not None
    widths: list[int] = []
    module.teacher.register_forward_hook(lambda m, a, k, o: widths.append(k["input_ids"].shape[1]),
                                         with_kwargs=True)  # fmt: skip
    enc = xlmr_tokenizer(TEXTS, padding=True, return_special_tokens_mask=True, return_tensors="pt")
    ids, mask = enc["input_ids"], enc["attention_mask"]
    special = enc["special_tokens_mask"] | (1 - mask)
    grouped = teacher.vectors(module, ids, mask, special)
    assert len(widths) > 1 and max(widths) == ids.shape[1]
    module.length_groups = 1
    torch.testing.assert_close(grouped, teacher.vectors(module, ids, mask, special))
    assert widths[-1] == ids.shape[1]
