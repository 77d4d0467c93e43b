"""BPE: merge ranks, a reference BPE segmenter, and derivation of merges for new tokens.

A BPE tokenizer only produces a token if some merge creates it, so every new token needs
merges. They are appended *after* all original merges (lowest priority): a pre-token is first
merged exactly as before, and an appended merge can only fire on symbols still adjacent at the
end, i.e. inside words made of the new pieces' characters. Original-script text therefore keeps
its ids (tested on real text in ~40 scripts).

For a new token ``T`` we segment ``T``'s own characters with the current merges
(original + already appended) into ``t1 … tk`` and append the left fold
``(t1 t2) → t12``, ``(t12 t3) → t123`` … . Intermediates that are not in the vocabulary become
extra new tokens (manifest ``kind="bpe_intermediate"``, no sources). Because appended merges have
higher ranks than every merge before them, adding a token never un-reaches an earlier one; each
token is re-segmented after its merges are added to check that BPE now produces it whole. Every
appended merge must produce a token containing a Latin letter (``keep``); otherwise a merge such
as ``(Ġ, ')`` could fire on punctuation in text of any script, so the token is dropped.

Scores (manifest ``score_kind="neg_rank"``): a token made by the merge of rank ``r`` scores
``-(r + 1)``; alphabet tokens score 0 (they are the most frequent).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any


def parse_merges(model: dict[str, Any]) -> list[tuple[str, str]]:
    """The ``merges`` of a tokenizer.json BPE model, in either the "a b" or the [a, b] format."""
    out: list[tuple[str, str]] = []
    for m in model.get("merges", []):
        if isinstance(m, str):
            a, _, b = m.partition(" ")
            out.append((a, b))
        else:
            out.append((str(m[0]), str(m[1])))
    return out


def merged(a: str, b: str, prefix: str) -> str:
    """The token a merge produces (the continuation prefix of ``b`` is dropped, as in HF)."""
    return a + b[len(prefix) :] if prefix else a + b


def merge_ranks(model: dict[str, Any]) -> dict[str, int]:
    """``{token: rank of the first merge producing it}``."""
    prefix = model.get("continuing_subword_prefix") or ""
    ranks: dict[str, int] = {}
    for r, (a, b) in enumerate(parse_merges(model)):
        ranks.setdefault(merged(a, b, prefix), r)
    return ranks


@dataclass
class BpeState:
    """Merges (original + appended) and the vocabulary, enough to run BPE on one pre-token."""

    ranks: dict[tuple[str, str], int]
    vocab: dict[str, int]
    prefix: str = ""
    suffix: str = ""
    appended: list[tuple[str, str]] = field(default_factory=list)
    next_rank: int = 0
    #: every appended merge must produce a token this accepts (see ``extend``: a Latin letter)
    keep: Callable[[str], bool] | None = None

    @classmethod
    def from_model(cls, model: dict[str, Any]) -> BpeState:
        pairs = parse_merges(model)
        return cls(
            ranks={p: r for r, p in reversed(list(enumerate(pairs)))},
            next_rank=len(pairs),
            vocab=dict(model["vocab"]),
            prefix=model.get("continuing_subword_prefix") or "",
            suffix=model.get("end_of_word_suffix") or "",
        )

    def symbols(self, token: str) -> list[str] | None:
        """Initial symbols of a token's characters (``None`` if one is not in the alphabet)."""
        core, final = token, False
        if self.suffix and core.endswith(self.suffix) and len(core) > len(self.suffix):
            core, final = core[: -len(self.suffix)], True
        cont = bool(self.prefix) and core.startswith(self.prefix) and len(core) > len(self.prefix)
        if cont:
            core = core[len(self.prefix) :]
        out = []
        for i, ch in enumerate(core):
            sym = (self.prefix if (i > 0 or cont) else "") + ch
            if final and i == len(core) - 1:
                sym += self.suffix
            if sym not in self.vocab:
                return None
            out.append(sym)
        return out

    def segment(self, syms: Sequence[str]) -> list[str]:
        """Apply merges by rank (lowest first, leftmost on ties), one occurrence at a time."""
        word = list(syms)
        while len(word) > 1:
            best, pos = None, -1
            for i in range(len(word) - 1):
                r = self.ranks.get((word[i], word[i + 1]))
                if r is not None and (best is None or r < best):
                    best, pos = r, i
            if best is None:
                break
            word[pos : pos + 2] = [merged(word[pos], word[pos + 1], self.prefix)]
        return word

    def add_token(self, token: str, new_id: int) -> list[str] | None:
        """Append merges so BPE produces ``token``; returns the tokens added to the vocabulary
        (intermediates first, then ``token``), or ``None`` when it cannot be produced."""
        syms = self.symbols(token)
        if syms is None:
            return None
        parts = self.segment(syms)
        added: list[str] = []
        pairs: list[tuple[str, str]] = []
        acc = parts[0]
        for nxt in parts[1:]:
            pairs.append((acc, nxt))
            acc = merged(acc, nxt, self.prefix)
            if self.keep is not None and not self.keep(acc):
                return None
            if acc not in self.vocab:
                added.append(acc)
        if acc != token:
            return None
        fresh = [p for p in pairs if p not in self.ranks]
        for p in fresh:
            self.ranks[p] = self.next_rank
            self.next_rank += 1
        if self.segment(syms) != [token]:  # an earlier merge intervenes: undo, report unreachable
            for p in fresh:
                del self.ranks[p]
            self.next_rank -= len(fresh)
            return None
        for j, tok in enumerate(added):
            self.vocab[tok] = new_id + j
        self.appended.extend(fresh)
        return added
