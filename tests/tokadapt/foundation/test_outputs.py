"""Output rules: never an input, --overwrite only replaces tokadapt's own outputs, symlinks
followed, staging leftovers of killed processes cleaned (tokadapt.outputs)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tokadapt.errors import OutputExistsError, OutputOverlapError
from tokadapt.io.outputs import MARKER, atomic_dir, atomic_file, check_output_dir, refuse_overlap


def _ours(path: Path, text: str = "old") -> Path:
    with atomic_dir(path) as tmp:
        (tmp / "data.txt").write_text(text)
    return path


@pytest.mark.parametrize("out", ["work", "work/sub", "."])
def test_output_equal_inside_or_containing_an_input_is_refused(tmp_path: Path, out: str) -> None:
    (tmp_path / "work" / "sub").mkdir(parents=True)
    with pytest.raises(OutputOverlapError, match="input"):
        refuse_overlap(tmp_path / out, [tmp_path / "work"])
    with pytest.raises(OutputOverlapError):
        check_output_dir(tmp_path / out, overwrite=True, inputs=[tmp_path / "work"])


def test_overlap_is_found_through_symlinks(tmp_path: Path) -> None:
    (tmp_path / "model").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "model")
    with pytest.raises(OutputOverlapError, match="is the input"):
        refuse_overlap(tmp_path / "link", [tmp_path / "model"])
    refuse_overlap(tmp_path / "model-out", [tmp_path / "model"])  # a mere name prefix is fine


def test_overwrite_replaces_only_marked_or_empty_folders(tmp_path: Path) -> None:
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "thesis.tex").write_text("precious")
    with pytest.raises(OutputExistsError, match="tokadapt did not write"):
        check_output_dir(foreign, overwrite=True)
    (tmp_path / "empty").mkdir()
    check_output_dir(tmp_path / "empty", overwrite=True)
    out = _ours(tmp_path / "out")
    assert (out / MARKER).is_file()
    with atomic_dir(out, overwrite=True) as tmp:
        (tmp / "data.txt").write_text("new")
    assert (out / "data.txt").read_text() == "new"
    assert (foreign / "thesis.tex").read_text() == "precious"


def test_a_symlinked_output_replaces_its_target_and_keeps_the_link(tmp_path: Path) -> None:
    real = _ours(tmp_path / "real")
    (tmp_path / "link").symlink_to(real)
    with atomic_dir(tmp_path / "link", overwrite=True) as tmp:
        (tmp / "data.txt").write_text("new")
    assert (tmp_path / "link").is_symlink() and (real / "data.txt").read_text() == "new"


def test_single_file_outputs(tmp_path: Path) -> None:
    (tmp_path / "in.txt").write_text("input")
    with pytest.raises(OutputOverlapError), atomic_file(tmp_path / "in.txt", inputs=[tmp_path]):
        pass
    res = tmp_path / "res.json"
    res.write_text("{}")
    with pytest.raises(OutputExistsError, match="--overwrite"), atomic_file(res, overwrite=False):
        pass
    with pytest.raises(OutputExistsError, match="is a directory"), atomic_file(tmp_path):
        pass
    assert (tmp_path / "res.json").read_text() == "{}"


def _host() -> str:
    return "".join(c if c.isalnum() else "_" for c in socket.gethostname())[:32]


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_leftovers_of_dead_processes_are_removed_or_restored(tmp_path: Path) -> None:
    pid = _dead_pid()
    stale = tmp_path / f".other.tokadapt-{_host()}-{pid}.tmp"  # any output's leftover
    stale.mkdir()
    (stale / "half.bin").write_bytes(b"x")
    stale_file = tmp_path / f".res.json.tokadapt-{_host()}-{pid}.k2j4.tmp"
    stale_file.write_text("{")
    old = tmp_path / f".prev.tokadapt-{_host()}-{pid}.old"
    _ours(old, "previous")  # killed between "old moved aside" and "new moved in"
    live = tmp_path / f".out.tokadapt-{_host()}-{os.getppid()}.tmp"  # a running writer: kept
    live.mkdir()
    _ours(tmp_path / "out")
    with atomic_dir(tmp_path / "prev", overwrite=True) as tmp:
        (tmp / "data.txt").write_text("new")
    assert not stale.exists() and not stale_file.exists()
    assert live.exists() and not old.exists()
    assert (tmp_path / "prev" / "data.txt").read_text() == "new"


def test_kill_9_inside_atomic_dir_leaves_nothing_for_ever(tmp_path: Path) -> None:
    code = textwrap.dedent(f"""
        import os, signal, time
        from tokadapt.io.outputs import atomic_dir
        with atomic_dir({str(tmp_path / "out")!r}) as tmp:
            (tmp / "half.bin").write_bytes(b"x" * 1000)
            os.kill(os.getpid(), signal.SIGKILL)
    """)
    proc = subprocess.run([sys.executable, "-c", code], check=False)
    assert proc.returncode == -signal.SIGKILL
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]  # left by the kill
    _ours(tmp_path / "out")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
