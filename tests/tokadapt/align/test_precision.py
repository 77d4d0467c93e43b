"""Precision of the alignment step: ``auto`` picks bf16 only where the device computes it
natively, and on CPU the attention of a bf16 step runs in fp32 (the rest stays bf16)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch

from tokadapt.align import accel, make_config, train

CPU = torch.device("cpu")


@pytest.mark.parametrize(
    ("caps", "chosen", "said"),
    [
        ({"amx_tile": True, "amx_bf16": True, "avx512_bf16": False}, "bf16", "AMX-BF16"),
        ({"amx_tile": False, "amx_bf16": False, "avx512_bf16": True}, "bf16", "AVX512-BF16"),
        ({"amx_tile": True, "amx_bf16": False, "avx512_bf16": False}, "fp32", "without bf16"),
        ({"avx2": True}, "fp32", "without bf16"),
    ],
)
def test_auto_precision_follows_the_cpu(
    monkeypatch: pytest.MonkeyPatch, caps: dict[str, bool], chosen: str, said: str
) -> None:
    monkeypatch.setattr(accel, "_cpu_capabilities", lambda: caps)
    precision, note = accel.resolve_precision("auto", CPU)
    assert precision == chosen
    assert note.startswith(f"precision {chosen} (auto: ") and said in note
    assert "--precision" in note  # says how to change it


@pytest.mark.parametrize("given", ["fp32", "bf16", "fp16"])
def test_given_precision_is_kept(monkeypatch: pytest.MonkeyPatch, given: str) -> None:
    monkeypatch.setattr(accel, "_cpu_capabilities", lambda: {"amx_tile": True, "amx_bf16": True})
    assert accel.resolve_precision(given, CPU) == (given, f"precision {given} (given)")


def test_auto_is_the_default_and_validated() -> None:
    assert make_config().precision == "auto"
    assert make_config("distill").precision == "auto"  # no preset pins it
    with pytest.raises(Exception, match="precision"):
        make_config(precision="int8")


def _tiny_bert() -> torch.nn.Module:
    from transformers import BertConfig, BertModel

    torch.manual_seed(0)
    cfg = BertConfig(
        vocab_size=100,
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=4,
        intermediate_size=64,
        attn_implementation="sdpa",
    )
    return BertModel(cfg).eval()


def _inputs() -> dict[str, torch.Tensor]:
    ids = torch.randint(5, 100, (3, 11), generator=torch.Generator().manual_seed(1))
    mask = torch.ones_like(ids)
    mask[1, 7:] = 0  # padding: the mask reaches the attention function
    mask[2, 4:] = 0
    return {"input_ids": ids, "attention_mask": mask}


def test_fp32_attention_switches_only_cpu_low_precision() -> None:
    model, teacher = _tiny_bert(), _tiny_bert()
    assert accel.fp32_attention([model], CPU, "fp32") == 0
    assert accel.fp32_attention([model], torch.device("cuda"), "bf16") == 0
    assert model.config._attn_implementation == "sdpa"
    assert accel.fp32_attention([model, teacher, None], CPU, "bf16") == 2
    assert model.config._attn_implementation == teacher.config._attn_implementation
    assert model.config._attn_implementation == accel.FP32_SDPA
    assert accel.fp32_attention([model], CPU, "bf16") == 0  # already switched


def test_fp32_attention_is_sdpa_in_fp32_and_sees_bf16_inputs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    inputs = _inputs()
    plain, switched = _tiny_bert(), _tiny_bert()
    accel.fp32_attention([switched], CPU, "bf16")
    with torch.no_grad():  # fp32 step: exactly the plain SDPA model
        assert torch.equal(plain(**inputs).last_hidden_state, switched(**inputs).last_hidden_state)

    from torch.nn import functional

    seen: list[torch.dtype] = []
    sdpa = functional.scaled_dot_product_attention

    def spy(q: torch.Tensor, *args: object, **kwargs: object) -> torch.Tensor:
        seen.append(q.dtype)
        return sdpa(q, *args, **kwargs)

    monkeypatch.setattr(functional, "scaled_dot_product_attention", spy)
    with torch.autocast("cpu", dtype=torch.bfloat16):
        low = plain(**inputs).last_hidden_state
        assert seen == [torch.bfloat16] * 2  # the stock path: bf16 attention
        seen.clear()
        out = switched(**inputs).last_hidden_state
    assert seen == [torch.float32] * 2  # ours: fp32 attention inside the bf16 step
    out.float().pow(2).mean().backward()
    grads = [p.grad for p in switched.parameters() if p.grad is not None]
    assert grads and all(torch.isfinite(g).all() for g in grads)
    with torch.no_grad():
        ref = _tiny_bert()(**inputs).last_hidden_state
    keep = inputs["attention_mask"].bool()  # padded positions are not compared
    assert (out.float() - ref)[keep].abs().max() < 0.1  # bf16 rounding, not a different model
    assert (out.float() - ref)[keep].abs().max() <= (low.float() - ref)[keep].abs().max() + 0.05


def test_switched_model_saves_a_plain_config(tmp_path: Path) -> None:
    model = _tiny_bert()
    accel.fp32_attention([model], CPU, "bf16")
    model.save_pretrained(tmp_path)
    assert accel.FP32_SDPA not in (tmp_path / "config.json").read_text()


def test_run_records_and_says_its_precision(
    monkeypatch: pytest.MonkeyPatch,
    tiny_mlm_dir: Path,
    train_specs: list[str],
    tmp_path: Path,
) -> None:
    monkeypatch.setattr(accel, "_cpu_capabilities", lambda: {"amx_tile": True, "amx_bf16": True})
    cfg = make_config("transliCo", steps=2, batch_size=4, layer=2, log_every=1)
    result = train(tiny_mlm_dir, train_specs, tmp_path / "out", cfg, device="cpu")
    assert result["precision"] == "bf16"
    assert "precision bf16 (auto: CPU with AMX-BF16" in result["recipe"]
    meta = json.loads((tmp_path / "out" / "align.json").read_text())
    assert meta["config"]["precision"] == "bf16"  # resolved, not "auto"
    saved = json.loads((tmp_path / "out" / "config.json").read_text())
    assert saved.get("_attn_implementation", "sdpa") != accel.FP32_SDPA


def test_old_transformers_keeps_the_attention(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "transformers.masking_utils", None)  # import fails
    model = _tiny_bert()
    assert accel.fp32_attention([model], CPU, "bf16") == 0
    assert model.config._attn_implementation == "sdpa"
