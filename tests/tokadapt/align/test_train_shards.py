"""``align`` on Parquet shards: a stopped or killed (SIGKILL) run, resumed, sees exactly the
samples of an uninterrupted run and ends with bit-identical weights."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import torch
from safetensors.torch import load_file

from tokadapt.align import make_config, train

ROOT = Path(__file__).resolve().parents[3]
CFG = dict(steps=8, save_every=4, keep_checkpoints=5, batch_size=6, layer=2, lr=1e-2,
           log_every=1, log_samples=True, lang_column="lang", bucket_window=3)  # fmt: skip


@pytest.fixture(scope="module")
def shards(corpus: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """CLDR territory names of ru/el/hi in two Parquet files, row groups of 40."""
    root = tmp_path_factory.mktemp("shards")
    rows = [
        (line, code)
        for lang, code in (("ru", "rus"), ("el", "ell"), ("hi", "hin"))
        for line in corpus[lang].read_text("utf-8").splitlines()
    ]
    half = len(rows) // 2
    for i, part in enumerate((rows[:half], rows[half:])):
        table = pa.table({"text": [t for t, _ in part], "lang": [c for _, c in part]})
        pq.write_table(table, root / f"part-{i}.parquet", row_group_size=40)
    return root


def _samples(out: Path) -> dict[int, list[int]]:
    """Step -> sample ids (a step logged twice, before a kill and after the resume: the last)."""
    lines = (out / "samples.rank0.jsonl").read_text().splitlines()
    return {r["step"]: r["ids"] for r in map(json.loads, lines)}


def _same_weights(a: Path, b: Path) -> bool:
    x, y = load_file(a / "model.safetensors"), load_file(b / "model.safetensors")
    return x.keys() == y.keys() and all(torch.equal(x[k], y[k]) for k in x)


@pytest.fixture(scope="module")
def uninterrupted(tiny_encoder_dir: Path, shards: Path, tmp_path_factory) -> Path:  # type: ignore[no-untyped-def]
    out = tmp_path_factory.mktemp("full") / "out"
    cfg = make_config("cosine", num_workers=2, **CFG)
    result = train(tiny_encoder_dir, [f"{shards}/*.parquet"], out, cfg)
    assert result["steps"] == 8 and result["tokens_per_s"] > 0
    return out


def test_samples_are_distinct_rows_and_metrics_have_flops(uninterrupted: Path) -> None:
    ids = [i for step in _samples(uninterrupted).values() for i in step]
    assert len(ids) == 8 * 6 and len(set(ids)) == len(ids)  # 48 of ~800 rows: no repeat
    train = [json.loads(x) for x in (uninterrupted / "metrics.jsonl").read_text().splitlines()]
    record = [r for r in train if r["event"] == "train"][-1]
    assert record["flops_per_step"] > 0 and record["tokens_per_s"] > 0


def test_stopped_run_resumes_with_the_same_samples(
    uninterrupted: Path, tiny_encoder_dir: Path, shards: Path, tmp_path: Path
) -> None:
    out = tmp_path / "b"
    shutil.copytree(
        uninterrupted / "checkpoints" / "step-0000004", out / "checkpoints" / "step-0000004"
    )
    cfg = make_config("cosine", **CFG)  # no DataLoader workers this time: same batches
    result = train(tiny_encoder_dir, [f"{shards}/*.parquet"], out, cfg, resume=True)
    assert result["steps_this_run"] == 4
    want = _samples(uninterrupted)
    assert _samples(out) == {s: want[s] for s in range(5, 9)}
    assert _same_weights(out, uninterrupted)


def test_killed_run_resumes_with_the_same_samples(
    uninterrupted: Path, tiny_encoder_dir: Path, shards: Path, tmp_path: Path
) -> None:
    out = tmp_path / "c"
    marker = tmp_path / "at-step-6"
    code = (  # the same run, held after step 6 (checkpoint at 4) until it is killed
        "import time, torch; torch.set_num_threads(1)\n"
        "from tokadapt.align import make_config, train, trainer\n"
        "step = trainer.Trainer.train_step\n"
        "def held(self, *a):\n"
        "    step(self, *a)\n"
        f"    if self.step == 6: open({str(marker)!r}, 'w').close(); time.sleep(600)\n"
        "trainer.Trainer.train_step = held\n"
        f"cfg = make_config('cosine', num_workers=2, **{CFG!r})\n"
        f"train({str(tiny_encoder_dir)!r}, [{str(shards)!r} + '/*.parquet'], {str(out)!r}, cfg)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-c", code], env=env, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 300
    while not marker.exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    assert proc.wait() == -signal.SIGKILL, proc.stderr.read().decode()[-2000:]  # type: ignore[union-attr]
    assert len(_samples(out.with_name("c.partial"))) == 6  # steps 5, 6 are replayed
    cfg = make_config("cosine", **CFG)
    train(tiny_encoder_dir, [f"{shards}/*.parquet"], out, cfg, resume=True)
    assert _samples(out) == _samples(uninterrupted)
    assert _same_weights(out, uninterrupted)


def test_cli_trains_on_a_glob_of_shards_with_precomputed_romanizations(
    tiny_mlm_dir: Path, shards: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tokadapt.cli import main

    table = pq.read_table(shards / "part-0.parquet")
    roms = [f"rom {t}" for t in table.column("text").to_pylist()]  # visibly not romanized here
    pq.write_table(table.append_column("text_rom", pa.array(roms)), tmp_path / "p.parquet")
    out = tmp_path / "cli"
    args = ["align", "--model", str(tiny_mlm_dir), "--train", f"{tmp_path}/*.parquet", "-o",
            str(out), "--steps", "2", "--batch-size", "4", "--layer", "2", "--lang-column",
            "lang", "--rom-column", "text_rom", "--peak-flops", "1e9", "--log-every", "1",
            "--log-samples", "--no-progress"]  # fmt: skip
    assert main(args) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["steps"] == 2 and report["mfu"] > 0
    assert len(_samples(out)[1]) == 4
