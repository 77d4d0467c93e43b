"""Distillation loss, keep-best / early stopping, and the recipe chosen by model kind."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest
import torch

from tokadapt.align import make_config, train
from tokadapt.align.config import AlignConfig, auto_eval_every, resolve_recipe
from tokadapt.align.loss import distill_loss
from tokadapt.align.model import AlignModel, load
from tokadapt.align.selection import Selector, dev_score

FAST = {"batch_size": 8, "lr": 2e-2, "log_every": 1, "shuffle_buffer": 64}


def test_distill_loss_by_hand() -> None:
    student = torch.tensor([[1.0, 0.0], [0.0, 2.0]], requires_grad=True)
    teacher = torch.tensor([[3.0, 0.0], [1.0, 0.0]], requires_grad=True)
    loss = distill_loss(student, teacher)
    assert loss.item() == pytest.approx((0.0 + 1.0) / 2)  # cos 1 and cos 0
    loss.backward()
    assert teacher.grad is None  # the teacher is a fixed target


def test_teacher_is_frozen_and_not_saved(tiny_encoder_dir: Path, xlmr_tokenizer: Any) -> None:
    cfg = AlignConfig(layer=-1, keep_weight=1.0, distill_weight=1.0, similarity="cosine")
    module = AlignModel(load(tiny_encoder_dir, "off").model, cfg, use_mlm=False)
    assert module.teacher is not None
    assert not any(k.startswith("_teacher") for k in module.state_dict())
    enc = xlmr_tokenizer(
        ["кот", "пёс", "kot", "pyos"],
        padding=True,
        return_special_tokens_mask=True,
        return_tensors="pt",
    )
    parts = module.eval()({k: v for k, v in enc.items() if k != "token_type_ids"})
    assert float(parts["keep"]) == pytest.approx(0.0, abs=1e-6)  # student == teacher at start
    assert float(parts["distill"]) > 0


class _Lin(torch.nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.w = torch.nn.Parameter(torch.zeros(2))


def test_keep_best_restores_and_early_stops() -> None:
    model, sel = _Lin(), Selector(keep_best=True, patience=2)
    curve = {0: 0.5, 10: 0.7, 20: 0.6, 30: 0.65}
    stops = []
    for step, score in curve.items():
        with torch.no_grad():
            model.w.fill_(step)
        stops.append(sel.offer(step, {"all/rom_top1": score, "x/rom_top1": 1.0}, model))
    assert stops == [False, False, False, True] and sel.best == (10, 0.7)
    assert sel.restore(model) and torch.equal(model.w, torch.full((2,), 10.0))
    scores = {"a/rom_top1": 0.2, "a/rom_en_top1": 0.4, "a/par_top1": 0.0}
    assert dev_score(scores) == pytest.approx(0.3)


def test_auto_recipe_by_model_kind() -> None:
    cfg = make_config(steps=5, layer=3)
    assert cfg.recipe == "auto" and cfg.explicit == ["layer", "steps"]
    enc, why = resolve_recipe(cfg, has_mlm_head=False)
    assert enc.recipe == "distill" and enc.keep_weight > 0 and enc.layer == 3  # explicit wins
    assert enc.pivot_weight > 0 and enc.distill_metric == "mse" and enc.tcm_weight == 0.1
    assert enc.pooling == "mean-all" and "mean-all" in why  # as sentence-transformers pool
    assert "chosen automatically" in why and "['layer']" in why
    mlm, why = resolve_recipe(cfg, has_mlm_head=True)
    assert mlm.recipe == "transliCo" and mlm.keep_weight == mlm.pivot_weight == 0
    assert "MLM head" in why
    given, why = resolve_recipe(make_config("cosine"), has_mlm_head=False)
    assert given.recipe == "cosine" and given.layer == 8 and "given" in why


def test_keep_best_with_dev_sets_evaluates_during_training() -> None:
    enc, _ = resolve_recipe(make_config(steps=120), has_mlm_head=False)
    assert enc.patience == 3 and enc.eval_every == 0
    auto, note = auto_eval_every(enc, has_eval=True)
    assert auto.eval_every == 12 and "every 12 steps" in note
    assert auto_eval_every(enc, has_eval=False) == (enc, "")  # no dev sets: nothing to select on
    given, _ = resolve_recipe(make_config(steps=120, eval_every=50), has_mlm_head=False)
    assert auto_eval_every(given, has_eval=True) == (given, "")  # the user's value stands
    tcm, _ = resolve_recipe(make_config("transliCo", steps=120), has_mlm_head=True)
    assert auto_eval_every(tcm, has_eval=True) == (tcm, "")  # no keep-best: no change


def _eval_file(corpus: dict[str, Path], lang: str, code: str, root: Path) -> str:
    import babel

    en, xx = babel.Locale("en").territories, babel.Locale(lang).territories
    keys = sorted(k for k in en if k in xx and k.isalpha())[:12]
    path = root / f"{lang}.tsv"
    path.write_text("".join(f"{xx[k]}\t{en[k]}\n" for k in keys), encoding="utf-8")
    return f"{path}:{code}"


def test_trainer_logs_choice_and_selects(
    tiny_encoder_dir: Path,
    train_specs: list[str],
    corpus: dict[str, Path],
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    evals = [_eval_file(corpus, "ru", "rus", tmp_path), _eval_file(corpus, "el", "ell", tmp_path)]
    cfg = make_config(steps=4, eval_every=2, max_length=16, rom_max_length=24, **FAST)
    with caplog.at_level(logging.INFO, logger="tokadapt.align.trainer"):
        result = train(tiny_encoder_dir, train_specs, tmp_path / "out", cfg, eval=evals)
    assert "recipe 'distill' chosen automatically" in caplog.text
    assert result["recipe"].startswith("recipe 'distill'") and result["best_step"] >= 0
    records = [json.loads(x) for x in (tmp_path / "out" / "metrics.jsonl").open()]
    assert records[0]["event"] == "config"
    evals_logged = [r for r in records if r["event"] == "eval"]
    assert [r["step"] for r in evals_logged] == [0, 2, 4]
    assert {"all/rom_top1", "all/rom_en_top1", "all/orig_en_top1"} <= set(evals_logged[0])
    train_rec = [r for r in records if r["event"] == "train"]
    assert {"keep", "distill", "pivot"} <= set(train_rec[0])
    meta = json.loads((tmp_path / "out" / "align.json").read_text())
    assert meta["config"]["recipe"] == "distill" and meta["config"]["layer"] == -1


def test_guard_refuses_steps_that_lose_original_retrieval() -> None:
    model, sel = _Lin(), Selector(keep_best=True)
    start = {"all/rom_top1": 0.1, "all/rom_en_top1": 0.3, "all/orig_en_top1": 0.9}
    worse = {"all/rom_top1": 0.5, "all/rom_en_top1": 0.4, "all/orig_en_top1": 0.85}
    better = {"all/rom_top1": 0.3, "all/rom_en_top1": 0.35, "all/orig_en_top1": 0.895}
    sel.offer(0, start, model)
    sel.offer(12, worse, model)  # higher mean, but orig->en fell 5 points: not eligible
    assert sel.best_step == 0 and sel.guarded == [12]
    sel.offer(24, better, model)  # within the 1-point guard
    assert sel.best_step == 24


def test_guard_tolerates_one_query_on_a_small_dev_set() -> None:
    model, sel = _Lin(), Selector(keep_best=True)
    start = {"all/rom_top1": 0.1, "all/orig_en_top1": 0.9, "all/queries": 50.0}
    one = {"all/rom_top1": 0.5, "all/orig_en_top1": 0.88, "all/queries": 50.0}  # 1 of 50
    two = {"all/rom_top1": 0.9, "all/orig_en_top1": 0.86, "all/queries": 50.0}  # 2 of 50
    for step, scores in enumerate((start, one, two)):
        sel.offer(step, scores, model)
    assert sel.best_step == 1 and sel.guarded == [2]
    big = Selector(keep_best=False)  # 1000 queries: the 1-point guard itself
    big.offer(0, {**start, "all/queries": 1000.0}, model)
    big.offer(1, {**one, "all/queries": 1000.0}, model)
    assert big.guarded == [1]
