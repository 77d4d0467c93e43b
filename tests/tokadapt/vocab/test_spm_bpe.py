"""SentencePiece BPE with byte fallback: the real Mistral ``tokenizer.model`` files.

The extended ``.model`` (loaded by ``sentencepiece``) and ``tokenizer.json`` (``tokenizers``,
``transformers``) must agree with each other on text, keep every old id, and leave text that has
no Latin letter tokenized exactly as before.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from tokenizers import Tokenizer

from tokadapt.vocab import ExtendResult, Manifest, extend_vocab
from tokadapt.vocab.spm import read_model
from tokadapt.vocab.spm_bpe import to_tokenizer_json

spm = pytest.importorskip("sentencepiece")
MODELS = ["tokenizer.model.v1", "mistral_instruct_tokenizer_240323.model.v3"]
WITH_JSON = "tokenizer.model.v1+json"
EDGE = ["  two  spaces ", "tab\there", " lead", "trail ", "a\n\nb", "🤖 ǅ𝔘 \u200b", "", "x" * 50]


def _mistral_data() -> Path:
    spec = importlib.util.find_spec("mistral_common")
    if spec is None or not spec.submodule_search_locations:
        pytest.skip("mistral-common is not installed (pip install 'tokadapt[llm]')")
    return Path(next(iter(spec.submodule_search_locations))) / "data"


@pytest.fixture(scope="module")
def extended_spm(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], tuple]:
    cache: dict[str, tuple[Path, Path, ExtendResult]] = {}

    def get(name: str) -> tuple[Path, Path, ExtendResult]:
        if name not in cache:
            src = tmp_path_factory.mktemp("spm") / "in"
            src.mkdir()
            shutil.copyfile(_mistral_data() / name.removesuffix("+json"), src / "tokenizer.model")
            if name.endswith("+json"):  # a .model with its tokenizer.json beside it
                data = to_tokenizer_json(read_model(src / "tokenizer.model"))
                (src / "tokenizer.json").write_text(json.dumps(data), encoding="utf-8")
            out = src.parent / "out"
            cache[name] = (src, out, extend_vocab(src, out))
        return cache[name]

    return get


def _spm(path: Path) -> object:
    return spm.SentencePieceProcessor(model_file=str(path / "tokenizer.model"))


@pytest.mark.parametrize("name", MODELS)
def test_every_old_id_kept_and_bytes_not_romanized(name: str, extended_spm: Callable) -> None:
    src, out, _ = extended_spm(name)
    before, after = _spm(src), _spm(out)
    old = [before.id_to_piece(i) for i in range(before.get_piece_size())]
    assert [after.id_to_piece(i) for i in range(len(old))] == old
    new = Manifest.load(out).new_pieces
    assert [after.id_to_piece(p.id) for p in new] == [p.piece for p in new]
    assert not any(p.piece.startswith("<0x") for p in new) and len(new) > 500


@pytest.mark.parametrize("name", [*MODELS, WITH_JSON])
def test_model_and_tokenizer_json_agree_on_text(
    name: str, extended_spm: Callable, corpus: list[str], romanized_sample: tuple
) -> None:
    _, out, _ = extended_spm(name)
    sp, tok = _spm(out), Tokenizer.from_file(str(out / "tokenizer.json"))
    texts = [*EDGE, *corpus, *romanized_sample[1]]
    got = [e.ids for e in tok.encode_batch(texts, add_special_tokens=False)]
    diff = [t for t, a, b in zip(texts, sp.encode(texts), got, strict=True) if a != b]
    assert len(texts) > 20000 and diff == []


@pytest.mark.parametrize("name", MODELS)
def test_text_without_latin_letters_is_unchanged(
    name: str, extended_spm: Callable, original_script_texts: list[str]
) -> None:
    src, out, _ = extended_spm(name)
    texts = [*EDGE[1:2], *original_script_texts]
    assert _spm(src).encode(texts) == _spm(out).encode(texts)


def test_romanized_text_uses_new_pieces(extended_spm: Callable, romanized_sample: tuple) -> None:
    src, out, _ = extended_spm(MODELS[0])
    before, after = _spm(src).encode(romanized_sample[1]), _spm(out).encode(romanized_sample[1])
    # a 32k vocabulary has few non-Latin pieces: ~2 % fewer tokens on romanized CLDR names
    assert sum(map(len, after)) < sum(map(len, before))


def test_transformers_loads_the_output(extended_spm: Callable) -> None:
    transformers = pytest.importorskip("transformers")
    _, out, result = extended_spm(MODELS[1])
    tok = transformers.AutoTokenizer.from_pretrained(str(out))
    assert len(tok) == result.manifest.new_vocab_size
    assert tok.convert_tokens_to_ids("[INST]") == _spm(out).piece_to_id("[INST]")
