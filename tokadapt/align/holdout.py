"""A dev split held out of the training files when the user gives none.

Keep-best and early stopping (the ``distill`` and ``sentence`` recipes) choose the kept step
on dev sentences; without any, a run trains its whole step budget and keeps the last step,
which on a small corpus means memorising it (issue #13). So when no ``--eval`` set is given
and the recipe keeps the best step, :func:`auto_dev` holds dev lines out of the training text
files and evaluates on them.

What is held out: a line is identified by its key (:func:`~tokadapt.align.sources.dev_key`):
its translation when it carries one (``sentence<TAB>translation``), else the line. Every key
gets a pseudo-random rank from the run's seed; each file of :data:`MIN_LINES` or more lines
picks its ``dev_fraction`` (at least 2) lowest-ranked keys, and the union of the picks is held
out of *every* file. Parallel files (one per language, the same English) therefore hold out the
same pairs, and a held-out translation is never a training target or a pivot through another
language's file. Lines are the unit, so the sentences of one held-out paragraph never meet
training. The choice depends only on the seed and the file contents: a resumed run holds out
the same lines. Files are streamed (a heap per file); nothing is copied.

Shards and dataset rows are not split (large corpora: give a dev set); a run with no dev set
says so.
"""

from __future__ import annotations

import dataclasses
import hashlib
import heapq
import logging
from collections.abc import Iterator, Sequence
from typing import Any

from tokadapt.align.evaluate import EvalSet, make_eval_set
from tokadapt.align.sources import TextSource, dev_key

log = logging.getLogger(__name__)
#: files with fewer non-blank lines pick no dev lines (they still lose the picks of others)
MIN_LINES = 10


@dataclasses.dataclass(frozen=True)
class Held:
    """What :func:`auto_dev` did: the sources to train on, the dev sets, a note for the recipe
    line, the held-out keys, and per file the 0-based positions (among its non-blank lines)
    of its held-out lines."""

    sources: list[Any]
    sets: list[EvalSet]
    note: str
    keys: frozenset[str] = frozenset()
    lines: dict[str, list[int]] = dataclasses.field(default_factory=dict)


def auto_dev(
    cfg: Any, sources: Sequence[Any], has_eval: bool, counts: Sequence[int] | None = None
) -> Held:
    """Hold out dev lines of the text sources (see module docstring); a no-op with dev sets
    given, without keep-best, or with ``dev_fraction`` 0. ``counts``: each source's
    non-blank lines when already counted (saves a pass over every file)."""
    if has_eval or not cfg.keep_best or cfg.dev_fraction <= 0:
        return Held(list(sources), [], "")
    keys: set[str] = set()
    for i, source in enumerate(sources):
        if isinstance(source, TextSource):
            keys |= _lowest(source, cfg, counts[i] if counts is not None else source.count())
    if not keys:
        note = (
            f"no dev set: no --eval given and no training text file has {MIN_LINES}+ lines to "
            "hold out, so the last step is kept (give --eval FILE)"
        )
        log.warning("align: %s", note)
        return Held(list(sources), [], note)
    held = frozenset(keys)
    out: list[Any] = []
    sets: list[EvalSet] = []
    lines: dict[str, list[int]] = {}
    for source in sources:
        if not isinstance(source, TextSource):
            out.append(source)
            continue
        picked: dict[str, int] = {}  # line -> its position; one copy of each
        n = gone = 0
        for n, line in enumerate(_lines(source), 1):
            if dev_key(line) in held:
                picked.setdefault(line, n - 1)
                gone += 1
        if gone == n:  # e.g. one line repeated: keep the files whole, give no dev set
            note = (
                f"no dev set: holding out lines would leave {source.path} with none to train "
                "on (give --eval FILE)"
            )
            log.warning("align: %s", note)
            return Held(list(sources), [], note)
        out.append(dataclasses.replace(source, skip=source.skip | held))
        if picked and str(source.path) not in lines:  # one dev set per file, even if given twice
            kept = list(picked)[: cfg.eval_max_sentences]
            sets.append(make_eval_set(f"dev:{source.path.name}", kept, source.lang))
            lines[str(source.path)] = [picked[line] for line in kept]
    n = sum(len(s.texts) for s in sets)
    note = (
        f"dev set: {n} lines of {len(sets)} training file(s) held out of training "
        f"(dev_fraction {cfg.dev_fraction:g} of each file, at least 2, the same pairs in "
        "every file; --eval FILE to give one, --dev-fraction 0 to train on all)"
    )
    return Held(out, sets, note, held, lines)


def _lines(source: TextSource) -> Iterator[str]:
    """The non-blank lines of a file (stripped), not counting those it already skips."""
    with source.path.open(encoding="utf-8") as handle:
        for line in handle:
            text = line.strip()
            if text and not (source.skip and dev_key(text) in source.skip):
                yield text


def _lowest(source: TextSource, cfg: Any, n: int) -> set[str]:
    """The ``dev_fraction`` (at least 2) lowest-ranked keys of one file of ``n`` non-blank
    lines; none under MIN_LINES."""
    if n < MIN_LINES:
        return set()
    k = min(max(2, round(cfg.dev_fraction * n)), cfg.eval_max_sentences, n // 2)
    heap: list[tuple[int, str]] = []  # the k lowest ranks so far, negated (a max-heap)
    members: set[str] = set()
    for line in _lines(source):
        key = dev_key(line)
        if key in members:
            continue
        rank = _rank(cfg.seed, key)
        if len(heap) < k:
            heapq.heappush(heap, (-rank, key))
            members.add(key)
        elif rank < -heap[0][0]:
            _, out = heapq.heapreplace(heap, (-rank, key))
            members.discard(out)
            members.add(key)
    return members


def _rank(seed: int, key: str) -> int:
    digest = hashlib.blake2b(f"{seed}\0{key}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big")
