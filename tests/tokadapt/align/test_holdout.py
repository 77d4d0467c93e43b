"""A dev split held out of the training files when none is given (tokadapt.align.holdout), and
the dev cadence that scales with the training data (config.auto_eval_every)."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest

from tokadapt.align.config import AlignConfig, auto_eval_every, make_config, resolve_recipe
from tokadapt.align.holdout import MIN_LINES, auto_dev
from tokadapt.align.pivot import read_pivot
from tokadapt.align.sources import TextSource, dev_key
from tokadapt.errors import ConfigError

ENGLISH = [f"Article {i}: everyone has right number {i}." for i in range(40)]


def _parallel(root: Path, name: str, rows: list[int], word: str) -> TextSource:
    """A parallel file: line i is '<word> i<TAB><English i>' for the given rows (shuffled)."""
    rows = list(rows)
    random.Random(name).shuffle(rows)
    path = root / f"{name}.tsv"
    path.write_text("".join(f"{word} {i}\t{ENGLISH[i]}\n" for i in rows), encoding="utf-8")
    return TextSource(path, name)


def _distill(**kw: Any) -> AlignConfig:
    cfg, _ = resolve_recipe(make_config(**kw), has_mlm_head=False)  # keep-best on
    return cfg


def _lines(source: TextSource) -> list[str]:
    return [t for t, _ in source.iterate(random.Random(0))]


def test_parallel_files_hold_out_the_same_pairs_and_train_on_none_of_them(tmp_path: Path) -> None:
    rus = _parallel(tmp_path, "rus", list(range(40)), "кот")
    ell = _parallel(tmp_path, "ell", list(range(0, 40, 2)), "γάτα")  # half the sections
    tha = _parallel(tmp_path, "tha", list(range(30, 38)), "แมว")  # under MIN_LINES: picks none
    held = auto_dev(_distill(), [rus, ell, tha], has_eval=False)
    assert "dev set:" in held.note and len(held.sets) >= 2
    keys = held.keys
    # each file of MIN_LINES+ lines picked max(2, 10%) keys; the union leaves every file
    assert 4 <= len(keys) <= 4 + 2
    train_all = [line for s in held.sources for line in _lines(s)]
    assert not any(dev_key(line) in keys for line in train_all)  # every training line checked
    dev_all = [(s.name, t) for s in held.sets for t in s.translations or []]
    assert {t for _, t in dev_all} <= keys
    for source, before in zip(held.sources, (rus, ell, tha), strict=True):
        lines = _lines(before)
        kept = _lines(source)
        assert source.count() == len(kept)  # count and iterate agree
        # nothing lost: every line is trained on or held out, none both
        dev = next((s for s in held.sets if s.name == f"dev:{before.path.name}"), None)
        pairs = zip(dev.texts, dev.translations or [], strict=True) if dev else []
        dev_lines = [f"{a}\t{b}" for a, b in pairs]
        assert sorted(kept + dev_lines) == sorted(lines)
        if dev is not None:  # the recorded positions point at the held-out lines
            positions = held.lines[str(before.path)]
            assert [lines[i] for i in positions] == dev_lines
    rus_dev = {t for n, t in dev_all if n == "dev:rus.tsv"}
    ell_dev = {t for n, t in dev_all if n == "dev:ell.tsv"}
    assert ell_dev <= rus_dev  # the same pairs: ell's held-out sections are rus's too
    tha_dev = {t for n, t in dev_all if n == "dev:tha.tsv"}
    assert tha_dev == {k for k in keys if ENGLISH.index(k) in range(30, 38)}  # others' picks


def test_the_split_depends_on_seed_and_content_only(tmp_path: Path) -> None:
    files = [_parallel(tmp_path, "rus", list(range(40)), "кот")]
    first = auto_dev(_distill(), files, has_eval=False)
    again = auto_dev(_distill(), files, has_eval=False)  # a resumed run
    other = auto_dev(_distill(seed=1), files, has_eval=False)
    assert first.keys == again.keys and first.lines == again.lines
    assert first.keys != other.keys
    assert len(first.keys) == 4  # 10% of 40


def test_no_split_when_not_needed_or_not_possible(tmp_path: Path) -> None:
    rus = _parallel(tmp_path, "rus", list(range(40)), "кот")
    assert auto_dev(_distill(), [rus], has_eval=True).sets == []  # the user's dev set
    assert auto_dev(_distill(dev_fraction=0.0), [rus], has_eval=False).sources == [rus]
    tcm, _ = resolve_recipe(make_config("transliCo"), has_mlm_head=True)  # no keep-best
    assert auto_dev(tcm, [rus], has_eval=False).sources == [rus]
    small = _parallel(tmp_path, "tha", list(range(MIN_LINES - 1)), "แมว")
    held = auto_dev(_distill(), [small], has_eval=False)
    assert held.sets == [] and held.sources == [small] and "no dev set" in held.note
    with pytest.raises(ConfigError, match="dev_fraction"):
        make_config(dev_fraction=0.9)


def test_copies_of_a_held_out_line_leave_training_too(tmp_path: Path) -> None:
    path = tmp_path / "plain.txt"  # no translations: the line is its own key
    lines = [f"строка {i}" for i in range(20)]
    path.write_text("\n".join(lines + lines[:5]) + "\n", encoding="utf-8")
    held = auto_dev(_distill(), [TextSource(path, "rus")], has_eval=False)
    (dev,) = held.sets
    assert dev.translations is None and len(dev.texts) == len(set(dev.texts)) >= 2
    assert not set(dev.texts) & set(_lines(held.sources[0]))


def test_the_pivot_never_holds_a_dev_translation(tmp_path: Path) -> None:
    rus = _parallel(tmp_path, "rus", list(range(40)), "кот")
    held = auto_dev(_distill(), [rus], has_eval=False)
    pivots = read_pivot([rus.path], held.keys)
    assert len(pivots) == 40 - len(held.keys) and not set(pivots) & held.keys


def test_dev_cadence_scales_with_the_data() -> None:
    enc = _distill()  # 1000 steps, batch 32
    small, note = auto_eval_every(enc, True, pairs=200)
    assert small.eval_every == 13 and "two epochs of 200 pairs" in note  # ceil(400 / 32)
    big, note = auto_eval_every(enc, True, pairs=10**6)
    assert big.eval_every == 100 and "steps // 10" in note  # at least ten evaluations per run
    ddp, _ = auto_eval_every(enc, True, pairs=200, world_size=4)
    assert ddp.eval_every == 4  # 128 pairs per step
    assert auto_eval_every(enc, True, pairs=0)[0].eval_every == 100


def test_a_run_without_dev_set_evaluates_on_held_out_lines(
    tiny_encoder_dir: Path, tmp_path: Path
) -> None:
    from tokadapt.align import train

    rus = _parallel(tmp_path, "rus", list(range(20)), "кот")
    cfg = make_config("distill", steps=4, batch_size=4, log_every=1, eval_every=2)
    result = train(tiny_encoder_dir, [f"{rus.path}:rus"], tmp_path / "out", cfg)
    assert "dev set: 2 lines of 1 training file(s)" in result["recipe"]
    assert result["held_out_dev"] == {str(rus.path): result["held_out_dev"][str(rus.path)]}
    assert len(result["held_out_dev"][str(rus.path)]) == 2 and result["best_step"] is not None
    logged = [json.loads(x) for x in (tmp_path / "out" / "metrics.jsonl").open()]
    evals = [r for r in logged if r.get("event") == "eval"]
    assert [r["step"] for r in evals][:2] == [0, 2]
    assert all("dev:rus.tsv/rom_en_top1" in r for r in evals)


def test_a_file_is_never_emptied_and_a_file_given_twice_has_one_dev_set(tmp_path: Path) -> None:
    same = tmp_path / "same.txt"
    same.write_text("одна и та же строка\n" * 12, encoding="utf-8")
    held = auto_dev(_distill(), [TextSource(same, "rus")], has_eval=False)
    assert held.sets == [] and "none to train on" in held.note
    assert held.sources[0].count() == 12  # kept whole
    rus = _parallel(tmp_path, "rus", list(range(40)), "кот")
    twice = auto_dev(_distill(), [rus, rus], has_eval=False)
    assert len(twice.sets) == 1 and all(s.skip == twice.keys for s in twice.sources)
