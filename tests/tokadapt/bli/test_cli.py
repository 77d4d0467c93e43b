"""The ``tokadapt bli`` / ``retrieval`` commands end to end on generated files."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from tokadapt.bli.embeddings import Embeddings, write_vec
from tokadapt.cli import main
from tokadapt.eval import rows


@pytest.fixture
def rotated(tmp_path: Path, rng) -> Path:
    words = [f"w{i}" for i in range(400)]
    x = (rng.standard_normal((400, 20)) * np.linspace(2, 0.5, 20)).astype(np.float32)
    q, _ = np.linalg.qr(rng.standard_normal((20, 20)))
    write_vec(Embeddings(words, x), tmp_path / "src.vec")
    write_vec(Embeddings([f"v{i}" for i in range(400)], x @ q), tmp_path / "tgt.vec")
    (tmp_path / "train.txt").write_text("".join(f"w{i} v{i}\n" for i in range(100)))
    (tmp_path / "test.txt").write_text("".join(f"w{i} v{i}\n" for i in range(100, 400)) + "zz v1\n")
    return tmp_path


def bli(folder: Path, *extra: str) -> list[str]:
    return [
        "bli",
        "--src",
        str(folder / "src.vec"),
        "--tgt",
        str(folder / "tgt.vec"),
        "--train-dict",
        str(folder / "train.txt"),
        "--test-dict",
        str(folder / "test.txt"),
        "--json",
        *extra,
    ]


@pytest.mark.parametrize(
    ("method", "retrieval"),
    [("procrustes", "csls"), ("refine", "nn"), ("self-learning", "isf")],
)
def test_bli_json_recovers_the_rotation(rotated: Path, method: str, retrieval: str, capsys) -> None:
    args = bli(
        rotated,
        "--method",
        method,
        "--retrieval",
        retrieval,
        "--patience",
        "2",
        "--self-learning-cutoff",
        "400",
    )
    assert main(args) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["p@1"] == 100.0 and out["p@10"] == 100.0
    assert out["oov_pairs"] == 1 and out["coverage"] == pytest.approx(100 * 300 / 301)
    assert out["signature"].startswith("bli|")
    assert f"method:{method}|retrieval:{retrieval}|k:10" in out["signature"]


def test_bli_without_mapping_fails_on_rotated_spaces(rotated: Path, capsys) -> None:
    assert main(bli(rotated, "--method", "none", "--retrieval", "nn")) == 0
    assert json.loads(capsys.readouterr().out)["p@1"] < 20.0


def test_bli_empty_overlap_is_reported(rotated: Path, capsys) -> None:
    (rotated / "bad.txt").write_text("nope nada\n")
    code = main(
        [
            "bli",
            "--src",
            str(rotated / "src.vec"),
            "--tgt",
            str(rotated / "tgt.vec"),
            "--test-dict",
            str(rotated / "bad.txt"),
            "--method",
            "none",
        ]
    )
    assert code == 1
    assert "empty overlap" in capsys.readouterr().err


def test_retrieval_command_both_directions(tiny, tmp_path: Path, capsys) -> None:
    _, _, folder = tiny
    (tmp_path / "a.txt").write_text("Москва\nЛондон\nПариж\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("Москва\nЛондон\nПариж\n", encoding="utf-8")
    args = [
        "retrieval",
        "--model",
        str(folder),
        "--src",
        str(tmp_path / "a.txt"),
        "--tgt",
        str(tmp_path / "b.txt"),
        "--layer",
        "1",
        "--json",
    ]
    assert main(args) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["src->tgt"]["top1"] == 100.0 and out["tgt->src"]["top1"] == 100.0
    (tmp_path / "c.txt").write_text("one\ntwo\n", encoding="utf-8")
    args[4] = str(tmp_path / "c.txt")
    assert main(args) == 2
    assert "c.txt has 2 lines but" in capsys.readouterr().err


@pytest.mark.parametrize("index", ["hnsw", "ivf", "ivfpq"])
def test_retrieval_approximate_csls_under_a_budget(tiny, tmp_path: Path, capsys, index) -> None:
    pytest.importorskip("faiss")
    _, _, folder = tiny
    (tmp_path / "a.txt").write_text("Москва\nЛондон\nПариж\n", encoding="utf-8")
    args = ["retrieval", "--model", str(folder), "--src", str(tmp_path / "a.txt")]
    args += ["--tgt", str(tmp_path / "a.txt"), "--layer", "1", "--scoring", "csls", "--json"]
    budget = rows.rss_bytes() + 2 * 10**9  # above what this test process already holds
    assert main([*args, "--csls-index", index, "--max-memory", str(budget)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["src->tgt"]["top1"] == 100.0 and f"index:{index}" in out["signature"]
    report = out["approximate_csls"]["tgt->src"]
    assert report["max_memory_bytes"] == budget and len(report["stages"]) == 3


def test_retrieval_pools_as_the_checkpoint_says(tiny, tmp_path: Path, capsys) -> None:
    """Default ``--pooling auto``: a sentence-transformers checkpoint is read as its users read
    it (mean pooling there = every attended token), a plain one over text tokens; the choice
    is in the result's signature and said on stderr."""
    import shutil

    from tokadapt.embeddings.cards import write_sentence_transformers

    _, _, folder = tiny
    st = tmp_path / "st"
    shutil.copytree(folder, st)
    write_sentence_transformers(st, json.loads((st / "config.json").read_text()), prompts=False)
    (tmp_path / "a.txt").write_text("Москва\nЛондон\nПариж\n", encoding="utf-8")
    common = ["retrieval", "--src", str(tmp_path / "a.txt"), "--tgt", str(tmp_path / "a.txt")]
    got = {}
    for name, model in (("plain", folder), ("st", st)):
        assert main([*common, "--model", str(model), "--json"]) == 0
        captured = capsys.readouterr()
        out = json.loads(captured.out)
        got[name] = (out["signature"], out["pooling"])
    assert "pooling:mean|" in got["plain"][0] and got["plain"][1]["used"] == "mean"
    assert got["plain"][1]["why"].startswith("no sentence-transformers configuration")
    assert "pooling:mean-all|" in got["st"][0] and got["st"][1]["used"] == "mean-all"
    assert "1_Pooling/config.json: mean over every attended token" in got["st"][1]["why"]
    assert main([*common, "--model", str(st), "--pooling", "cls", "--json"]) == 0
    assert "pooling:cls|" in json.loads(capsys.readouterr().out)["signature"]
    (st / "modules.json").write_text("[{", encoding="utf-8")  # a file that lies
    assert main([*common, "--model", str(st)]) == 1  # a data error
    err = capsys.readouterr().err
    assert "modules.json is not valid JSON" in err and "Traceback" not in err
