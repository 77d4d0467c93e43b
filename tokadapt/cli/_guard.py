"""Which arguments of each command are inputs and outputs, and the checks made before it runs.

Every command that writes is listed in :data:`PATHS`; before ``run(args)`` the CLI refuses an
output that equals, contains or sits inside any input (:func:`tokadapt.io.outputs.refuse_overlap`)
and an existing output that may not be replaced. A test fails when a command with ``-o`` or
``--overwrite`` is missing here.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tokadapt.errors import OutputExistsError
from tokadapt.io.outputs import check_output_dir, check_output_file, refuse_overlap

# command -> (input argument names, directory outputs, single-file outputs)
PATHS: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "romanize": (("input",), (), ("output",)),
    "extend-vocab": (("input",), ("output",), ()),
    "init-embeddings": (("model", "tokenizer", "base_tokenizer"), ("output",), ()),
    "adapt": (("model",), ("output",), ()),
    "align": (("model", "tokenizer", "train", "eval", "config"), ("out",), ()),
    "models": (("weights",), ("outdir",), ()),
    "bli": (("src", "tgt", "src_model", "tgt_model", "train_dict", "test_dict"), (), ("output",)),
    "retrieval": (("model", "src", "tgt"), (), ("output",)),
    "script-barrier": (("model",), (), ("output",)),
    "demo": ((), ("out",), ()),
    "report": (("runs",), ("figures",), ("output",)),
    "romanize-corpus": (("inputs",), ("output",), ()),
}
# align: --resume continues in OUT; demo: its own work dir; romanize-corpus: a rerun resumes in
# OUT (finished shards are skipped); report: --figures adds files to a folder
_NO_PRECHECK = {"align", "demo", "romanize-corpus", "report"}


def _values(value: Any) -> Iterator[str]:
    for item in value if isinstance(value, list | tuple) else [value]:
        if item is None or item is True or item is False:
            continue
        text = str(item)
        if not Path(text).exists() and ":" in text:
            text = text.rsplit(":", 1)[0]  # FILE:LCODE
        yield text


def _is_device(path: str) -> bool:
    return path == "-" or (Path(path).exists() and not Path(path).is_file())


def check(args: argparse.Namespace) -> None:
    """Refuse overlapping or forbidden outputs before the command reads anything big."""
    spec = PATHS.get(args.command)
    if spec is None:
        return
    in_names, dir_names, file_names = spec
    inputs = [v for name in in_names for v in _values(getattr(args, name, None))]
    overwrite = bool(getattr(args, "overwrite", False))
    for name in dir_names:
        out = getattr(args, name, None)
        if out is None:
            continue
        refuse_overlap(out, inputs)
        if args.command not in _NO_PRECHECK:
            check_output_dir(out, overwrite)
        elif Path(out).exists() and not Path(out).is_dir():
            raise OutputExistsError(f"output {out} is a file, not a folder; choose a folder")
    for name in file_names:
        out = getattr(args, name, None)
        if out is None or (args.command == "romanize" and _is_device(out)):
            continue
        check_output_file(out, overwrite, inputs)
