"""The bad-input matrix: every CLI command x every class of bad input (issue #9).

Each case runs ``tokadapt.cli.main`` in-process on a fresh tiny sandbox and checks: the exit
code, exactly one ``tokadapt CMD: error:`` line on stderr and no traceback, and that nothing was
written and every file is byte-identical afterwards (a hash of the whole sandbox, hidden files
and folders included).
"""

from __future__ import annotations

import errno
import hashlib
import json
import math
import struct
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tokadapt.cli import main


def _snapshot(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "d"
        for p in sorted(root.rglob("*"))
    }


def _tokjson(sb: Path, edit: Callable[[dict], None], where: str = "model") -> None:
    path = sb / where / "tokenizer.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    edit(data["model"])
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def _safetensors(sb: Path, edit: Callable[[dict], None]) -> None:
    path = sb / "model" / "model.safetensors"
    raw = path.read_bytes()
    (size,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8 : 8 + size])
    edit(header)
    blob = json.dumps(header).encode()
    path.write_bytes(struct.pack("<Q", len(blob)) + blob + raw[8 + size :])


def _first(header: dict) -> dict:
    return header[sorted(k for k in header if k != "__metadata__")[0]]


SETUPS: dict[str, Callable[[Path], None]] = {
    "null-vocab": lambda sb: _tokjson(sb, lambda m: m.update(vocab=None)),
    "string-score": lambda sb: _tokjson(sb, lambda m: m["vocab"][5].__setitem__(1, "x")),
    "nan-score": lambda sb: _tokjson(sb, lambda m: m["vocab"][5].__setitem__(1, math.nan)),
    "bad-unk": lambda sb: _tokjson(sb, lambda m: m.update(unk_id=10_000)),
    "ext-null-vocab": lambda sb: _tokjson(sb, lambda m: m.update(vocab=None), "ext"),
    "st-header-len": lambda sb: (sb / "model" / "model.safetensors").write_bytes(
        struct.pack("<Q", 1 << 60) + b"{}"
    ),
    "st-offsets": lambda sb: _safetensors(
        sb, lambda h: _first(h).update(data_offsets=[0, 1 << 40])
    ),
    "st-dtype": lambda sb: _safetensors(sb, lambda h: _first(h).update(dtype="Q7")),
    "vec-extra": lambda sb: (sb / "a.vec").write_text("3 2\nкот 1 0 5\nдом 0 1\nмир 1 1\n"),
    "vec-count": lambda sb: (sb / "a.vec").write_text("5 2\nкот 1 0\nдом 0 1\nмир 1 1\n"),
    "vec-utf8": lambda sb: (sb / "a.vec").write_bytes(b"3 2\nk\xffot 1 0\nd 0 1\nm 1 1\n"),
    "symlink": lambda sb: (sb / "link").symlink_to(sb / "model"),
}

EXT = ["extend-vocab", "{sb}/model", "-o"]
INIT = ["init-embeddings", "--model", "{sb}/model", "--tokenizer", "{sb}/ext", "-o"]
ALIGN = [
    "align",
    "--model",
    "{sb}/model",
    "--train",
    "{sb}/ru.txt:rus",
    "--steps",
    "1",
    "--batch-size",
    "2",
    "--layer",
    "1",
    "-o",
]
BLI = [
    "bli",
    "--src",
    "{sb}/a.vec",
    "--tgt",
    "{sb}/b.vec",
    "--test-dict",
    "{sb}/dict.txt",
    "--method",
    "none",
]
RETR = ["retrieval", "--model", "{sb}/model", "--src", "{sb}/ru.txt", "--tgt", "{sb}/en.txt"]

# (id, setup, argv, exit code, text the error line must contain)
# (code -1: 1 or 2)
CASES: list[tuple[str, str | None, list[str], int, str]] = [
    # class 2: outputs that are, contain or sit inside an input; foreign folders
    ("ext-out-is-input", None, [*EXT, "{sb}/model", "--overwrite"], 2, "is the input"),
    ("ext-out-inside-input", None, [*EXT, "{sb}/model/sub"], 2, "is inside the input"),
    ("ext-out-contains-input", None, [*EXT, "{sb}", "--overwrite"], 2, "contains the input"),
    ("ext-out-symlink-to-input", "symlink", [*EXT, "{sb}/link", "--overwrite"], 2, "input"),
    ("ext-out-foreign", None, [*EXT, "{sb}/mine", "--overwrite"], 2, "did not write"),
    ("init-out-is-tokenizer", None, [*INIT, "{sb}/ext", "--overwrite"], 2, "is the input"),
    ("init-out-parent", None, [*INIT, "{sb}", "--overwrite"], 2, "contains the input"),
    ("init-out-foreign", None, [*INIT, "{sb}/mine", "--overwrite"], 2, "did not write"),
    ("init-out-exists", None, [*INIT, "{sb}/mine"], 2, "--overwrite"),
    ("adapt-out-inside", None, ["adapt", "{sb}/model", "-o", "{sb}/model/a"], 2, "inside"),
    (
        "adapt-out-foreign",
        None,
        ["adapt", "{sb}/model", "-o", "{sb}/mine", "--overwrite"],
        2,
        "did not write",
    ),
    ("align-out-is-model", None, [*ALIGN, "{sb}/model", "--overwrite"], 2, "is the input"),
    ("align-out-is-train", None, [*ALIGN, "{sb}/ru.txt", "--overwrite"], 2, "is the input"),
    ("align-out-foreign", None, [*ALIGN, "{sb}/mine", "--overwrite"], 2, "did not write"),
    (
        "export-out-has-weights",
        None,
        ["models", "export-e5", "{sb}/mine", "--weights", "{sb}/mine/thesis.tex", "--overwrite"],
        2,
        "contains the input",
    ),
    (
        "export-out-foreign",
        None,
        ["models", "export-e5", "{sb}/mine", "--overwrite"],
        2,
        "did not write",
    ),
    ("bli-out-is-input", None, [*BLI, "-o", "{sb}/a.vec", "--overwrite"], 2, "is the input"),
    ("bli-out-exists", None, [*BLI, "-o", "{sb}/res.json"], 2, "--overwrite"),
    ("bli-out-is-folder", None, [*BLI, "-o", "{sb}/mine", "--overwrite"], 2, "directory"),
    (
        "romanize-out-is-input",
        None,
        ["romanize", "-i", "{sb}/ru.txt", "-o", "{sb}/ru.txt", "--overwrite"],
        2,
        "is the input",
    ),
    (
        "romanize-out-exists",
        None,
        ["romanize", "-i", "{sb}/ru.txt", "-o", "{sb}/res.json"],
        2,
        "--overwrite",
    ),
    ("demo-out-is-file", None, ["demo", "-o", "{sb}/ru.txt", "--only", "romanize"], 2, "file"),
    ("demo-no-such-stage", None, ["demo", "-o", "{sb}/d", "--only", "nosuch"], 2, "nosuch"),
    ("align-out-is-file", None, [*ALIGN, "{sb}/res.json"], 2, "is a file"),
    # class 1 / 6: malformed tokenizer.json and safetensors
    *[
        (f"ext-{s}", s, [*EXT, "{sb}/out"], 1, "tokenizer.json")
        for s in ("null-vocab", "string-score", "nan-score", "bad-unk")
    ],
    ("init-null-vocab", "null-vocab", [*INIT, "{sb}/out"], 1, "tokenizer.json"),
    ("init-ext-null-vocab", "ext-null-vocab", [*INIT, "{sb}/out"], 1, "tokenizer.json"),
    (
        "adapt-nan-score",
        "nan-score",
        ["adapt", "{sb}/model", "-o", "{sb}/out"],
        1,
        "tokenizer.json",
    ),
    *[
        (f"init-{s}", s, [*INIT, "{sb}/out"], 1, "model.safetensors")
        for s in ("st-header-len", "st-offsets", "st-dtype")
    ],
    (
        "barrier-st-header",
        "st-header-len",
        ["script-barrier", "--model", "{sb}/model"],
        1,
        "safetensors",
    ),
    ("align-st-header", "st-header-len", [*ALIGN, "{sb}/out"], 1, "cannot load the model"),
    ("retrieval-st-offsets", "st-offsets", RETR, 1, "cannot load the model"),
    ("align-null-vocab", "null-vocab", [*ALIGN, "{sb}/out"], 1, "tokenizer"),
    # class 5 (.vec) and other bad data files
    ("bli-vec-extra", "vec-extra", BLI, 1, "a.vec:2: expected a word and 2 numbers"),
    ("bli-vec-count", "vec-count", BLI, 1, "a.vec:1: the header announces 5 vectors"),
    ("bli-vec-utf8", "vec-utf8", BLI, 1, "a.vec:2: invalid UTF-8"),
    ("bli-src-folder", None, ["bli", "--src", "{sb}/mine", *BLI[3:]], 1, "mine"),
    ("bli-src-missing", None, ["bli", "--src", "{sb}/nope.vec", *BLI[3:]], 1, "nope.vec"),
    (
        "align-train-folder",
        None,
        [*ALIGN[:4], "{sb}/mine:rus", *ALIGN[5:], "{sb}/out"],
        1,
        "mine",
    ),
    (
        "align-train-missing",
        None,
        [*ALIGN[:4], "{sb}/no.txt:rus", *ALIGN[5:], "{sb}/out"],
        1,
        "no.txt",
    ),
    ("retrieval-src-folder", None, [*RETR[:4], "{sb}/mine", *RETR[5:]], 1, "mine"),
    ("romanize-in-folder", None, ["romanize", "-i", "{sb}/mine"], 1, "folder"),
    ("ext-missing", None, ["extend-vocab", "{sb}/nope", "-o", "{sb}/out"], 1, "nope"),
    (
        "init-model-missing",
        None,
        ["init-embeddings", "--model", "{sb}/nope", "--tokenizer", "{sb}/ext", "-o", "{sb}/out"],
        1,
        "nope",
    ),
    (
        "export-bad-weights",
        None,
        ["models", "export-e5", "{sb}/out", "--weights", "{sb}/ru.txt"],
        1,
        "ru.txt",
    ),
    # validated by translit today (1), by the script/language registry later (2)
    ("ext-lang-upper", None, [*EXT, "{sb}/out", "--lang", "RUS", "--select", "CYRILIC"], -1, ""),
    # usage errors
    ("align-steps-text", None, [*ALIGN, "{sb}/out", "--steps", "abc"], 2, "invalid int"),
    ("bli-k-text", None, [*BLI, "--csls-k", "ten"], 2, "invalid int"),
    ("ext-no-args", None, ["extend-vocab"], 2, "required"),
    ("random-command", None, ["ßß\u202e"], 2, "invalid choice"),
]


@pytest.mark.parametrize(
    ("setup", "argv", "code", "needle"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_bad_input_is_one_line_and_changes_nothing(
    sandbox: Path,
    capsys: pytest.CaptureFixture[str],
    setup: str | None,
    argv: list[str],
    code: int,
    needle: str,
) -> None:
    if setup:
        SETUPS[setup](sandbox)
    before = _snapshot(sandbox)
    rc = main([a.replace("{sb}", str(sandbox)) for a in argv])
    err = capsys.readouterr().err
    errors = [line for line in err.splitlines() if ": error:" in line]
    assert rc == code or (code == -1 and rc in (1, 2)), err
    assert len(errors) == 1 and errors[0].startswith("tokadapt"), err
    assert needle in errors[0] and "Traceback" not in err
    assert _snapshot(sandbox) == before


@pytest.mark.parametrize(
    ("exc", "code", "needle"),
    [
        (OSError(errno.ENOSPC, "No space left on device", "x"), 1, "no space left"),
        (MemoryError(), 1, "out of memory"),
        (KeyboardInterrupt(), 130, "interrupted"),
    ],
)
def test_faults_while_publishing_leave_nothing(
    sandbox: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    exc: BaseException,
    code: int,
    needle: str,
) -> None:
    def fail(directory: Path) -> None:
        (directory / "half-written").write_bytes(b"x")
        raise exc

    monkeypatch.setattr("tokadapt.io.outputs.write_marker", fail)
    before = _snapshot(sandbox)
    # --no-protect: a run of a few seconds prints no progress notes, only the one error line
    argv = ["extend-vocab", str(sandbox / "model"), "-o", str(sandbox / "out"), "--no-protect"]
    rc = main(argv)
    err = capsys.readouterr().err
    assert rc == code and needle in err and len(err.strip().splitlines()) == 1, err
    assert _snapshot(sandbox) == before


def test_debug_shows_the_traceback(sandbox: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tokadapt.errors import OutputOverlapError

    argv = ["extend-vocab", str(sandbox / "model"), "-o", str(sandbox / "model")]
    with pytest.raises(OutputOverlapError):
        main([*argv, "--debug"])
    monkeypatch.setenv("TOKADAPT_DEBUG", "1")
    with pytest.raises(OutputOverlapError):
        main(argv)


def test_every_command_that_writes_is_guarded() -> None:
    from tokadapt.cli import _guard, build_parser

    parser, _ = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    for name, command_parser in sub.choices.items():  # type: ignore[union-attr]
        flags = {o for a in command_parser._actions for o in a.option_strings}
        nested = [a for a in command_parser._actions if a.dest == "models_action"]
        if flags & {"-o", "--overwrite", "--output", "--out"} or nested:
            assert name in _guard.PATHS, f"add {name} to tokadapt/cli/_guard.py PATHS"


def _shell(command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["sh", "-c", command], capture_output=True, text=True, check=False, timeout=300
    )


def test_closed_stdout_is_one_line_and_broken_pipe_is_quiet(tmp_path: Path) -> None:
    py = f"{sys.executable} -m tokadapt"
    closed = _shell(f"{py} env >&-")
    assert closed.returncode == 1 and closed.stderr.count("\n") == 1, closed.stderr
    assert "standard output is closed" in closed.stderr
    big = tmp_path / "big.txt"
    big.write_text("Привет мир\n" * 200_000, encoding="utf-8")
    piped = _shell(f"{py} romanize -i {big} | head -n 1")
    assert piped.stdout == "Privet mir\n" and piped.stderr == "", piped.stderr
