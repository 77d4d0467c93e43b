"""Streaming romanization of line-oriented files in constant memory.

Lines are read as bytes, decoded strictly (an invalid byte is an :class:`InputError` naming the
line and the absolute byte offset) or with ``errors="replace"`` (U+FFFD, counted and logged),
romanized in chunks with the thread pool and written in input order. A line starting with
``::lcode xyz `` is romanized with language ``xyz`` and keeps its prefix (uroman's convention).

Defined behaviours where uroman 1.3.1.1's ``romanize_file`` differs:

* lines end at ``\n`` only (a ``\r`` before it is dropped); uroman's universal-newline reading
  also splits at a lone ``\r``. Every input line gives exactly one output line.
* ``--format edges`` writes one valid JSON array of ``[start, end, text, type]`` per line
  (UTF-8, not ASCII-escaped); uroman writes the same edges without the separating commas,
  which no JSON parser accepts.
* invalid UTF-8 is an :class:`InputError` by default; uroman always replaces it.
* vocabulary mode (``vocab=True``) treats each line as one tokenizer piece, verbatim: no
  ``::lcode`` parsing, markers kept (:mod:`translit.vocab`).
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO, Literal, TextIO

from translit.api import Errors, Romanizer, check_lang
from translit.errors import InputError

log = logging.getLogger(__name__)

Format = Literal["str", "edges"]
FORMATS: tuple[Format, ...] = ("str", "edges")
_LCODE_LINE = re.compile(r"(::lcode\s+)([a-z]{3})(\s+)(.*)$", re.DOTALL)


@dataclass
class StreamStats:
    lines: int = 0
    chars: int = 0
    replaced_bytes: int = 0


def _decode_line(
    raw: bytes, number: int, offset: int, errors: Errors, name: str, stats: StreamStats
) -> str:
    body = raw[:-1] if raw.endswith(b"\n") else raw
    if body.endswith(b"\r"):
        body = body[:-1]
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        if errors == "strict":
            bad = body[exc.start : exc.start + 1].hex()
            raise InputError(
                f"{name}: line {number}, byte offset {offset + exc.start}: invalid UTF-8 "
                f"(byte 0x{bad}: {exc.reason}). Fix the file, or pass --errors replace to "
                "romanize bad bytes as U+FFFD."
            ) from exc
        text = body.decode("utf-8", errors="replace")
        before = body.decode("utf-8", errors="ignore").count("\ufffd")
        stats.replaced_bytes += text.count("\ufffd") - before
        return text


def _decode_chunks(
    stream: BinaryIO,
    errors: Errors,
    name: str,
    stats: StreamStats,
    size: int,
    max_bytes: int = 1 << 20,
) -> Iterator[list[str]]:
    """Lists of at most ``size`` decoded lines read in ~``max_bytes`` blocks (a longer line
    comes alone). A block decodes in one call; one with a bad byte is redone line by line to
    name the line and byte offset (or to replace the bad bytes)."""
    number = offset = 0
    while raw_lines := stream.readlines(max_bytes):
        blob = b"".join(raw_lines)
        try:
            text = blob.decode("utf-8")
        except UnicodeDecodeError:
            lines = [
                _decode_line(raw, number + i + 1, offset + pos, errors, name, stats)
                for i, (raw, pos) in enumerate(zip(raw_lines, _starts(raw_lines), strict=True))
            ]
        else:
            lines = text.split("\n")
            if text.endswith("\n"):
                lines.pop()
            if "\r" in text:
                lines = [line[:-1] if line.endswith("\r") else line for line in lines]
        number += len(raw_lines)
        offset += len(blob)
        for i in range(0, len(lines), size):
            yield lines[i : i + size]


def _starts(raw_lines: list[bytes]) -> list[int]:
    """Byte offset of each line from the start of its block."""
    starts, pos = [], 0
    for raw in raw_lines:
        starts.append(pos)
        pos += len(raw)
    return starts


def _romanize_chunk(
    lines: list[str],
    base: Romanizer,
    fmt: Format | Literal["vocab"],
    threads: int,
    cache: dict[str, Romanizer],
) -> list[str]:
    if fmt == "vocab":
        return base.romanize_vocab(lines, threads)
    if fmt == "str" and not any(line.startswith("::lcode") for line in lines):
        return base.romanize_batch(lines, threads)
    prefixes = [""] * len(lines)
    groups: dict[str | None, list[int]] = {}
    bodies = list(lines)
    for i, line in enumerate(lines):
        lang = base.lang
        m = _LCODE_LINE.match(line)
        if m:
            prefixes[i] = m.group(1) + m.group(2) + m.group(3)
            bodies[i], lang = m.group(4), check_lang(m.group(2))
        groups.setdefault(lang, []).append(i)
    out = [""] * len(lines)
    for lang, idx in groups.items():
        rom = cache.get(lang or "")
        if rom is None:
            if isinstance(base, Romanizer):
                rom = Romanizer(lang, backend=base._backend_name, errors=base.errors)
            else:  # another scheme (icu:bgn …): the same scheme with this line's language
                from translit.schemes import make_romanizer

                rom = make_romanizer(base.scheme, lang, errors=base.errors)
            cache[lang or ""] = rom
        if fmt == "str":
            for i, r in zip(
                idx, rom.romanize_batch([bodies[i] for i in idx], threads), strict=True
            ):
                out[i] = prefixes[i] + r
        else:
            for i in idx:
                edges = [list(e) for e in rom.edges(bodies[i])]
                if prefixes[i]:
                    edges.insert(0, [0, 0, "", f"lcode: {lang}"])
                out[i] = json.dumps(edges, ensure_ascii=False)
    return out


def romanize_stream(
    src: BinaryIO,
    dst: TextIO,
    romanizer: Romanizer,
    *,
    fmt: Format = "str",
    num_threads: int = 0,
    chunk_lines: int = 16384,
    name: str = "<stdin>",
    max_lines: int | None = None,
    vocab: bool = False,
) -> StreamStats:
    """Romanize every line of ``src`` into ``dst`` in ~1 MiB blocks of at most ``chunk_lines``
    lines (a longer line is one block): memory stays flat whatever the file size.

    ``vocab=True``: every line is one tokenizer piece, romanized in vocabulary mode.
    """
    if fmt not in FORMATS:
        raise InputError(f"format must be one of {FORMATS}, got {fmt!r}")
    if vocab and fmt != "str":
        raise InputError("vocabulary mode writes romanized pieces; it cannot use --format edges")
    if num_threads < 0:
        raise InputError(f"num_threads must be >= 0 (0 = all cores), got {num_threads}")
    if max_lines is not None and max_lines < 0:
        raise InputError(f"max_lines must be >= 0, got {max_lines}")
    stats = StreamStats()
    cache: dict[str, Romanizer] = {romanizer.lang or "": romanizer}
    for chunk in _decode_chunks(src, romanizer.errors, name, stats, chunk_lines):
        if max_lines is not None:
            chunk = chunk[: max(0, max_lines - stats.lines)]
        mode: Format | Literal["vocab"] = "vocab" if vocab else fmt
        out = _romanize_chunk(chunk, romanizer, mode, num_threads, cache)
        if out:
            dst.write("\n".join(out))
            dst.write("\n")
        stats.lines += len(chunk)
        stats.chars += sum(len(c) for c in chunk)
        if max_lines is not None and stats.lines >= max_lines:
            break
    dst.flush()
    if stats.replaced_bytes:
        log.warning(
            "%s: %d invalid UTF-8 sequence(s) replaced by U+FFFD", name, stats.replaced_bytes
        )
    return stats
