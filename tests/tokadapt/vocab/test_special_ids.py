"""Special, added and reserved tokens keep their ids, wherever they live (issue #11)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from tokenizers import Tokenizer
from vocab_helpers import QWEN_SPECIALS, output_tokenizer

from tokadapt.errors import InputFileError
from tokadapt.vocab import Manifest, extend_vocab
from tokadapt.vocab.validate import id_mismatches, validate_extension


def _json(path: Path) -> dict:
    return json.loads((path / "tokenizer.json").read_text(encoding="utf-8"))


def test_specials_after_the_vocabulary_keep_their_ids(extended: Callable) -> None:
    src, out, _ = extended("qwenlike")
    before, after = Tokenizer.from_file(str(src / "tokenizer.json")), output_tokenizer(out)
    assert before.token_to_id(QWEN_SPECIALS[0]) == len(_json(src)["model"]["vocab"])
    assert [after.token_to_id(t) for t in QWEN_SPECIALS] == [
        before.token_to_id(t) for t in QWEN_SPECIALS
    ]


def test_every_old_string_keeps_its_id(extended: Callable) -> None:
    src, out, result = extended("qwenlike")
    before, after = Tokenizer.from_file(str(src / "tokenizer.json")), output_tokenizer(out)
    assert id_mismatches(before, after, result.manifest) == []
    old = before.get_vocab(with_added_tokens=True)
    assert min(p.id for p in Manifest.load(out).new_pieces) == max(old.values()) + 1


def test_added_token_flags_are_preserved(extended: Callable) -> None:
    src, out, _ = extended("qwenlike")
    assert _json(out)["added_tokens"] == _json(src)["added_tokens"]
    tool = next(t for t in _json(out)["added_tokens"] if t["content"] == "<tool>")
    assert tool["normalized"] is False and tool["special"] is False


def test_specials_are_still_matched_in_text(extended: Callable) -> None:
    src, out, _ = extended("qwenlike")
    text = "<|im_start|>user\nПривет<tool> the 12345<|im_end|>"
    before, after = Tokenizer.from_file(str(src / "tokenizer.json")), output_tokenizer(out)
    assert after.encode(text).ids == before.encode(text).ids


def test_validation_catches_a_moved_special_token(extended: Callable) -> None:
    src, out, result = extended("qwenlike")
    broken = _json(out)
    for tok in QWEN_SPECIALS:  # the pre-fix output: specials not pinned in the model vocab
        del broken["model"]["vocab"][tok]
    raw = json.dumps(broken).encode()
    with pytest.raises(InputFileError, match="does not keep every id"):
        validate_extension(_json(src), raw, result.manifest)


def test_a_hole_in_the_id_space_stays_a_hole(extended: Callable, tmp_path: Path) -> None:
    src, _, _ = extended("qwenlike")
    data = _json(src)
    used = {s for m in data["model"]["merges"] for s in (m.split(" ") if isinstance(m, str) else m)}
    hole_piece = next(p for p in data["model"]["vocab"] if p not in used)
    hole = data["model"]["vocab"].pop(hole_piece)
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "tokenizer.json").write_text(json.dumps(data), encoding="utf-8")
    result = extend_vocab(tmp_path / "in", tmp_path / "out")
    after = output_tokenizer(tmp_path / "out")
    assert after.id_to_token(hole) is None
    assert [after.token_to_id(t) for t in QWEN_SPECIALS] == [
        Tokenizer.from_str(json.dumps(data)).token_to_id(t) for t in QWEN_SPECIALS
    ]
    assert (
        result.manifest.new_pieces[0].id
        == max(after.get_vocab().values()) - len(result.manifest.new_pieces) + 1
    )
