"""Romanizations that already exist in the vocabulary: keep their Latin row, or blend.

TransMI adds only romanizations that are new; a Thai piece romanizing to ``▁ma`` leaves the
existing ``▁ma`` with its English-trained row, so romanized Thai is read through English rows.
``--existing`` chooses what happens to such rows (the manifest's ``existing``: existing id ->
the source ids romanizing to it):

* ``keep`` (default) — TransMI: the existing row is untouched;
* ``blend:ALPHA`` — ``(1 - ALPHA) * row + ALPHA * mean(source rows)`` for every existing
  romanization (every vocabulary tensor alike);
* ``blend-unread:ALPHA`` — the same, but only for rows that the protected pivot text
  (:mod:`tokadapt.vocab.protect`, recorded in the manifest as ``pivot_ids``) never reads: the
  pivot language keeps its representation exactly, romanized-only pieces move.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

import numpy as np

from tokadapt.embeddings.rows import RowWeights, combine
from tokadapt.errors import ConfigError

KINDS = ("blend", "blend-unread")


def parse_existing(spec: str) -> tuple[str, float]:
    """``("keep", 0.0)`` or ``(kind, alpha)`` from ``keep``, ``blend:0.5``, ``blend-unread:1``."""
    if spec == "keep":
        return "keep", 0.0
    kind, _, value = spec.partition(":")
    try:
        alpha = float(value)
    except ValueError:
        alpha = -1.0
    if kind not in KINDS or not 0.0 < alpha <= 1.0:
        raise ConfigError(
            f"--existing must be keep, blend:ALPHA or blend-unread:ALPHA with 0 < ALPHA <= 1; "
            f"got {spec!r} (e.g. blend:0.5)"
        )
    return kind, alpha


def blended_rows(
    table: np.ndarray,
    existing: Mapping[int, list[int]],
    spec: str,
    pivot_ids: Collection[int] = (),
) -> tuple[np.ndarray, np.ndarray]:
    """``(ids, rows)``: the existing rows to replace and their new values (float32)."""
    kind, alpha = parse_existing(spec)
    skip = set(pivot_ids) if kind == "blend-unread" else set()
    ids = np.array([i for i in sorted(existing) if existing[i] and i not in skip], np.int64)
    if kind == "keep" or not ids.size:
        return np.zeros(0, np.int64), np.zeros((0, table.shape[1]), np.float32)
    weights = RowWeights.from_lists(
        [[int(i), *existing[int(i)]] for i in ids],
        [[1.0 - alpha] + [alpha / len(existing[int(i)])] * len(existing[int(i)]) for i in ids],
    )
    return ids, combine(table, weights)
