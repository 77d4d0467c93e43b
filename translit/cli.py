"""Command line: ``python -m translit`` and ``tokadapt romanize`` share this parser and runner."""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO, TextIO

from translit.api import ERRORS, Romanizer
from translit.errors import TranslitError
from translit.schemes import RomanizerLike
from translit.stream import FORMATS, romanize_stream


def add_arguments(parser: argparse.ArgumentParser) -> None:
    io_group = parser.add_argument_group("input/output")
    io_group.add_argument("-i", "--input", metavar="IN", help="input file (default: stdin)")
    io_group.add_argument("-o", "--output", metavar="OUT", help="output file (default: stdout)")
    io_group.add_argument(
        "--overwrite", action="store_true", help="replace OUT if it exists (written atomically)"
    )
    io_group.add_argument("--max-lines", type=int, default=None, help="stop after N lines")
    rom = parser.add_argument_group("romanization")
    rom.add_argument("-l", "--lang", metavar="LCODE", help="ISO-639-3 language code, e.g. rus, hin")
    rom.add_argument(
        "--scheme",
        default="uroman",
        metavar="SPEC",
        help="romanization scheme: uroman (default), uroman:LCODE, icu:PRESET (iso9, bgn, "
        "iso15919, ungegn, pinyin, hepburn, arabic, persian, hebrew, latin; -ascii) or icu:ICU-ID",
    )
    rom.add_argument("-f", "--format", choices=FORMATS, default="str", help="output format")
    rom.add_argument(
        "--vocab",
        action="store_true",
        help="vocabulary mode: one tokenizer piece per line; keep ▁ Ġ ## <0x..> markers",
    )
    rom.add_argument(
        "--errors", choices=ERRORS, default="strict", help="invalid UTF-8 / lone surrogates"
    )
    rom.add_argument("--threads", type=int, default=0, help="worker threads (0 = all cores)")
    rom.add_argument(
        "--backend", choices=("auto", "cpp", "python"), default="auto", help="romanizer engine"
    )


@contextlib.contextmanager
def _open_output(path: str | None, overwrite: bool) -> Iterator[TextIO]:
    """stdout (UTF-8, ``\n``) or ``path`` written atomically; never replaces without overwrite."""
    if path is None or path == "-":
        sys.stdout.flush()
        out = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="\n")
        try:
            yield out
            out.flush()
        finally:
            out.detach()
        return
    target = Path(path)
    if target.exists() and not target.is_file() and not target.is_dir():
        with target.open("w", encoding="utf-8", newline="\n") as device:  # /dev/null, a FIFO
            yield device
        return
    if target.exists() and not overwrite:
        raise FileExistsError(f"output {target} exists; pass --overwrite to replace it")
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        with tmp.open("w", encoding="utf-8", newline="\n") as handle:
            yield handle
        tmp.replace(target)
    finally:
        tmp.unlink(missing_ok=True)


@contextlib.contextmanager
def _open_input(path: str | None) -> Iterator[tuple[BinaryIO, str]]:
    if path is None or path == "-":
        yield sys.stdin.buffer, "<stdin>"
        return
    with Path(path).open("rb") as handle:
        yield handle, path


def _quiet_broken_pipe() -> int:
    """The reader went away (``| head``): silence stdout and exit like a Unix filter."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
    return 0


def run(args: argparse.Namespace) -> int:
    try:
        rom: RomanizerLike
        if args.scheme == "uroman":
            rom = Romanizer(args.lang, backend=args.backend, errors=args.errors)
        else:
            from translit.schemes import make_romanizer

            rom = make_romanizer(args.scheme, args.lang, errors=args.errors, backend=args.backend)
        with (
            _open_input(args.input) as (src, name),
            _open_output(args.output, args.overwrite) as dst,
        ):
            romanize_stream(
                src,
                dst,
                rom,  # type: ignore[arg-type]  # any scheme: same API
                fmt=args.format,
                num_threads=args.threads,
                name=name,
                max_lines=args.max_lines,
                vocab=args.vocab,
            )
    except BrokenPipeError:
        return _quiet_broken_pipe()
    except (TranslitError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


EPILOG = """\
One output line per input line, in order. A line starting with '::lcode xxx ' is romanized
with language xxx and keeps its prefix (uroman's convention). --format edges writes one JSON
array of [start, end, text, type] per line (character offsets). Invalid UTF-8 stops with the
line and byte offset (exit code 2) unless --errors replace.

examples:
  echo 'Привет, мир' | python -m translit
  python -m translit -l ukr -i news.uk.txt -o news.uk.rom.txt
  python -m translit --vocab -i pieces.txt --threads 4 | head
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m translit",
        description="Romanize text (uroman 1.3.1.1 compatible).",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_arguments(parser)
    return run(parser.parse_args(argv))
