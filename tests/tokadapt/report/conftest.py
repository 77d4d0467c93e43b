"""A run directory like the commands write it: a real extended tokenizer (a small Unigram trained
on CLDR names, extended by ``extend_vocab``) plus the JSON results of the other commands."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tokadapt.report.fertility import LOCALES


def _train_unigram(directory: Path) -> Path:
    from babel import Locale
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

    texts = [
        name
        for code in (*LOCALES[:8], "en", "de")
        for name in Locale.parse(code).territories.values()
    ]
    tok = Tokenizer(models.Unigram())
    tok.pre_tokenizer = pre_tokenizers.Metaspace()
    tok.decoder = decoders.Metaspace()
    trainer = trainers.UnigramTrainer(
        vocab_size=1500, special_tokens=["<s>", "<pad>", "</s>", "<unk>"], unk_token="<unk>"
    )
    tok.train_from_iterator(texts, trainer)
    directory.mkdir(parents=True)
    tok.save(str(directory / "tokenizer.json"))
    return directory


def _training_log(path: Path) -> None:
    rows = []
    for step in range(1, 31):
        loss = 2.0 / step**0.5
        rows.append(
            {
                "event": "train",
                "step": step,
                "loss": loss,
                "tcm": loss,
                "lr": 1e-4,
                "temperature": 0.05,
            }
        )
        if step % 10 == 0:
            rows.append({"event": "eval", "step": step, "rus/rom_top1": 0.5 + step / 100})
    path.parent.mkdir(parents=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))


def _write(path: Path, data: object) -> None:
    path.write_text(json.dumps(data))


@pytest.fixture(scope="session")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tokadapt.vocab import extend_vocab

    root = tmp_path_factory.mktemp("run")
    base = _train_unigram(root / "base")
    extend_vocab(base, root / "extended")
    init = {
        "strategy": "transmi",
        "seed": 0,
        "counts": {"copy": 90, "merged-max": 10},
        "new_pieces": 100,
        "rows_before": 1500,
        "rows_after": 1600,
        "tensors": {},
    }
    (root / "init").mkdir()
    _write(root / "init" / "tokadapt_init.json", init)
    _training_log(root / "aligned" / "metrics.jsonl")
    for name, top1 in (("ret-before.json", 0.4), ("ret-after.json", 0.7)):
        acc = {"top1": top1, "top5": top1 + 0.1, "top10": top1 + 0.2}
        _write(
            root / name,
            {"src->tgt": acc, "tgt->src": acc, "sentences": 50, "signature": "retrieval|n:50"},
        )
    _write(
        root / "bli.json",
        {
            "p@1": 40.0,
            "p@5": 60.0,
            "p@10": 70.0,
            "queries": 100,
            "signature": "bli|src:en|tgt:ru = P@1 40.00",
        },
    )
    row = {"pieces": 80, "cosine": 0.3, "nn:orig->rom": {"p@1": 20.0, "p@10": 50.0}}
    _write(root / "barrier.json", {"scripts": {"CYRILLIC": row}, "signature": "script-barrier|x"})
    return root
