"""The numbers in the docs are the ones in benchmarks/results (benchmarks/render_docs.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_generated_doc_blocks_match_the_benchmark_results() -> None:
    script = ROOT / "benchmarks" / "render_docs.py"
    proc = subprocess.run(
        [sys.executable, str(script), "--check"], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
