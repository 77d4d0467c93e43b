"""FOCUS- and OFA-style initialization of romanized pieces (registered in the strategy registry).

``focus`` (after Dobler & de Melo 2023, FOCUS): a new piece's row is a *sparse* combination of
the rows of its candidates — the original-script pieces that romanize to it (its sources) and
the existing pieces the original tokenizer splits it into (its Latin subwords, the tokens its
text shares with the old vocabulary). The weights are ``sparsemax(cos(q, row_c) / T)`` where
``q``, the auxiliary vector of the piece, is the mean of its source rows: in the model's own
static (input-embedding) space it stands for what the romanized piece means in its language.
Latin subwords get weight only where they mean the same (names, loanwords); a piece without
sources falls back to the mean of its subwords (as ``subword-mean``), one without either to
the overall mean. FOCUS proper takes the similarities from fastText vectors trained on target
text; we have no such auxiliary model offline, so the model's own rows stand in for it.

``ofa`` (after Liu et al. 2024, OFA): the embedding matrix is factorized into coordinates in
its top-``r`` principal directions (``r = D / 4``, the "primitive" embeddings) plus the column
mean; a new piece's coordinates are the FOCUS combination of its candidates' coordinates, and
its row is rebuilt from them. Old rows are not touched (OFA re-expresses every row; here only
the new ones), so ``ofa`` is ``focus`` projected onto the principal subspace.
"""

from __future__ import annotations

from collections import Counter

import numpy as np

from tokadapt.embeddings.rows import column_mean, column_moments
from tokadapt.embeddings.strategies import InitRequest, Result, register

TEMPERATURE = 0.1


def sparsemax(z: np.ndarray) -> np.ndarray:
    """Euclidean projection of ``z`` onto the probability simplex (Martins & Astudillo 2016):
    weights sum to 1, and entries far below the maximum get exactly 0."""
    z = np.asarray(z, dtype=np.float64)
    s = np.sort(z)[::-1]
    cumulative = np.cumsum(s)
    k = np.arange(1, len(z) + 1)
    support = k[1 + k * s > cumulative]
    kz = support[-1]
    tau = (cumulative[kz - 1] - 1) / kz
    return np.maximum(z - tau, 0.0)


def _candidates(request: InitRequest, i: int) -> list[int]:
    return list(dict.fromkeys([*request.sources[i], *request.subwords[i]]))


def focus_rows(
    table: np.ndarray, request: InitRequest, temperature: float = TEMPERATURE
) -> tuple[np.ndarray, dict[str, int]]:
    """The ``focus`` rows (see the module docstring) and how each piece was made."""
    needed = np.unique(
        np.fromiter(
            (c for i in range(len(request.pieces)) for c in _candidates(request, i)), np.int64
        )
    )
    rows = np.asarray(table[needed], dtype=np.float64) if needed.size else np.zeros((0, 1))
    unit = rows / np.maximum(np.linalg.norm(rows, axis=1, keepdims=True), 1e-12)
    where = {int(c): k for k, c in enumerate(needed)}
    out = np.empty((len(request.pieces), table.shape[1]), dtype=np.float32)
    counts: Counter[str] = Counter()
    fallback: np.ndarray | None = None
    for i in range(len(request.pieces)):
        cand = [where[c] for c in _candidates(request, i)]
        sources = [where[c] for c in request.sources[i]]
        if not cand:
            fallback = column_mean(table) if fallback is None else fallback
            out[i] = fallback
            counts["overall-mean"] += 1
        elif not sources:
            out[i] = rows[cand].mean(axis=0)
            counts["subword-mean"] += 1
        else:
            q = rows[sources].mean(axis=0)
            q /= max(float(np.linalg.norm(q)), 1e-12)
            w = sparsemax(unit[cand] @ q / temperature)
            out[i] = w @ rows[cand]
            used = int((w > 0).sum())
            counts["focus-copy" if used == 1 else "focus-sparse"] += 1
    return out, dict(counts)


@register(
    "focus",
    "FOCUS-style: sparsemax-weighted combination of the piece's sources and Latin subwords, "
    "by cosine to the mean of its sources in the model's embedding space",
    needs_subwords=True,
)
def focus(table: np.ndarray, request: InitRequest, rng: np.random.Generator) -> Result:
    return focus_rows(table, request)


def principal_basis(table: np.ndarray, rank: int) -> tuple[np.ndarray, np.ndarray]:
    """``(mean, P)``: the column mean and the ``D x rank`` top principal directions."""
    mean, cov = column_moments(table, full=True)
    eigval, eigvec = np.linalg.eigh(cov)
    order = np.argsort(eigval)[::-1][:rank]
    return mean, eigvec[:, order]


@register(
    "ofa",
    "OFA-style: the focus combination in the top D/4 principal coordinates of the embeddings "
    "(factorized: coordinates x primitive directions + mean)",
    needs_subwords=True,
)
def ofa(table: np.ndarray, request: InitRequest, rng: np.random.Generator) -> Result:
    rows, counts = focus_rows(table, request)
    mean, basis = principal_basis(table, max(1, table.shape[1] // 4))
    coords = (rows.astype(np.float64) - mean) @ basis
    return (coords @ basis.T + mean).astype(np.float32), {"ofa": len(rows), **counts}
