"""The CI policy: with TRANSLIT_REQUIRE_CPP=1 a missing native core fails the tests (no skip)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def test_missing_core_fails_when_required(tmp_path: Path) -> None:
    # a sitecustomize that hides translit._core, as in an installation whose build failed
    (tmp_path / "sitecustomize.py").write_text("import sys\nsys.modules['translit._core'] = None\n")
    env = {**os.environ, "PYTHONPATH": str(tmp_path), "TRANSLIT_REQUIRE_CPP": "1"}
    target = HERE / "test_translit_uroman_golden.py"
    argv = [sys.executable, "-m", "pytest", str(target), "-q", "-p", "no:cacheprovider"]
    proc = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode != 0, proc.stdout
    assert "TRANSLIT_REQUIRE_CPP is set but the native core is missing" in proc.stdout
    assert " skipped" not in proc.stdout.splitlines()[-1]
