"""romanize_corpus on this machine: same bytes for any worker count, resumable, exactly once."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil
import pyarrow.parquet as pq
import pytest
from corpus_helpers import read_outputs

import translit
from tokadapt.corpus import RomanizeSpec, romanize_corpus
from tokadapt.corpus.manifest import TMP_PREFIX

SPEC = RomanizeSpec()
ENV = {**os.environ, "PYTHONPATH": str(Path(translit.__file__).parents[1])}


def test_one_and_two_workers_write_the_same_bytes(shards: Path, tmp_path: Path) -> None:
    one = romanize_corpus([str(shards)], tmp_path / "one", SPEC, workers=1)
    two = romanize_corpus([str(shards / "part-*")], tmp_path / "two", SPEC, workers=2)
    assert one.rows == two.rows == 2000 and one.shards == two.shards == 4
    assert read_outputs(tmp_path / "one") == read_outputs(tmp_path / "two")


def test_output_has_original_and_romanized_columns(shards: Path, tmp_path: Path) -> None:
    romanize_corpus([str(shards / "part-2.jsonl")], tmp_path, RomanizeSpec(lang_column="lang"))
    (table,) = [pq.read_table(p) for p in tmp_path.glob("*.parquet")]
    assert table.column_names == ["text", "lang", "text_rom"]
    rows = table.to_pylist()
    assert len(rows) == 600
    assert all(r["text_rom"] == translit.Romanizer(r["lang"]).romanize(r["text"]) for r in rows)


def test_rerun_skips_done_shards_and_redoes_the_rest(shards: Path, tmp_path: Path) -> None:
    first = romanize_corpus([str(shards)], tmp_path, SPEC, workers=1)
    before = read_outputs(tmp_path)
    next(tmp_path.glob("part-1-*.manifest.json")).unlink()  # as if killed before the commit
    (tmp_path / f"{TMP_PREFIX}stale.parquet").write_bytes(b"half")
    again = romanize_corpus([str(shards)], tmp_path, SPEC, workers=1)
    assert (first.skipped, again.skipped, again.rows) == (0, 3, 2000)
    assert read_outputs(tmp_path) == before


def test_a_changed_romanizer_redoes_every_shard(shards: Path, tmp_path: Path) -> None:
    romanize_corpus([str(shards / "*.txt")], tmp_path, SPEC, workers=1)
    again = romanize_corpus([str(shards / "*.txt")], tmp_path, RomanizeSpec(lang="rus"))
    assert again.skipped == 0
    manifests = [json.loads(p.read_text()) for p in tmp_path.glob("*.manifest.json")]
    assert all("lcode:rus" in m["signature"] for m in manifests)


def test_saved_hf_dataset_is_one_input(tmp_path: Path) -> None:
    datasets = pytest.importorskip("datasets")
    ds = datasets.Dataset.from_dict({"text": ["Αθήνα", "Σπάρτη", None]})
    ds.save_to_disk(tmp_path / "ds")
    summary = romanize_corpus([str(tmp_path / "ds")], tmp_path / "out", SPEC, workers=1)
    (table,) = [pq.read_table(p) for p in (tmp_path / "out").glob("*.parquet")]
    assert summary.rows == 3
    assert table.column("text_rom").to_pylist() == [translit.romanize("Αθήνα"), "Sparte", None]


def _spawned_workers() -> list[psutil.Process]:
    kids = psutil.Process().children(recursive=True)
    return [p for p in kids if "spawn_main" in " ".join(p.cmdline())]


@pytest.mark.slow
def test_killed_worker_loses_and_duplicates_nothing(big_shards: Path, tmp_path: Path) -> None:
    reference = romanize_corpus([str(big_shards)], tmp_path / "ref", SPEC, workers=1)
    run = threading.Thread(
        target=romanize_corpus,
        args=([str(big_shards)], tmp_path / "out", SPEC),
        kwargs={"workers": 2},
    )
    run.start()
    killed = None
    while killed is None and run.is_alive():
        workers = _spawned_workers()
        if workers and any(tmp_path.joinpath("out").glob(f"{TMP_PREFIX}*")):
            workers[0].kill()
            killed = workers[0].pid
        time.sleep(0.005)
    run.join()
    assert killed is not None, "the run finished before a worker could be killed"
    assert reference.rows == 240_000
    assert read_outputs(tmp_path / "out") == read_outputs(tmp_path / "ref")


@pytest.mark.slow
def test_killed_driver_then_rerun_is_exactly_once(big_shards: Path, tmp_path: Path) -> None:
    romanize_corpus([str(big_shards)], tmp_path / "ref", SPEC, workers=1)
    cmd = [sys.executable, "-m", "tokadapt", "romanize-corpus", str(big_shards), "-o"]
    cmd += [str(tmp_path / "out"), "--workers", "1"]
    driver = subprocess.Popen(cmd, env=ENV)
    while not list((tmp_path / "out").glob("*.manifest.json")) and driver.poll() is None:
        time.sleep(0.005)
    driver.send_signal(signal.SIGKILL)
    driver.wait()
    done = len(list((tmp_path / "out").glob("*.manifest.json")))
    assert 1 <= done < 6, f"the driver was killed after {done} of 6 shards"
    subprocess.run(cmd, check=True, env=ENV)
    assert read_outputs(tmp_path / "out") == read_outputs(tmp_path / "ref")


def test_cli_writes_shards_and_a_json_summary(shards: Path, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    from tokadapt.cli import main

    args = ["romanize-corpus", str(shards / "part-3.parquet"), "-o", str(tmp_path)]
    assert main([*args, "--lang-column", "lang", "--workers", "1", "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert (summary["shards"], summary["rows"], summary["skipped"]) == (1, 700, 0)
    assert main([*args, "--ray-address", "auto"]) == 2
    assert "--ray-address needs --engine ray" in capsys.readouterr().err


def test_missing_ray_names_the_extra(shards: Path, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from tokadapt.errors import MissingDependencyError

    monkeypatch.setitem(sys.modules, "ray", None)
    with pytest.raises(MissingDependencyError, match=r"tokadapt\[scale\]"):
        romanize_corpus([str(shards / "part-0.txt")], tmp_path, SPEC, engine="ray")


def test_an_output_directory_can_be_an_input(shards: Path, tmp_path: Path) -> None:
    romanize_corpus([str(shards / "part-2.jsonl")], tmp_path / "a", SPEC, workers=1)
    spec = RomanizeSpec(text_columns=("text_rom",), suffix="_again")
    summary = romanize_corpus([str(tmp_path / "a")], tmp_path / "b", spec, workers=1)
    assert (summary.shards, summary.rows) == (1, 600)  # the manifest is not read as data
