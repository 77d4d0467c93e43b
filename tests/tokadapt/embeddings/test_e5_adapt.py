"""The real multilingual-e5-small: adapted checkpoint loads, old ids are bit-identical, new rows
(including the 35 unused padding rows new ids land on) are what the strategy defines."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tokadapt.embeddings.initialize import init_embeddings

pytestmark = pytest.mark.slow
WORD = "embeddings.word_embeddings.weight"
TEXTS = [
    "The cat sits on the mat.",
    "Кошка сидит на коврике.",
    "बिल्ली चटाई पर बैठी है।",
    "猫がマットの上に座っている。",
    "Η γάτα κάθεται στο χαλί.",
]


def _new_specs(tokenizer: Any) -> list[tuple[str, list[int], list[float]]]:
    """40 romanized pieces with real sources: 35 land on padding rows, 5 beyond them."""
    pairs = [
        ("▁germaniya", "Германия"),
        ("▁koshka", "кошка"),
        ("▁ellada", "Ελλάδα"),
        ("▁billi", "बिल्ली"),
        ("▁moskva", "Москва"),
    ]
    specs = []
    for roman, original in pairs:
        ids = tokenizer(original, add_special_tokens=False)["input_ids"]
        specs.append((roman, ids, [-9.0 - k for k in range(len(ids))]))
    for i in range(35):  # two sources each: the merge mode matters
        specs.append((f"▁zq{i}xx", [1000 + i, 5000 + 7 * i], [-11.0, -12.5]))
    return specs


@pytest.fixture(scope="module")
def adapted(e5_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    from embed_helpers import write_extended_tokenizer
    from transformers import AutoTokenizer

    tmp = tmp_path_factory.mktemp("e5adapt")
    tok = AutoTokenizer.from_pretrained(e5_dir)
    specs = _new_specs(tok)
    assert all(s[1][0] != tok.unk_token_id for s in specs)
    write_extended_tokenizer(e5_dir, tmp / "ext", specs, mode="mean")
    report = init_embeddings(e5_dir, tmp / "ext", tmp / "out", strategy="transmi")
    return {"dir": tmp / "out", "ext": tmp / "ext", "specs": specs, "report": report, "tmp": tmp}


def _tensor(model_dir: Path, name: str = WORD) -> np.ndarray:
    from safetensors import safe_open

    with safe_open(str(model_dir / "model.safetensors"), "np") as f:
        return f.get_tensor(name)


def test_loads_and_keeps_old_outputs_bit_identical(e5_dir: Path, adapted: dict[str, Any]) -> None:
    import torch
    from transformers import AutoModel, AutoTokenizer

    old_tok = AutoTokenizer.from_pretrained(e5_dir)
    new_tok = AutoTokenizer.from_pretrained(adapted["dir"])
    assert len(new_tok) == 250002 + 40
    assert new_tok.convert_ids_to_tokens([250002, 250041]) == ["▁germaniya", "▁zq34xx"]
    assert new_tok.tokenize("germaniya") == ["▁germaniya"]
    old = AutoModel.from_pretrained(e5_dir).eval()
    new = AutoModel.from_pretrained(adapted["dir"]).eval()
    assert new.config.vocab_size == 250042
    batch = old_tok(["passage: " + t for t in TEXTS], padding=True, return_tensors="pt")
    with torch.no_grad():
        a, b = old(**batch).last_hidden_state, new(**batch).last_hidden_state
    assert torch.equal(a, b)


def test_new_rows_follow_transmi_mean(e5_dir: Path, adapted: dict[str, Any]) -> None:
    old, new = _tensor(e5_dir), _tensor(adapted["dir"])
    assert old.shape == (250037, 384) and new.shape == (250042, 384)
    assert np.array_equal(new[:250002], old[:250002])
    for i, (_piece, sources, _scores) in enumerate(adapted["specs"]):
        want = old[sources].astype(np.float64).mean(axis=0)
        np.testing.assert_allclose(new[250002 + i], want, rtol=1e-6, atol=1e-7)
    # the 35 padding rows that new ids landed on were all replaced
    assert not (new[250002:250037] == old[250002:250037]).all(axis=1).any()
    assert adapted["report"]["reused_padding_rows"] == 35


def test_seeds_make_runs_reproducible(e5_dir: Path, adapted: dict[str, Any]) -> None:
    from tokadapt.embeddings.initialize import old_rows_table
    from tokadapt.embeddings.strategies import InitRequest, get_strategy
    from tokadapt.embeddings.vocab_tensors import find_vocab_tensors
    from tokadapt.io.checkpoint import Checkpoint

    tmp = adapted["tmp"]

    def run(seed: int, name: str) -> str:
        init_embeddings(e5_dir, adapted["ext"], tmp / name, strategy="random", seed=seed)
        return hashlib.sha256((tmp / name / "model.safetensors").read_bytes()).hexdigest()

    assert run(7, "r1") == run(7, "r2")
    rows = _tensor(tmp / "r1")[250002:]
    ckpt = Checkpoint(e5_dir)
    table, _ = old_rows_table(ckpt, find_vocab_tensors(ckpt), 250002)
    request = InitRequest(["x"] * 40, [[]] * 40, [[]] * 40, [[]] * 40)
    random = get_strategy("random").function
    assert np.array_equal(random(table, request, np.random.default_rng(7))[0], rows)
    assert not np.array_equal(random(table, request, np.random.default_rng(8))[0], rows)
    old = _tensor(e5_dir)[:250002]
    assert np.all(np.abs(rows.mean(0) - old.mean(0)) < 4 * old.std(0) / np.sqrt(len(rows)) + 1e-3)


def test_bare_tokenizer_json_extension_keeps_e5_max_length(e5_dir: Path, tmp_path: Path) -> None:
    """#9 class 4: extending only tokenizer.json used to drop model_max_length (1,202 tokens
    with truncation=True, a crash in the 512-position model)."""
    from transformers import AutoTokenizer

    from tokadapt.vocab import extend_vocab

    extend_vocab(e5_dir / "tokenizer.json", tmp_path / "ext", select="Cyrillic", max_new=50)
    init_embeddings(e5_dir, tmp_path / "ext", tmp_path / "out")
    tok = AutoTokenizer.from_pretrained(tmp_path / "out")
    assert tok.model_max_length == 512
    assert len(tok("слово " * 1200, truncation=True)["input_ids"]) == 512
