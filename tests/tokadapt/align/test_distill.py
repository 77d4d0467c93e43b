"""The ``distill`` recipe: MSE distillation, pivot sentences, a separate teacher, and keep-best
state that survives a resume."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import torch

from tokadapt.align import checkpoint
from tokadapt.align.config import AlignConfig
from tokadapt.align.loss import distill_loss
from tokadapt.align.model import AlignModel, load
from tokadapt.align.pivot import PivotSet, read_pivot
from tokadapt.align.selection import Selector
from tokadapt.errors import InputFileError

CFG = {"layer": -1, "similarity": "cosine", "distill_metric": "mse", "batch_size": 2}


def test_mse_distill_by_hand() -> None:
    student = torch.tensor([[1.0, 0.0], [0.0, 2.0]], requires_grad=True)
    teacher = torch.tensor([[3.0, 0.0], [0.0, 2.0]])
    loss = distill_loss(student, teacher, "mse")
    assert loss.item() == pytest.approx(4.0 / 4)  # one difference of 2 over 4 entries
    loss.backward()
    assert student.grad is not None and student.grad[0, 0].item() == pytest.approx(-2 * 2 / 4)


def test_read_pivot(tmp_path: Path) -> None:
    assert len(read_pivot([])) >= 50  # the built-in English sample
    tsv = tmp_path / "pairs.tsv"
    tsv.write_text("кот\tThe cat.\nпёс\tthe cat\n\nдом\tA house.\n", encoding="utf-8")
    assert read_pivot([tsv]) == ["The cat.", "A house."]  # last column, near-duplicate dropped
    with pytest.raises(InputFileError, match="does not exist"):
        read_pivot([tmp_path / "missing.txt"])
    (tmp_path / "one.txt").write_text("Only one.\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="at least 2"):
        read_pivot([tmp_path / "one.txt"])


def test_pivot_set_walks_a_permutation_in_training_only() -> None:
    ids = torch.arange(15).reshape(5, 3)
    mask = torch.tensor([[1, 1, 0]] * 4 + [[1, 1, 1]])
    enc = {"input_ids": ids, "attention_mask": mask, "special_tokens_mask": 1 - mask}
    pivots = PivotSet(enc, torch.arange(5.0).unsqueeze(1), batch_size=2, seed=0)
    pivots.eval()
    assert torch.equal(pivots.take()[3], pivots.take()[3])  # eval: the cursor stays
    pivots.train()
    seen = [int(r) for _ in range(5) for r in pivots.take()[3].flatten()]
    assert sorted(seen) == sorted(list(range(5)) * 2)  # every row twice in 10 draws
    assert int(pivots.cursor) == 0 and "cursor" in pivots.state_dict()
    ids_b, mask_b, _, targets = pivots.take()
    assert ids_b.shape[1] == int(mask_b.sum(1).max())  # trimmed to the longest row
    assert torch.equal(ids_b[:, 0] // 3, targets[:, 0].long())  # ids and targets of one row


def _batch(tokenizer: Any) -> dict[str, torch.Tensor]:
    enc = tokenizer(
        ["кот дом", "пёс", "kot dom", "pyos"],
        padding=True,
        return_special_tokens_mask=True,
        return_tensors="pt",
    )
    enc["special_tokens_mask"] = enc["special_tokens_mask"] | (1 - enc["attention_mask"])
    return {k: v for k, v in enc.items() if k != "token_type_ids"}


@pytest.mark.parametrize("separate", [False, True])
def test_pivot_and_keep_are_zero_at_start_and_grow_when_moved(
    tiny_encoder_dir: Path, xlmr_tokenizer: Any, separate: bool
) -> None:
    cfg = AlignConfig(**CFG, keep_weight=1.0, distill_weight=1.0, pivot_weight=1.0)
    if separate:  # a teacher from its own directory: originals are re-tokenized for it
        cfg.teacher = str(tiny_encoder_dir)
    module = AlignModel(load(tiny_encoder_dir, "off").model, cfg, False, xlmr_tokenizer).eval()
    assert module.pivot is not None and len(module.pivot) >= 50
    assert not any(k.startswith("_teacher") for k in module.state_dict())
    with torch.no_grad():
        parts = module(_batch(xlmr_tokenizer))
    assert float(parts["keep"]) == pytest.approx(0.0, abs=1e-9)
    assert float(parts["pivot"]) == pytest.approx(0.0, abs=1e-9)
    assert float(parts["distill"]) > 0
    with torch.no_grad():
        module.hf_model.encoder.layer[-1].output.LayerNorm.bias.add_(0.5)
    with torch.no_grad():
        parts = module(_batch(xlmr_tokenizer))
    assert float(parts["keep"]) > 0.1 and float(parts["pivot"]) > 0.1  # the teacher stayed


class _Two(torch.nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.a = torch.nn.Parameter(torch.zeros(2))
        self.b = torch.nn.Parameter(torch.ones(3))


def test_selector_state_round_trip() -> None:
    model, sel = _Two(), Selector(keep_best=True, patience=3)
    sel.offer(0, {"all/rom_top1": 0.2, "all/orig_en_top1": 0.9}, model)
    with torch.no_grad():
        model.a.fill_(7.0)
    sel.offer(5, {"all/rom_top1": 0.1, "all/orig_en_top1": 0.9}, model)  # worse: best stays 0
    saved = sel.weights_to_save(model)
    assert set(saved) == {"a"}  # b is the same in the checkpoint's own weights
    again = Selector(keep_best=True, patience=3)
    again.load_state(sel.to_json(), saved, model)
    assert (again.best_step, again.stale, again.baseline_orig_en) == (0, 1, 0.9)
    assert again.best_score == pytest.approx(sel.best_score)
    assert again.restore(model) and torch.equal(model.a, torch.zeros(2))


def test_resumed_trainer_remembers_the_best_step(
    tiny_encoder_dir: Path, train_specs: list[str], tmp_path: Path
) -> None:
    from tokadapt.align import make_config, parse_source
    from tokadapt.align.trainer import Trainer

    cfg = make_config(steps=6, keep_best=True, keep_weight=0.0, pivot_weight=0.0, **CFG)
    cfg.distill_weight = 0.0
    sources = [parse_source(s) for s in train_specs]
    first = Trainer(cfg, tiny_encoder_dir, sources, tmp_path / "out", show_progress=False)
    model = first.module.hf_model
    first.step = 2
    first.selector.offer(2, {"all/rom_top1": 0.9, "all/orig_en_top1": 0.8}, model)
    best = {k: v.clone() for k, v in model.state_dict().items()}
    with torch.no_grad():
        model.encoder.layer[0].output.dense.weight.add_(1.0)
    first.step = 4
    first.selector.offer(4, {"all/rom_top1": 0.5, "all/orig_en_top1": 0.8}, model)
    first._save_checkpoint()
    path = checkpoint.latest(first.work / "checkpoints")
    assert set(checkpoint.load_extra(path, "best")) == {"encoder.layer.0.output.dense.weight"}
    second = Trainer(cfg, tiny_encoder_dir, sources, tmp_path / "out", resume=True)
    second._restore(second.resume_from)  # type: ignore[arg-type]
    assert second.step == 4 and second.selector.best == (2, pytest.approx(0.85))
    assert second.selector.stale == 1 and second.selector.baseline_orig_en == 0.8
    assert second.selector.restore(second.module.hf_model)
    state = second.module.hf_model.state_dict()
    assert all(torch.equal(state[k], v) for k, v in best.items())
