"""The loaders accept the output, and slow (reference) == fast on real text."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from vocab_helpers import ids, output_tokenizer, wordpiece_reference

from tokadapt.vocab import Manifest, extend_vocab
from tokadapt.vocab.bpe import BpeState
from tokadapt.vocab.romanize import decode_byte_level
from tokadapt.vocab.spm import from_tokenizer_json


def _texts(original: list[str], sample: tuple[list[str], list[str]]) -> list[str]:
    return original[::40] + sample[1]


@pytest.mark.parametrize("kind", ["unigram", "unigram_spm", "bytelevel", "charbpe", "wordpiece"])
def test_auto_tokenizer_loads_the_fast_tokenizer_offline(
    kind: str, extended: Callable, original_script_texts: list[str], romanized_sample: tuple
) -> None:
    from transformers import AutoTokenizer

    _, out, _ = extended(kind)
    auto = AutoTokenizer.from_pretrained(str(out))
    texts = _texts(original_script_texts, romanized_sample)
    got = auto(texts, add_special_tokens=False)["input_ids"]
    assert got == ids(output_tokenizer(out), texts)
    assert len(auto) == Manifest.load(out).new_vocab_size


def test_sentencepiece_agrees_with_tokenizers_after_extension(
    extended: Callable, original_script_texts: list[str], romanized_sample: tuple
) -> None:
    """Wherever SentencePiece and HF agreed on the input, they agree on the extended output."""
    import sentencepiece as spm

    src, out, result = extended("unigram_spm")
    texts = _texts(original_script_texts, romanized_sample)
    sp_before = spm.SentencePieceProcessor(model_file=str(src / "spiece.model"))
    sp_after = spm.SentencePieceProcessor(model_file=str(out / "spiece.model"))
    assert sp_after.get_piece_size() == result.manifest.new_vocab_size
    hf_before, hf_after = ids(output_tokenizer(src), texts), ids(output_tokenizer(out), texts)
    agreed_before = [sp_before.encode(t) == h for t, h in zip(texts, hf_before, strict=True)]
    agreed_after = [sp_after.encode(t) == h for t, h in zip(texts, hf_after, strict=True)]
    assert sum(agreed_before) > 0.95 * len(texts)
    assert [b for a, b in zip(agreed_before, agreed_after, strict=True) if a] == [True] * sum(
        agreed_before
    )
    new_used = sum(1 for t in romanized_sample[1] for i in sp_after.encode(t) if i >= 8000)
    assert new_used > 0


def _symbols(state: BpeState, word: str) -> list[str]:
    """Initial BPE symbols of a pre-token; characters outside the alphabet become <unk>."""
    out = []
    for i, ch in enumerate(word):
        sym = ch + (state.suffix if i == len(word) - 1 else "")
        out.append(sym if sym in state.vocab else "<unk>")
    return out


@pytest.mark.parametrize("kind", ["bytelevel", "charbpe"])
def test_reference_bpe_equals_fast_bpe_on_real_text(
    kind: str, extended: Callable, original_script_texts: list[str], romanized_sample: tuple
) -> None:
    _, out, _ = extended(kind)
    fast = output_tokenizer(out)
    state = BpeState.from_model(json.loads((out / "tokenizer.json").read_text())["model"])
    texts = _texts(original_script_texts, romanized_sample)
    for text in texts:
        words = [w for w, _ in fast.pre_tokenizer.pre_tokenize_str(text)]
        slow = [tok for w in words for tok in state.segment(_symbols(state, w))]
        assert slow == fast.encode(text, add_special_tokens=False).tokens, text


@pytest.mark.parametrize("kind", ["bytelevel", "charbpe"])
def test_every_new_word_token_is_produced_whole(kind: str, extended: Callable) -> None:
    # the merge derivation on every new token: unprotected, since protecting English drops
    # most word tokens of these tiny CLDR-trained vocabularies (see test_protect.py)
    _, out, _ = extended(kind, protect=False)
    fast = output_tokenizer(out)
    checked = 0
    for piece in Manifest.load(out).new_pieces:
        if kind == "bytelevel" and piece.piece.startswith("Ġ"):
            word = decode_byte_level(piece.piece)
        elif kind == "charbpe" and piece.piece.endswith("</w>"):
            word = piece.piece[: -len("</w>")]
        else:
            continue
        assert fast.encode(word, add_special_tokens=False).tokens == [piece.piece]
        checked += 1
    assert checked > 100


def test_wordpiece_reference_equals_fast_and_vocab_txt_matches(
    extended: Callable, original_script_texts: list[str], romanized_sample: tuple
) -> None:
    _, out, _ = extended("wordpiece")
    fast = output_tokenizer(out)
    vocab = fast.get_vocab()
    lines = (out / "vocab.txt").read_text(encoding="utf-8").splitlines()
    assert lines == [fast.id_to_token(i) for i in range(len(lines))]
    assert len(lines) == Manifest.load(out).new_vocab_size
    for text in _texts(original_script_texts, romanized_sample):
        norm = fast.normalizer.normalize_str(text)
        words = [w for w, _ in fast.pre_tokenizer.pre_tokenize_str(norm)]
        slow = [tok for w in words for tok in wordpiece_reference(w, vocab)]
        assert slow == fast.encode(text, add_special_tokens=False).tokens, text


def _sp_agreement(model: Path, tok_dir: Path, texts: list[str], offset: int = 0) -> float:
    import sentencepiece as spm

    sp = spm.SentencePieceProcessor(model_file=str(model))
    hf = ids(output_tokenizer(tok_dir), texts)
    same = [[i + offset for i in sp.encode(t)] == h for t, h in zip(texts, hf, strict=True)]
    return sum(same) / len(texts)


def test_a_standalone_model_file_is_converted_and_extended(
    unigram_spm_dir: Path, tmp_path: Path, romanized_sample: tuple
) -> None:
    out = tmp_path / "out"
    result = extend_vocab(unigram_spm_dir / "spiece.model", out)
    assert sorted(p.name for p in out.iterdir()) == [
        ".tokadapt-output",
        "special_tokens_map.json",
        "spiece.model",
        "tokadapt_manifest.json",
        "tokenizer.json",
        "tokenizer_config.json",
    ]
    assert result.summary["new_pieces"] > 1000
    assert _sp_agreement(out / "spiece.model", out, romanized_sample[1]) > 0.95


def test_fairseq_numbered_model_keeps_its_offset(
    unigram_dir: Path, tmp_path: Path, romanized_sample: tuple
) -> None:
    """XLM-R's own .model numbers pieces one lower than tokenizer.json (<unk>,<s>,</s> first)."""
    from sentencepiece import sentencepiece_model_pb2 as pb2

    data = json.loads((unigram_dir / "tokenizer.json").read_text(encoding="utf-8"))
    proto = pb2.ModelProto()
    proto.ParseFromString(from_tokenizer_json(data))
    fairseq = pb2.ModelProto()
    fairseq.CopyFrom(proto)
    del fairseq.pieces[:]
    fairseq.pieces.append(pb2.ModelProto.SentencePiece(piece="<unk>", score=0.0, type=2))
    for piece in ("<s>", "</s>"):
        fairseq.pieces.append(pb2.ModelProto.SentencePiece(piece=piece, score=0.0, type=3))
    fairseq.pieces.extend(proto.pieces[4:])
    fairseq.trainer_spec.unk_id = 0
    src = tmp_path / "in"
    src.mkdir()
    (src / "tokenizer.json").write_text(json.dumps(data), encoding="utf-8")
    (src / "sentencepiece.bpe.model").write_bytes(fairseq.SerializeToString())
    out = tmp_path / "out"
    result = extend_vocab(src, out)
    assert result.manifest.base_vocab_size == 8000
    texts = romanized_sample[1]
    assert _sp_agreement(out / "sentencepiece.bpe.model", out, texts, offset=1) > 0.95
