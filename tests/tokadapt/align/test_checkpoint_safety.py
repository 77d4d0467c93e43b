"""Checkpoints never unpickle, load as Hugging Face models, and a killed run leaves the
previous output intact (tokadapt.align.checkpoint / state_codec / rundir)."""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import random
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch

from tokadapt.align import make_config, state_codec, train
from tokadapt.align.checkpoint import load
from tokadapt.cli import main
from tokadapt.errors import InputFileError

FAST = {"batch_size": 8, "layer": 2, "lr": 2e-2, "log_every": 1, "shuffle_buffer": 64}


class _Boom:
    """Unpickling this creates the file ``SENTINEL`` (it would run any code)."""

    def __reduce__(self) -> tuple[Any, ...]:
        return (Path.touch, (Path(os.environ["SENTINEL"]),))


def test_codec_round_trip_is_exact(tmp_path: Path) -> None:
    moments = torch.zeros(2048, 3)
    moments[5] = torch.tensor([1.0, -0.0, 2.5])
    moments[7, 1] = -0.0  # a row of bytes that are not all zero: kept
    obj = {
        "state": {0: {"step": torch.tensor(3.0), "exp_avg": moments}},
        "groups": [{"betas": (0.9, 0.999), "lr": 1e-3, "params": [0]}],
        "rng": (random.getstate(), np.random.get_state(), torch.get_rng_state()),
    }
    state_codec.save(obj, tmp_path, "x")
    back = state_codec.load(tmp_path, "x")
    assert back["groups"] == obj["groups"] and back["rng"][0] == obj["rng"][0]
    got = back["state"][0]["exp_avg"]
    assert torch.equal(got.view(torch.int32), moments.view(torch.int32))  # bit for bit
    assert np.array_equal(back["rng"][1][1], obj["rng"][1][1]) and back["rng"][1][0] == "MT19937"
    assert (tmp_path / "x.safetensors").stat().st_size < 2048 * 3 * 4  # zero rows not stored


@pytest.fixture(scope="module")
def run_dir(
    tiny_mlm_dir: Path, train_specs: list[str], tmp_path_factory: pytest.TempPathFactory
) -> Path:
    out = tmp_path_factory.mktemp("ck") / "run"
    train(tiny_mlm_dir, train_specs[:1], out, make_config(steps=2, save_every=2, **FAST))
    return out


def test_checkpoint_is_a_hugging_face_model_dir(run_dir: Path) -> None:
    from transformers import AutoModelForMaskedLM

    step = run_dir / "checkpoints" / "step-0000002"
    names = sorted(p.name for p in step.iterdir())
    assert not [n for n in names if n.endswith((".pt", ".bin", ".pkl"))]
    model = AutoModelForMaskedLM.from_pretrained(step)
    final = AutoModelForMaskedLM.from_pretrained(run_dir)
    pairs = zip(model.parameters(), final.parameters(), strict=True)
    assert all(torch.equal(a, b) for a, b in pairs)


def _reseal(step: Path, name: str) -> None:
    meta = json.loads((step / "state.json").read_text())
    meta["sha256"][name] = hashlib.sha256((step / name).read_bytes()).hexdigest()
    (step / "state.json").write_text(json.dumps(meta))


@pytest.mark.parametrize("name", ["optimizer.safetensors", "model.safetensors", "model.pt"])
def test_a_crafted_pickle_is_never_executed(
    run_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    import shutil

    step = tmp_path / "step-0000002"
    shutil.copytree(run_dir / "checkpoints" / "step-0000002", step)
    sentinel = tmp_path / "pwned"
    monkeypatch.setenv("SENTINEL", str(sentinel))
    (step / name).write_bytes(pickle.dumps(_Boom()))
    _reseal(step, name)  # checksums are no protection: the loader must not unpickle at all
    with pytest.raises(InputFileError, match=r"pickle|not a valid safetensors|cannot be loaded"):
        load(step)
    assert not sentinel.exists()


def test_old_pickle_checkpoints_are_refused_in_one_line(
    tiny_mlm_dir: Path,
    train_specs: list[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    step = tmp_path / "run" / "checkpoints" / "step-0000004"
    step.mkdir(parents=True)
    monkeypatch.setenv("SENTINEL", str(tmp_path / "pwned"))
    for name in ("model.pt", "optim.pt", "rng.pt"):
        (step / name).write_bytes(pickle.dumps(_Boom()))
    rc = main(["align", "--model", str(tiny_mlm_dir), "--train", train_specs[0], "-o",
               str(tmp_path / "run"), "--resume", "--layer", "2"])  # fmt: skip
    err = capsys.readouterr().err
    errors = [line for line in err.splitlines() if "error:" in line]
    assert rc == 1 and len(errors) == 1 and "old pickle format" in errors[0]
    assert "Traceback" not in err
    assert not (tmp_path / "pwned").exists()


def _snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_kill_9_during_overwrite_keeps_the_previous_run_then_resume_publishes(
    run_dir: Path, tiny_mlm_dir: Path, train_specs: list[str], tmp_path: Path
) -> None:
    import shutil

    out = tmp_path / "run"
    shutil.copytree(run_dir, out)
    before = _snapshot(out)
    args = ["--model", str(tiny_mlm_dir), "--train", train_specs[0], "-o", str(out),
            "--batch-size", "8", "--layer", "2", "--save-every", "1"]  # fmt: skip
    env = dict(os.environ, OMP_NUM_THREADS="1", HF_HUB_OFFLINE="1")
    cmd = [sys.executable, "-m", "tokadapt", "align", *args]
    proc = subprocess.Popen([*cmd, "--overwrite", "--steps", "500"], env=env)
    partial = tmp_path / "run.partial" / "checkpoints"
    deadline = time.time() + 240
    while not list(partial.glob("step-*")) and time.time() < deadline and proc.poll() is None:
        time.sleep(0.2)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert _snapshot(out) == before  # the previous run is intact
    steps = sorted(int(p.name[5:]) for p in partial.glob("step-*"))
    assert steps, "the run was killed before its first checkpoint"
    done = subprocess.run([*cmd, "--resume", "--steps", str(steps[-1] + 1)], env=env, check=False)
    assert done.returncode == 0
    assert not (tmp_path / "run.partial").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]
    meta = json.loads((out / "align.json").read_text())
    assert meta["steps"] == steps[-1] + 1 and _snapshot(out) != before


def test_an_unfinished_run_is_neither_lost_nor_silently_reused(tmp_path: Path) -> None:
    from tokadapt.align import rundir
    from tokadapt.errors import OutputExistsError

    out = tmp_path / "run"
    staging = rundir.prepare(out, False, False)
    (staging / "checkpoints" / "step-0000002").mkdir(parents=True)
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    lock = json.loads((staging / rundir.LOCK).read_text())
    (staging / rundir.LOCK).write_text(json.dumps(dict(lock, pid=dead.pid)))  # killed
    with pytest.raises(OutputExistsError, match="--resume to continue it or --overwrite"):
        rundir.prepare(out, False, False)
    assert rundir.prepare(out, True, False) == staging  # --resume reuses it
    assert (staging / "checkpoints" / "step-0000002").is_dir()
    (staging / rundir.LOCK).write_text(json.dumps(dict(lock, pid=os.getppid())))  # alive
    with pytest.raises(OutputExistsError, match="another align run"):
        rundir.prepare(out, False, True)
    (staging / rundir.LOCK).write_text(json.dumps(dict(lock, pid=dead.pid)))
    rundir.prepare(out, False, True)  # --overwrite starts over
    assert not (staging / "checkpoints").exists()
