"""Bad input: clear errors naming what is wrong, and nothing half-written."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from embed_helpers import TINY_PIECES, write_extended_tokenizer

from tokadapt.cli import main
from tokadapt.embeddings import initialize
from tokadapt.errors import ConfigError, InputFileError, OutputExistsError, ShapeError

NEW = [("▁kot", [4 + TINY_PIECES.index("▁кот")], [-3.0])]


def _leftovers(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if p.name.startswith("."))


def test_unknown_strategy(tiny_mlm: Any, extended_factory: Any, tmp_path: Path) -> None:
    model = tiny_mlm()
    with pytest.raises(ConfigError, match="unknown initialization strategy 'foo'"):
        initialize.init_embeddings(
            model, extended_factory(model, NEW), tmp_path / "o", strategy="foo"
        )
    assert not (tmp_path / "o").exists()


def test_tokenizer_of_another_vocabulary_size(tiny_mlm: Any, tmp_path: Path) -> None:
    model = tiny_mlm()
    other = tiny_mlm(name="other")
    data = json.loads((other / "tokenizer.json").read_text())
    data["model"]["vocab"].insert(10, ["▁extra", -3.0])  # one more piece: ids shift
    (other / "tokenizer.json").write_text(json.dumps(data))
    ext = tmp_path / "ext"
    write_extended_tokenizer(other, ext, NEW)
    with pytest.raises(ShapeError, match=r"extends a vocabulary of \d+ pieces but the model's"):
        initialize.init_embeddings(model, ext, tmp_path / "o")
    assert not (tmp_path / "o").exists()


def test_not_an_extension(tiny_mlm: Any, tmp_path: Path) -> None:
    model = tiny_mlm()
    ext = tmp_path / "ext"
    write_extended_tokenizer(model, ext, NEW)
    data = json.loads((ext / "tokenizer.json").read_text())
    data["model"]["vocab"][10][0] = "▁swapped"
    (ext / "tokenizer.json").write_text(json.dumps(data))
    with pytest.raises(ShapeError, match=r"is not an extension of.*id 10 is '▁swapped'"):
        initialize.init_embeddings(model, ext, tmp_path / "o")


def test_tokenizer_larger_than_the_embedding(tiny_mlm: Any, tmp_path: Path) -> None:
    model = tiny_mlm(extra_rows=0)
    config = json.loads((model / "config.json").read_text())
    data = json.loads((model / "tokenizer.json").read_text())
    data["model"]["vocab"][-1:-1] = [[f"▁p{i}", -9.0] for i in range(5)]
    data["added_tokens"][-1]["id"] += 5
    (model / "tokenizer.json").write_text(json.dumps(data))
    write_extended_tokenizer(model, tmp_path / "ext", NEW)
    with pytest.raises(ShapeError, match=f"only {config['vocab_size']} embedding rows"):
        initialize.init_embeddings(model, tmp_path / "ext", tmp_path / "o")


def test_config_vocab_size_mismatch(tiny_mlm: Any, extended_factory: Any, tmp_path: Path) -> None:
    model = tiny_mlm()
    config = json.loads((model / "config.json").read_text())
    config["vocab_size"] += 7
    (model / "config.json").write_text(json.dumps(config))
    with pytest.raises(ShapeError, match=r"config\.json says vocab_size"):
        initialize.init_embeddings(model, extended_factory(model, NEW), tmp_path / "o")


def test_missing_tensors(tiny_mlm: Any, extended_factory: Any, tmp_path: Path) -> None:
    from safetensors.numpy import load_file, save_file

    model = tiny_mlm()
    state = load_file(model / "model.safetensors")
    del state["roberta.embeddings.word_embeddings.weight"]
    save_file(state, model / "model.safetensors", metadata={"format": "pt"})
    with pytest.raises(InputFileError, match="missing tensor: no input embedding"):
        initialize.init_embeddings(model, extended_factory(model, NEW), tmp_path / "o")
    (model / "model.safetensors").unlink()
    with pytest.raises(InputFileError, match="has no weights"):
        initialize.init_embeddings(model, extended_factory(model, NEW, name="e2"), tmp_path / "o")


def test_missing_untied_decoder(tiny_mlm: Any, extended_factory: Any, tmp_path: Path) -> None:
    from safetensors.numpy import load_file, save_file

    model = tiny_mlm(tie=False)
    state = load_file(model / "model.safetensors")
    del state["lm_head.decoder.weight"]
    save_file(state, model / "model.safetensors", metadata={"format": "pt"})
    with pytest.raises(InputFileError, match="untied word embeddings, but no output embedding"):
        initialize.init_embeddings(model, extended_factory(model, NEW), tmp_path / "o")


def test_failure_while_writing_leaves_nothing(
    tiny_mlm: Any, extended_factory: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    model = tiny_mlm()
    ext = extended_factory(model, NEW)
    out = tmp_path / "out"

    def explode(*args: Any, **kwargs: Any) -> None:
        raise OSError("disk full (simulated)")

    monkeypatch.setattr(initialize, "copy_tokenizer_files", explode)
    with pytest.raises(OSError, match="disk full"):
        initialize.init_embeddings(model, ext, out)
    assert not out.exists() and _leftovers(tmp_path) == []


def test_existing_output_is_kept(tiny_mlm: Any, extended_factory: Any, tmp_path: Path) -> None:
    model = tiny_mlm()
    ext = extended_factory(model, NEW)
    out = tmp_path / "out"
    out.mkdir()
    (out / "mine.txt").write_text("keep")
    with pytest.raises(OutputExistsError, match="--overwrite"):
        initialize.init_embeddings(model, ext, out)
    with pytest.raises(OutputExistsError, match="tokadapt did not write"):
        initialize.init_embeddings(model, ext, out, overwrite=True)  # not ours: never replaced
    assert [p.name for p in out.iterdir()] == ["mine.txt"]
    ours = tmp_path / "ours"
    initialize.init_embeddings(model, ext, ours)
    initialize.init_embeddings(model, ext, ours, overwrite=True, strategy="random")
    assert (ours / "model.safetensors").is_file() and (ours / ".tokadapt-output").is_file()


def test_cli_reports_errors_and_json(
    tiny_mlm: Any, extended_factory: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    model = tiny_mlm()
    ext = extended_factory(model, NEW)
    args = ["init-embeddings", "--model", str(model), "--tokenizer", str(ext)]
    assert main([*args, "-o", str(tmp_path / "o"), "--json", "--strategy", "random"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["strategy"] == "random" and report["new_pieces"] == 1
    assert main([*args, "-o", str(tmp_path / "o")]) == 2
    assert "exists" in capsys.readouterr().err
    (tmp_path / "nomodel").mkdir()
    assert (
        main(
            [
                "init-embeddings",
                "--model",
                str(tmp_path / "nomodel"),
                "--tokenizer",
                str(ext),
                "-o",
                str(tmp_path / "x"),
            ]
        )
        == 1
    )
    assert "config.json not found" in capsys.readouterr().err
