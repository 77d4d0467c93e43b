"""Every subcommand's --help shows usage examples and defaults; writers take -o/--output and
every command that reports results takes --json."""

from __future__ import annotations

import pytest

from tokadapt.cli import build_parser

PARSER, TABLE = build_parser()
WRITERS = ["extend-vocab", "init-embeddings", "adapt", "align", "bli", "retrieval",
           "script-barrier", "report", "demo", "romanize"]  # fmt: skip


def _help(command: str) -> str:
    sub = next(a for a in PARSER._actions if a.dest == "command")
    return sub.choices[command].format_help()  # type: ignore[index]


@pytest.mark.parametrize("command", sorted(TABLE))
def test_help_has_examples(command: str) -> None:
    text = _help(command)
    assert "examples:" in text and f"tokadapt {command}" in text


@pytest.mark.parametrize("command", WRITERS)
def test_writers_take_output(command: str) -> None:
    assert "-o " in _help(command) and "--output" in _help(command)


@pytest.mark.parametrize("command", sorted(set(TABLE) - {"romanize", "align"}))
def test_json_everywhere(command: str) -> None:
    assert "--json" in _help(command)


def test_defaults_are_shown_once() -> None:
    text = " ".join(_help("retrieval").split())
    assert "--batch-size BATCH_SIZE (default: 32)" in text
    assert text.count("(default: 128)") == 1
