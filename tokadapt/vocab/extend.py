"""``extend_vocab``: romanize a tokenizer's vocabulary, merge collisions, write the extension.

The three stages of TransMI's vocabulary part, for Unigram, BPE and WordPiece tokenizers:

1. romanize every eligible piece with :mod:`translit` (vocabulary mode, see
   :mod:`tokadapt.vocab.romanize` for what is dropped and why);
2. group pieces by romanization in one pass and merge the scores of colliding sources
   (:mod:`tokadapt.vocab.merge`); romanizations already in the vocabulary are not added;
3. append the new pieces after every existing id — with scores (Unigram, also in the
   SentencePiece ``.model``), with derived merges (BPE) or as vocabulary entries (WordPiece) — and
   write ``tokenizer.json``, configs and ``tokadapt_manifest.json`` atomically.

Scores merged by ``max``/``min``/``mean`` (manifest ``score_kind``): Unigram log-probabilities
(``logprob``); BPE ``-(rank + 1)`` of the merge that creates the token, 0 for alphabet tokens
(``neg_rank``: earlier merges are more frequent pairs); WordPiece ``-id`` (``neg_id``: trainers
emit pieces in frequency order). The merged score orders the new pieces (and, for Unigram, is the
new piece's log-probability in Viterbi; for BPE, the order in which merges are appended).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import translit
from tokadapt import progress
from tokadapt.data.scripts import normalize_select
from tokadapt.eval.signature import signature
from tokadapt.io.outputs import atomic_dir, check_output_dir
from tokadapt.vocab import writers
from tokadapt.vocab.families import FamilyAdapter, adapter_for, validate
from tokadapt.vocab.manifest import Manifest, NewPiece
from tokadapt.vocab.merge import (
    MergedPiece,
    cap,
    check_mode,
    existing_sources,
    group_variants,
    merge_groups,
)
from tokadapt.vocab.preserve import Guard, PreserveReport, preserve, verify_written
from tokadapt.vocab.protect import Protection, as_protection, protected_texts
from tokadapt.vocab.romanize import RomanizedVocab, romanize_schemes
from tokadapt.vocab.schemes import romanizer_sets
from tokadapt.vocab.source import TOKENIZER_JSON, TokenizerSource, load_source
from translit.schemes import RomanizerLike

log = logging.getLogger(__name__)


@dataclass
class ExtendResult:
    out_dir: Path
    summary: dict[str, Any]
    manifest: Manifest


def extend_vocab(
    input_path: str | Path,
    out_dir: str | Path,
    *,
    mode: str = "max",
    lang: str | Mapping[str, str] | None = None,
    select: str | Iterable[str] = "all",
    max_new: int | None = None,
    overwrite: bool = False,
    num_threads: int = 0,
    scheme: str | Sequence[str] = "uroman",
    protect: Protection | bool | str | Sequence[str] | None = True,
) -> ExtendResult:
    """Extend the tokenizer at ``input_path`` with romanized pieces; write it to ``out_dir``.

    ``lang``: one ISO-639-3 code for every piece (``"rus"``), or codes per script
    (``{"Cyrillic": "ukr", "Arabic": "fas"}`` or ``"Cyrillic=ukr,Arabic=fas"``; ``"*"`` names
    the code for all other scripts). ``select``: ``"all"``, ``"non-latin"`` or script names.
    ``max_new`` keeps the best-scoring romanized pieces (BPE may add merge intermediates on
    top, manifest ``kind="bpe_intermediate"``). Returns the summary and the manifest; the
    output directory is written atomically and a non-empty one is refused unless ``overwrite``.
    ``scheme``: one romanization scheme or several (``"uroman,icu:iso9"``, see
    :mod:`translit.schemes`); every piece is romanized under each, all variants are merged.
    ``protect``: text the extension must tokenize exactly as the original tokenizer (default:
    the 50,000 most frequent English words; file paths add their lines; ``False`` turns it
    off), see :mod:`tokadapt.vocab.protect` and :mod:`tokadapt.vocab.preserve`.
    """
    protection = as_protection(protect)
    merge_mode = check_mode(mode)
    sel = normalize_select(select)
    out = check_output_dir(out_dir, overwrite, inputs=[input_path])
    times: dict[str, float] = {}
    start = time.perf_counter()
    by_scheme, lcodes = romanizer_sets(scheme, lang)
    roms = next(iter(by_scheme.values()))
    progress.note("extend-vocab", f"loading {input_path}")
    src = load_source(input_path)
    adapter = adapter_for(src)
    src.protected = adapter.eligible(src)
    times["load_s"] = time.perf_counter() - start
    t = time.perf_counter()
    log.info(
        "romanizing the %s vocabulary of %s (%d pieces, translit %s backend)",
        src.family,
        input_path,
        src.base_vocab_size,
        roms["*"].implementation,
    )
    progress.note("extend-vocab", f"romanizing {src.base_vocab_size:,} pieces")
    rv, variants = romanize_schemes(src, by_scheme, sel, num_threads)
    times["romanize_s"] = time.perf_counter() - t
    t = time.perf_counter()
    progress.note("extend-vocab", "grouping and merging")
    groups, producers = group_variants(variants, set(src.pieces))
    existing = existing_sources(variants, src.pieces)
    cap([], max_new)  # a bad cap fails before the work
    merged = merge_groups(groups, src.scores, merge_mode)
    times["merge_s"] = time.perf_counter() - t
    t = time.perf_counter()
    guard = Guard.of(src, protected_texts(protection))
    merged, kept = _preserve(src, adapter, merged, guard)
    uncapped = len(merged)
    merged = cap(merged, max_new)  # the best pieces that survive protection
    capped = uncapped - len(merged)
    if src.family == "bpe" and len(merged) < uncapped:  # fewer merges, other merge paths
        merged, again = _preserve(src, adapter, merged, guard)
        kept.merge(again)
    times["protect_s"] = time.perf_counter() - t
    t = time.perf_counter()
    new, appended = adapter.append(src, merged)
    # which romanization scheme(s) produced each new piece
    new = [replace(p, schemes=list(producers.get(p.piece, []))) for p in new]
    times["merge_s"] += time.perf_counter() - t
    counts = {**_counts(src, rv, groups, merged, new), **kept.counts()}
    counts["capped"] = capped
    manifest = Manifest(
        family=src.family,
        mode=merge_mode,
        base_vocab_size=src.base_vocab_size,
        new_pieces=new,
        score_kind=adapter.score_kind,
        counts=counts,
        existing=existing,
        pivot_ids=sorted({i for ids in guard.expected for i in ids}),
        romanizer=_romanizer_info(by_scheme, lcodes),
        input={"path": str(input_path), "files": src.files},
        options={
            "mode": merge_mode,
            "lang": lcodes,
            "max_new": max_new,
            "select": sel if isinstance(sel, str) else sorted(sel),
            "scheme": list(by_scheme),
            "protect": {
                **protection.describe(),
                "demoted": dict(sorted(kept.demoted.items())),
                "dropped": sorted(kept.dropped),
            },
        },
    )
    t = time.perf_counter()
    log.info("writing %d new pieces to %s", len(new), out)
    progress.note("extend-vocab", f"writing {len(new):,} new pieces to {out}")
    files = _write(src, adapter, out, overwrite, (new, merged, appended), manifest, guard)
    times["write_s"] = time.perf_counter() - t
    times["total_s"] = time.perf_counter() - start
    summary: dict[str, Any] = {
        "input": str(input_path),
        "output": str(out),
        "family": src.family,
        "mode": merge_mode,
        "lang": lcodes,
        "romanizer": manifest.romanizer["signature"],
        "signature": signature(
            "extend-vocab",
            {"family": src.family, "mode": merge_mode, "base": src.base_vocab_size},
            lang=lcodes if isinstance(lcodes, str) else None,
        ),
        "base_vocab_size": src.base_vocab_size,
        "new_vocab_size": manifest.new_vocab_size,
        "files": files,
        "failed_ids": rv.failed_ids,
        **counts,
        **{k: round(v, 3) for k, v in times.items()},
    }
    log.info(
        "extended %s: %d new pieces (%d collisions) in %.1f s",
        input_path,
        counts["new_pieces"],
        counts["collisions"],
        times["total_s"],
    )
    return ExtendResult(out_dir=out, summary=summary, manifest=manifest)


def _counts(
    src: TokenizerSource,
    rv: RomanizedVocab,
    groups: dict[str, list[int]],
    merged: list[MergedPiece],
    new: list[NewPiece],
) -> dict[str, int]:
    """Per-reason romanization counts plus what grouping and merging made of the candidates."""
    counts = dict(sorted(rv.counts.items()))
    counts.update(
        pieces=src.base_vocab_size,
        existing=len(rv.candidates) - len({i for g in groups.values() for i in g}),
        distinct_new=len(groups),
        collisions=sum(1 for m in merged if len(m.sources) > 1),
        collided_sources=sum(len(m.sources) for m in merged if len(m.sources) > 1),
        new_pieces=len(new),
        bpe_intermediates=sum(1 for p in new if p.kind == "bpe_intermediate"),
        dropped_no_merge_path=len(merged) - sum(1 for p in new if p.kind == "romanized"),
        capped=len(groups) - len(merged),
    )
    return counts


def _romanizer_info(
    by_scheme: Mapping[str, Mapping[str, RomanizerLike]], lcodes: str | dict[str, str] | None
) -> dict[str, Any]:
    first = next(iter(by_scheme.values()))["*"]
    return {
        "signature": first.signature(),
        "schemes": {spec: roms["*"].signature() for spec, roms in by_scheme.items()},
        "translit": translit.__version__,
        "uroman_data": f"{translit.UROMAN_VERSION}+{translit.data_hash()}",
        "lcode": lcodes,
        "implementation": first.implementation,
    }


def _preserve(
    src: TokenizerSource, adapter: FamilyAdapter, merged: list[MergedPiece], guard: Guard
) -> tuple[list[MergedPiece], PreserveReport]:
    """:func:`preserve` with this family's build; logs what protection cost."""
    if not guard.texts:
        return merged, PreserveReport()

    def build(pieces: list[MergedPiece]) -> tuple[list[NewPiece], list[tuple[str, str]], bytes]:
        new, appended = adapter.append(src, pieces)
        return new, appended, writers.dump_json(adapter.tokenizer_json(src, new, appended))

    progress.note("extend-vocab", f"protecting {len(guard.texts):,} texts")
    kept, report = preserve(src, merged, guard, build)
    log.info(
        "protected %d texts (%d changed without protection): %d new pieces demoted, %d dropped",
        report.texts,
        report.changed_before,
        len(report.demoted),
        len(report.dropped),
    )
    return kept, report


def _write(
    src: TokenizerSource,
    adapter: FamilyAdapter,
    out: Path,
    overwrite: bool,
    extension: tuple[list[NewPiece], list[MergedPiece], list[tuple[str, str]]],
    manifest: Manifest,
    guard: Guard,
) -> list[str]:
    new, merged, appended = extension
    raw = writers.dump_json(adapter.tokenizer_json(src, new, appended))
    validate(src, raw, manifest)
    side = adapter.side_files(src, new, merged)
    with atomic_dir(out, overwrite=overwrite) as tmp:
        writers.write_bytes(tmp / TOKENIZER_JSON, raw)
        verify_written(guard, tmp / TOKENIZER_JSON)
        files = [TOKENIZER_JSON, *writers.write_configs(src, tmp)]
        for name, blob in sorted(side.items()):
            writers.write_bytes(tmp / name, blob)
            files.append(name)
        manifest.save(tmp)
        files.append("tokadapt_manifest.json")
    return sorted(files)
