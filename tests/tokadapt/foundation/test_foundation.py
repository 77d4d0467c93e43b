"""Foundation: errors with install hints, atomic outputs, ``tokadapt env``/``--version``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tokadapt.errors import MissingDependencyError, OutputExistsError, require
from tokadapt.io.outputs import atomic_dir


def test_missing_optional_dependency_names_exact_pip_command(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "faiss", None)  # makes `import faiss` raise ImportError
    with pytest.raises(MissingDependencyError, match=r"pip install 'tokadapt\[faiss\]'") as info:
        require("faiss", "faiss", "faiss-cpu")
    assert isinstance(info.value, ImportError)
    assert "pip install faiss-cpu" in str(info.value)


def test_atomic_dir_leaves_nothing_when_the_block_fails(tmp_path: Path) -> None:
    target = tmp_path / "out"
    with pytest.raises(RuntimeError), atomic_dir(target) as tmp:
        (tmp / "half.bin").write_bytes(b"x")
        raise RuntimeError("interrupted")
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []


def test_atomic_dir_refuses_non_empty_output_without_overwrite(tmp_path: Path) -> None:
    target = tmp_path / "out"
    target.mkdir()
    (target / "keep.txt").write_text("precious")
    with pytest.raises(OutputExistsError, match="--overwrite"), atomic_dir(target):
        pass
    assert (target / "keep.txt").read_text() == "precious"


def test_atomic_dir_overwrite_replaces_only_the_target(tmp_path: Path) -> None:
    target, sibling = tmp_path / "out", tmp_path / "other.txt"
    with atomic_dir(target) as tmp:  # a tokadapt output (carries the marker)
        (tmp / "old.txt").write_text("old")
    sibling.write_text("untouched")
    with atomic_dir(target, overwrite=True) as tmp:
        (tmp / "new.txt").write_text("new")
    assert sorted(p.name for p in target.iterdir()) == [".tokadapt-output", "new.txt"]
    assert sibling.read_text() == "untouched"
    assert (target.stat().st_mode & 0o777) != 0o700  # published with umask modes


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tokadapt", *args], capture_output=True, text=True, check=False
    )


def test_env_reports_versions_and_native_core() -> None:
    result = _cli("env", "--json")
    assert result.returncode == 0, result.stderr
    info = json.loads(result.stdout)
    assert info["uroman_data"]["version"] == "1.3.1.1"
    assert info["translit_core"]["available"] is True
    assert info["translit_implementation"] == "cpp"
    assert {"numpy", "torch", "faiss", "transformers"} <= info.keys()


def test_version_acknowledges_uroman() -> None:
    result = _cli("--version")
    assert result.returncode == 0
    assert "uroman" in result.stdout and "0.1.0" in result.stdout
