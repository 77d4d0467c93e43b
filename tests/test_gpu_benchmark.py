"""``benchmarks/gpu.py --smoke`` runs on CPU and writes the keys the GPU report is read by."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_gpu_benchmark_smoke_writes_json(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "CUDA_VISIBLE_DEVICES": ""}
    cmd = [sys.executable, str(ROOT / "benchmarks" / "gpu.py"), "--smoke", "--out", str(tmp_path)]
    subprocess.run(cmd, check=True, env=env, capture_output=True, timeout=600)
    data = json.loads((tmp_path / "gpu.json").read_text())
    assert {"mfu", "tokens_per_s"} <= set(data["align"])
    assert data["align"]["tokens_per_s"] > 0
    assert data["csls"]["csls_over_knn_ratio"] > 0 and data["csls"]["seconds"] > 0
    assert data["csls"]["identical_to_brute_force"] is True
    assert {"device", "torch", "cuda"} <= set(data["info"])
    for loop in ("tokadapt_bf16", "tokadapt_bf16_live", "reference_fp32", "reference_bf16"):
        assert data["align"][loop]["last_loss"] == data["align"][loop]["last_loss"]  # not NaN
        assert data["align"][loop]["model_tflops_per_s"] > 0
    # the trainer's bucketed batches pad less than the reference's pad-to-128
    ours, ref = data["align"]["tokadapt_bf16"], data["align"]["reference_bf16"]
    assert ours["padding_fraction"] < ref["padding_fraction"]
    assert "Exact CSLS" in (tmp_path / "gpu.md").read_text()
