"""The Ray engine and Ray Data on a real local cluster of 2 CPUs."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest
from corpus_helpers import read_outputs, sentences

from tokadapt.corpus import RomanizeSpec, romanize_corpus, romanize_ray_dataset, romanize_texts
from tokadapt.corpus.manifest import TMP_PREFIX

ray = pytest.importorskip("ray")
pytestmark = pytest.mark.ray
SPEC = RomanizeSpec()


@pytest.fixture(scope="module")
def cluster() -> Iterator[None]:
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield
    ray.shutdown()


def test_ray_writes_the_same_bytes_as_local(cluster: None, shards: Path, tmp_path: Path) -> None:
    romanize_corpus([str(shards)], tmp_path / "local", SPEC, workers=1)
    summary = romanize_corpus([str(shards)], tmp_path / "ray", SPEC, engine="ray", workers=2)
    assert summary.rows == 2000
    assert read_outputs(tmp_path / "ray") == read_outputs(tmp_path / "local")


def test_ray_data_map_batches_adds_the_column(cluster: None) -> None:
    rows = sentences(500, seed=3)
    ds = ray.data.from_items([{"text": t, "lang": c} for t, c in rows])
    out = romanize_ray_dataset(ds, RomanizeSpec(lang_column="lang"), batch_size=64)
    got = {r["text"] + r["lang"]: r["text_rom"] for r in out.take_all()}
    want = romanize_texts([t for t, _ in rows], [c for _, c in rows])
    assert [got[t + c] for t, c in rows] == want


def _running_tasks() -> list[psutil.Process]:
    found = []
    for proc in psutil.process_iter(["cmdline"]):
        if (proc.info["cmdline"] or [""])[0].startswith("ray::process_shard"):
            found.append(proc)
    return found


@pytest.mark.slow
def test_killed_ray_worker_loses_and_duplicates_nothing(
    cluster: None, big_shards: Path, tmp_path: Path
) -> None:
    romanize_corpus([str(big_shards)], tmp_path / "ref", SPEC, workers=1)
    args = ([str(big_shards)], tmp_path / "out", SPEC)
    run = threading.Thread(target=romanize_corpus, args=args, kwargs={"engine": "ray"})
    run.start()
    killed = None
    while killed is None and run.is_alive():
        tasks = _running_tasks()
        if tasks and any((tmp_path / "out").glob(f"{TMP_PREFIX}*")):
            tasks[0].kill()
            killed = tasks[0].pid
        time.sleep(0.005)
    run.join()
    assert killed is not None, "the run finished before a worker could be killed"
    assert read_outputs(tmp_path / "out") == read_outputs(tmp_path / "ref")
