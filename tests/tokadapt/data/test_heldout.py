"""CLDR train / dev / held-apart splits: disjoint by concept in every language."""

from __future__ import annotations

import pytest

from tokadapt.data import heldout

pytest.importorskip("babel")
LOCALES = {"ru": "rus", "el": "ell"}


def test_dev_train_and_held_names_are_disjoint() -> None:
    train, dev, held = heldout.cldr_splits(LOCALES)
    for h in held:
        names = set(train[h.name]), {v for v, _ in dev[h.name]}, set(h.texts)
        assert names[1] and not (names[0] & names[1] or names[0] & names[2] or names[1] & names[2])


def test_cldr_split_keeps_shared_names_out_of_training() -> None:
    train, held = heldout.cldr_split(LOCALES)
    train5, dev, held5 = heldout.cldr_splits(LOCALES)
    assert all(not set(train[h.name]) & set(h.texts) for h in held)  # shared names held apart
    assert all(len(train[k]) == len(train5[k]) + len(dev[k]) for k in train)
    assert [h.texts for h in held] == [h.texts for h in held5]


def test_dev_files_carry_the_english_column(tmp_path) -> None:  # type: ignore[no-untyped-def]
    specs = heldout.write_dev({"ru": [("Франция", "France")]}, LOCALES, tmp_path)
    assert specs == [f"{tmp_path / 'ru.dev.tsv'}:rus"]
    assert (tmp_path / "ru.dev.tsv").read_text(encoding="utf-8") == "Франция\tFrance\n"
