"""The streaming CLI: ``python -m translit`` and ``tokadapt romanize`` (same parser and runner)."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

import translit
from translit.cli import main as translit_main
from translit.vocab import split_piece

LINES = ["Привет мир", "", "::lcode ukr Игорь Ґалаґан", "Ελλάδα 2024", "plain ascii", "東京"]


def _run(
    argv: list[str],
    stdin: bytes = b"",
    monkeypatch: pytest.MonkeyPatch | None = None,
    capfdbinary: pytest.CaptureFixture[bytes] | None = None,
) -> tuple[int, bytes, str]:
    assert monkeypatch is not None and capfdbinary is not None
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8"))
    code = translit_main(argv)
    out, err = capfdbinary.readouterr()
    return code, out, err.decode("utf-8")


def _expected(backend: str, lines: list[str]) -> list[str]:
    out = []
    for line in lines:
        if line.startswith("::lcode "):
            prefix, lcode, body = line[:12], line[8:11], line[12:]
            out.append(prefix + translit.Romanizer(lcode, backend=backend).romanize(body))  # type: ignore[arg-type]
        else:
            out.append(translit.Romanizer(backend=backend).romanize(line))  # type: ignore[arg-type]
    return out


def test_stdin_to_stdout_with_lcode_switching(
    golden_backend: str, monkeypatch: pytest.MonkeyPatch, capfdbinary: pytest.CaptureFixture[bytes]
) -> None:
    data = ("\n".join(LINES) + "\n").encode()
    code, out, err = _run(["--backend", golden_backend], data, monkeypatch, capfdbinary)
    assert code == 0, err
    got = out.decode("utf-8").split("\n")
    assert got[-1] == "" and got[:-1] == _expected(golden_backend, LINES)
    # the per-line ::lcode really switched rules (ukr и -> y, not the default i)
    default = translit.Romanizer(backend=golden_backend).romanize("Игорь Ґалаґан")  # type: ignore[arg-type]
    assert got[2].startswith("::lcode ukr ") and got[2][12:] != default


def test_files_in_and_out_and_no_lost_lines(golden_backend: str, tmp_path: Path) -> None:
    # separators that str.splitlines() would split on must stay inside their line
    lines = ["a\u2028b", "c\x0bd\x0ce", "f\x1cg\x85h", "", "Привет\r", "last without newline"]
    src = tmp_path / "in.txt"
    src.write_bytes("\n".join(lines).encode("utf-8"))
    dst = tmp_path / "out.txt"
    assert translit_main(["-i", str(src), "-o", str(dst), "--backend", golden_backend]) == 0
    got = dst.read_bytes().decode("utf-8").split("\n")
    want = _expected(golden_backend, [*lines[:4], "Привет", lines[5]])
    assert got == [*want, ""]


def test_refuses_existing_output_without_overwrite(
    golden_backend: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src, dst = tmp_path / "in.txt", tmp_path / "out.txt"
    src.write_text("Привет\n", encoding="utf-8")
    dst.write_text("precious\n", encoding="utf-8")
    assert translit_main(["-i", str(src), "-o", str(dst), "--backend", golden_backend]) == 2
    err = capsys.readouterr().err
    assert str(dst) in err and "exists" in err and "--overwrite" in err
    assert dst.read_text(encoding="utf-8") == "precious\n"
    argv = ["-i", str(src), "-o", str(dst), "--overwrite", "--backend", golden_backend]
    assert translit_main(argv) == 0
    assert dst.read_text(encoding="utf-8") == "Privet\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_invalid_utf8_names_line_and_byte_offset(
    golden_backend: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src, dst = tmp_path / "in.txt", tmp_path / "out.txt"
    src.write_bytes(b"ok\nfine\nab\xffc\n")
    assert translit_main(["-i", str(src), "-o", str(dst), "--backend", golden_backend]) == 2
    err = capsys.readouterr().err
    assert (
        "line 3" in err and "byte offset 10" in err and "0xff" in err and "--errors replace" in err
    )
    assert not dst.exists(), "a failed run must not leave a partial output"


def test_invalid_utf8_replace_keeps_every_line(golden_backend: str, tmp_path: Path) -> None:
    src, dst = tmp_path / "in.txt", tmp_path / "out.txt"
    src.write_bytes(b"ok\nab\xffc\n\xc3\nend\n")
    argv = ["-i", str(src), "-o", str(dst), "--errors", "replace", "--backend", golden_backend]
    assert translit_main(argv) == 0
    rom = translit.Romanizer(backend=golden_backend)  # type: ignore[arg-type]
    want = [rom.romanize(t) for t in ("ok", "ab\ufffdc", "\ufffd", "end")]
    assert dst.read_text(encoding="utf-8").split("\n") == [*want, ""]


def test_edges_format_is_json_that_concatenates_to_str(golden_backend: str, tmp_path: Path) -> None:
    src = tmp_path / "in.txt"
    src.write_text("\n".join(LINES) + "\n", encoding="utf-8")
    edges_out, str_out = tmp_path / "edges.jsonl", tmp_path / "str.txt"
    base = ["-i", str(src), "--backend", golden_backend]
    assert translit_main([*base, "-o", str(edges_out), "--format", "edges"]) == 0
    assert translit_main([*base, "-o", str(str_out)]) == 0
    strs = str_out.read_text(encoding="utf-8").split("\n")[:-1]
    for line, text, rom in zip(
        edges_out.read_text(encoding="utf-8").splitlines(), LINES, strs, strict=True
    ):
        edges = json.loads(line)
        if text.startswith("::lcode"):
            assert edges[0] == [0, 0, "", "lcode: ukr"]
            edges, rom = edges[1:], rom[len("::lcode ukr ") :]
        assert "".join(e[2] for e in edges) == rom


def test_vocab_mode_keeps_markers(golden_backend: str, tmp_path: Path) -> None:
    pieces = ["▁Игорь", "##ство", "Ġмир", "<0xE2>", "<s>", "▁", "東京</w>", "plain"]
    src, dst = tmp_path / "vocab.txt", tmp_path / "out.txt"
    src.write_text("\n".join(pieces) + "\n", encoding="utf-8")
    argv = ["-i", str(src), "-o", str(dst), "--vocab", "--backend", golden_backend]
    assert translit_main(argv) == 0
    got = dst.read_text(encoding="utf-8").split("\n")[:-1]
    rom = translit.Romanizer(backend=golden_backend)  # type: ignore[arg-type]
    assert got == rom.romanize_vocab(pieces)
    for piece, out in zip(pieces, got, strict=True):
        parts = split_piece(piece)
        assert out.startswith(parts.prefix) and out.endswith(parts.suffix)
    assert got[:4] == ["▁Igor", "##stvo", "Ġmir", "<0xE2>"]


def test_vocab_mode_rejects_edges_format(
    golden_backend: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "vocab.txt"
    src.write_text("▁мир\n", encoding="utf-8")
    argv = ["-i", str(src), "--vocab", "--format", "edges", "--backend", golden_backend]
    assert translit_main(argv) == 2
    assert "vocabulary mode" in capsys.readouterr().err


def test_threads_do_not_change_output(golden_backend: str, tmp_path: Path) -> None:
    src = tmp_path / "in.txt"
    src.write_text("\n".join(LINES * 50) + "\n", encoding="utf-8")
    outs = []
    for threads in ("1", "2", "4"):
        dst = tmp_path / f"out{threads}.txt"
        argv = ["-i", str(src), "-o", str(dst), "--threads", threads, "--backend", golden_backend]
        assert translit_main(argv) == 0
        outs.append(dst.read_bytes())
    assert outs[0] == outs[1] == outs[2]


def test_bad_arguments_are_clear(golden_backend: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert translit_main(["-l", "Russian", "--backend", golden_backend]) == 2
    assert "ISO-639-3" in capsys.readouterr().err
    assert translit_main(["-i", "/nonexistent/x.txt", "--backend", golden_backend]) == 2
    assert "/nonexistent/x.txt" in capsys.readouterr().err


def _proc(args: list[str], backend: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, *args, "--backend", backend],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


@pytest.mark.parametrize("entry", [["-m", "translit"], ["-m", "tokadapt", "romanize"]])
def test_entry_points_and_exit_code(entry: list[str], golden_backend: str) -> None:
    proc = _proc(entry, golden_backend)
    out, err = proc.communicate(b"\xd0\x9c\xd0\xb8\xd1\x80\nbad \xff\n", timeout=120)
    assert proc.returncode == (2 if entry[1] == "translit" else 1), err  # tokadapt: 1 = bad data
    assert b"line 2, byte offset 11" in err and b"Traceback" not in err
    assert out.startswith(b"Mir\n") or out == b""


def test_sigpipe_head_exits_cleanly(golden_backend: str) -> None:
    proc = _proc(["-m", "translit"], golden_backend)
    assert proc.stdin is not None and proc.stdout is not None and proc.stderr is not None
    payload = b"x\n" * 60000
    writer = subprocess.Popen(["cat"], stdin=subprocess.PIPE, stdout=proc.stdin)
    proc.stdin.close()
    assert writer.stdin is not None
    writer.stdin.write(payload)
    writer.stdin.close()
    first = proc.stdout.readline()  # like `| head -1`
    proc.stdout.close()
    code = proc.wait(timeout=120)
    writer.wait(timeout=120)
    err = proc.stderr.read()
    assert first == b"x\n"
    assert code == 0, err
    assert b"Traceback" not in err and b"Exception ignored" not in err


def test_output_to_a_device_needs_no_overwrite(golden_backend: str, tmp_path: Path) -> None:
    src = tmp_path / "in.txt"
    src.write_text("Привет\n", encoding="utf-8")
    assert translit_main(["-i", str(src), "-o", "/dev/null", "--backend", golden_backend]) == 0
    assert Path("/dev/null").is_char_device()


def test_max_lines_stops_early(golden_backend: str, tmp_path: Path) -> None:
    src, dst = tmp_path / "in.txt", tmp_path / "out.txt"
    src.write_text("один\nдва\nтри\n", encoding="utf-8")
    argv = ["-i", str(src), "-o", str(dst), "--max-lines", "2", "--backend", golden_backend]
    assert translit_main(argv) == 0
    assert dst.read_text(encoding="utf-8") == "odin\ndva\n"


def test_stream_keeps_order_across_chunks_and_languages(golden_backend: str) -> None:
    from translit.stream import romanize_stream

    langs = ("", "ukr", "rus", "bul")
    lines = [(f"::lcode {langs[i % 4]} " if i % 4 else "") + f"Игорь {i}" for i in range(23)]
    src = io.BytesIO(("\n".join(lines) + "\n").encode("utf-8"))
    dst = io.StringIO()
    rom = translit.Romanizer(backend=golden_backend)  # type: ignore[arg-type]
    stats = romanize_stream(src, dst, rom, chunk_lines=5, num_threads=2)
    assert stats.lines == len(lines)
    assert dst.getvalue().split("\n")[:-1] == _expected(golden_backend, lines)


def test_stream_strict_error_is_input_error(golden_backend: str) -> None:
    from translit.stream import romanize_stream

    src = io.BytesIO("один\n".encode() * 9 + b"\xe2\x82\n")
    rom = translit.Romanizer(backend=golden_backend)  # type: ignore[arg-type]
    with pytest.raises(translit.InputError, match=r"in.txt: line 10, byte offset 81"):
        romanize_stream(src, io.StringIO(), rom, name="in.txt")


def test_stream_error_offset_counts_earlier_blocks(native: str) -> None:
    from translit.stream import romanize_stream

    first = b"a" * 1_200_000 + b"\n"  # longer than one read block
    src = io.BytesIO(first + "мир\n".encode() * 3 + b"x\xc3(\n")
    rom = translit.Romanizer(backend=native)  # type: ignore[arg-type]
    offset = len(first) + 3 * len("мир\n".encode()) + 1
    with pytest.raises(translit.InputError, match=rf"line 5, byte offset {offset}:"):
        romanize_stream(src, io.StringIO(), rom)
    replaced = io.StringIO()
    lenient = translit.Romanizer(backend=native, errors="replace")  # type: ignore[arg-type]
    stats = romanize_stream(io.BytesIO(src.getvalue()), replaced, lenient)
    assert stats.lines == 5 and stats.replaced_bytes == 1
    assert replaced.getvalue().split("\n")[1:5] == [
        "mir",
        "mir",
        "mir",
        lenient.romanize("x\ufffd("),
    ]


def test_tokadapt_romanize_subcommand_files(golden_backend: str, tmp_path: Path) -> None:
    from tokadapt.cli import main as tokadapt_main

    src, dst = tmp_path / "in.txt", tmp_path / "out.txt"
    src.write_text("\n".join(LINES) + "\n", encoding="utf-8")
    argv = ["romanize", "-i", str(src), "-o", str(dst), "--backend", golden_backend]
    assert tokadapt_main(argv) == 0
    assert dst.read_text(encoding="utf-8").split("\n")[:-1] == _expected(golden_backend, LINES)
    assert tokadapt_main(argv) == 2  # refuses to overwrite
