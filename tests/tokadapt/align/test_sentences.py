"""Pairs that stay pairs: sentence splitting, near-duplicates, budgets, the section split."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tokadapt.align.parallel import read_sections, section_split, units
from tokadapt.align.sentences import cut_to_budget, dedup_key, split_sentences, unique
from tokadapt.errors import ConfigError, InputFileError


def test_split_sentences_per_script() -> None:
    assert split_sentences("One. Two!  Three? ") == ["One.", "Two!", "Three?"]
    assert split_sentences("पहला। दूसरा।") == ["पहला।", "दूसरा।"]
    assert split_sentences("ሀ።፡ለ።") == ["ሀ።", "ለ።"]  # Ethiopic full stop + word separator
    assert split_sentences("3.5 is a number") == ["3.5 is a number"]  # no space after '.'
    assert split_sentences("ไม่มีจุด ไม่มีจุด") == ["ไม่มีจุด ไม่มีจุด"]


def test_near_duplicates_share_a_key() -> None:
    assert dedup_key("Hello, World!") == dedup_key("hello world") == "helloworld"
    assert list(unique(["A b.", "a B", "", "...", "c"])) == ["A b.", "c"]


def test_cut_to_budget_keeps_a_token_prefix(xlmr_tokenizer: Any) -> None:
    long = "Всё это очень длинное предложение про права человека и свободы"
    short, cut = cut_to_budget(xlmr_tokenizer, ["Кот.", long], 6)
    assert short == "Кот."
    assert long.startswith(cut) and len(cut) < len(long)
    ids = xlmr_tokenizer(cut)["input_ids"]
    assert len(ids) <= 6  # the cut text fits its budget again


def _tsv(tmp_path: Path, rows: list[tuple[str, str, str]]) -> Path:
    path = tmp_path / "p.tsv"
    body = "".join(f"{c}\t{s}\t{t}\n" for c, s, t in rows)
    path.write_text("code\tsection\ttext\n" + body, encoding="utf-8")
    return path


def test_units_pair_sentences_or_whole_sections(tmp_path: Path) -> None:
    secs = [str(i) for i in range(40)]
    test_secs = [s for s in secs if section_split(s) == "test"]
    a, b = test_secs[:2]
    rows = [
        ("rus", a, "Один. Два."),
        ("eng", a, "One. Two."),
        ("rus", b, "Один два. Три."),
        ("eng", b, "One two three."),  # 2 vs 1 sentences: the section is one unit
    ]
    got = units(read_sections(_tsv(tmp_path, rows)), "rus", "eng", "test")
    assert [(u.text, u.translation) for u in got] == [
        ("Один.", "One."),
        ("Два.", "Two."),
        ("Один два. Три.", "One two three."),
    ]
    assert units(read_sections(_tsv(tmp_path, rows)), "rus", "eng", "train") == []


def test_units_refuse_positional_pairs_of_different_lengths(tmp_path: Path) -> None:
    """As UDHR Article 25 in Amharic vs English: both have three sentences, but the first is
    split at another place, so pairing by position would give two wrong golds."""
    a = next(s for s in map(str, range(40)) if section_split(s) == "test")
    eng = (
        "Everyone has the right to a standard of living adequate for health, food, clothing, "
        "housing and medical care and necessary social services, and security in unemployment "
        "and old age. Motherhood is entitled to special care. All children enjoy the same "
        "protection."
    )
    xx = (
        "Everyone has a right to a standard of living for health, food and clothing. Security "
        "in unemployment, sickness, old age or other lack of livelihood. Motherhood and "
        "childhood are entitled to special care; all children enjoy the same protection."
    )
    rows = [("xx", a, xx), ("eng", a, eng)]
    sections = read_sections(_tsv(tmp_path, rows))
    assert len(split_sentences(xx)) == len(split_sentences(eng)) == 3
    got = units(sections, "xx", "eng", "test")
    assert [(u.text, u.translation) for u in got] == [(xx, eng)]  # one whole-section unit
    by_position = units(sections, "xx", "eng", "test", max_ratio=None)  # protocol 1
    assert [u.translation for u in by_position] == split_sentences(eng)
    assert len(units(sections, "xx", "eng", "test", max_ratio=4.0)) == 3  # looser: kept
    with pytest.raises(ConfigError, match="max_ratio"):
        units(sections, "xx", "eng", "test", max_ratio=1.0)


def test_section_split_is_fixed_and_disjoint() -> None:
    names = ["preamble", *map(str, range(2, 31))]
    first = {s: section_split(s) for s in names}
    assert first == {s: section_split(s) for s in names}  # a pure function of the name
    assert set(first.values()) == {"train", "dev", "test"}
    with pytest.raises(ConfigError):
        section_split("1", dev=0.6, test=0.5)


def test_folds_have_disjoint_test_sections_and_fold_0_is_the_split() -> None:
    names = [f"s{i}" for i in range(300)]
    tests = [{s for s in names if section_split(s, fold=k) == "test"} for k in range(3)]
    assert tests[0] == {s for s in names if section_split(s) == "test"}
    assert all(tests) and not (tests[0] & tests[1] or tests[0] & tests[2] or tests[1] & tests[2])
    with pytest.raises(ConfigError, match="fold 3"):
        section_split("s1", fold=3)  # would overlap fold 0


def test_bad_tsv_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="appears twice"):
        read_sections(_tsv(tmp_path, [("rus", "1", "a"), ("rus", "1", "b")]))
    (tmp_path / "x.tsv").write_text("code\ttext\nrus\ta\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="missing columns"):
        read_sections(tmp_path / "x.tsv")
