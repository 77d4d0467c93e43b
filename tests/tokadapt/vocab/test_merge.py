"""Merge modes on hand-computed cases (TransMI's "average" summed without dividing: not here)."""

from __future__ import annotations

import pytest

from tokadapt.errors import ConfigError
from tokadapt.vocab.merge import (
    check_mode,
    choose_source,
    group_by_romanization,
    merge_groups,
    merge_scores,
)

SCORES = [0.0, -1.0, -2.0, -6.0, -2.0, -9.5]


def test_mean_is_the_arithmetic_mean_not_the_sum() -> None:
    assert merge_scores([-1.0, -2.0, -6.0], "mean") == -3.0


def test_max_and_min_pick_by_score() -> None:
    assert merge_scores([-2.0, -1.0, -6.0], "max") == -1.0
    assert merge_scores([-2.0, -1.0, -6.0], "min") == -6.0


def test_chosen_source_is_by_score_with_ties_to_the_lower_id() -> None:
    assert choose_source([3, 1, 2], [-6.0, -1.0, -2.0], "max") == 1
    assert choose_source([3, 1, 2], [-6.0, -1.0, -2.0], "min") == 3
    assert choose_source([4, 2], [-2.0, -2.0], "max") == 2
    assert choose_source([4, 2], [-2.0, -2.0], "min") == 2


def test_groups_skip_romanizations_already_in_the_vocabulary() -> None:
    romanized = {1: "▁mama", 2: "▁moskva", 3: "▁moskva", 5: "▁kiev"}
    groups = group_by_romanization(romanized, {"▁mama": 7})
    assert groups == {"▁moskva": [2, 3], "▁kiev": [5]}


@pytest.mark.parametrize(
    ("mode", "score", "chosen"), [("max", -1.0, 1), ("min", -6.0, 3), ("mean", -3.0, 1)]
)
def test_merge_groups_hand_computed(mode: str, score: float, chosen: int) -> None:
    (piece,) = merge_groups({"▁x": [3, 1, 2]}, SCORES, check_mode(mode))
    assert piece.score == score
    assert piece.chosen == chosen
    assert piece.sources == (1, 2, 3)
    assert piece.source_scores == (-1.0, -2.0, -6.0)


def test_new_pieces_ordered_by_score_then_string_and_capped() -> None:
    groups = {"b": [2], "a": [4], "c": [1], "d": [5]}
    merged = merge_groups(groups, SCORES, "max")
    assert [m.piece for m in merged] == ["c", "a", "b", "d"]
    assert [m.piece for m in merge_groups(groups, SCORES, "max", max_new=2)] == ["c", "a"]


def test_unknown_mode_is_refused_with_the_allowed_values() -> None:
    with pytest.raises(ConfigError, match=r"max, min, mean.*'average'"):
        check_mode("average")
