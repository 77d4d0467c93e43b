"""Regenerate the per-script golden files from uroman 1.3.1.1's outputs on real text.

Each ``<script>.tsv`` holds a deterministic sample (by SHA-1 of the text, up to ``PER_CORPUS``
items per corpus) of babel CLDR names, wordfreq words and XLM-R pieces whose dominant script is
``<script>``, with the reference romanization of ``uroman.Uroman().romanize_string`` (vocabulary
mode for XLM-R pieces: ``prefix + uroman(payload) + suffix``). Items on which uroman itself
raises are left out (they have no reference; see ``known_differences.tsv``).

Columns: ``corpus  source  lcode  input  expected`` with ``\\``, tab, CR, LF backslash-escaped.

Update goldens (only when the pinned uroman version changes, never to make a test pass)::

    source .venv/bin/activate
    python tests/translit/golden/make_golden.py          # rewrites tests/translit/golden/*.tsv
    git diff --stat tests/translit/golden                 # review, then commit with the reason

Update the list of known differences after ``python benchmarks/conformance.py`` (it writes
``.cache/conformance/diffs-cpp.tsv``); explanations of rows already listed are kept, new rows get
``TODO`` (the tests refuse it until a real explanation replaces it)::

    python benchmarks/conformance.py --corpus numbers --diff-out /tmp/diffs-numbers.tsv
    python tests/translit/golden/make_golden.py --known-from .cache/conformance/diffs-cpp.tsv \
        /tmp/diffs-numbers.tsv

The uroman outputs come from the conformance cache (``.cache/conformance``), computed on the
first run (a few minutes) by ``benchmarks/reference.py``.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
sys.path.insert(0, str(REPO / "benchmarks"))

import corpora  # noqa: E402
from reference import ERROR_PREFIX, uroman_outputs  # noqa: E402

from translit.vocab import split_piece  # noqa: E402

PER_CORPUS = 40
HEADER = "corpus\tsource\tlcode\tinput\texpected\n"


def esc(value: str) -> str:
    return (
        value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    )


def file_name(script: str) -> str:
    return script.lower().replace(" ", "-") + ".tsv"


def _key(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()


def candidates() -> list[tuple[str, corpora.Item, str, str]]:
    """``(corpus, item, script, expected)`` for every item of the three real-text corpora."""
    out = []
    for corpus, items in (("cldr", corpora.cldr_items()), ("wordfreq", corpora.wordfreq_items())):
        refs = uroman_outputs(corpus, [(it.text, it.lcode) for it in items])
        out += [
            (corpus, it, corpora.script_of(it.text), r) for it, r in zip(items, refs, strict=True)
        ]
    pieces = corpora.xlmr_items()
    parts = [split_piece(it.text) for it in pieces]
    refs = uroman_outputs("xlmr", [(p.payload, "") for p in parts])
    for it, p, r in zip(pieces, parts, refs, strict=True):
        out.append(("xlmr", it, corpora.script_of(p.payload), p.prefix + r + p.suffix))
    return out


def select(rows: list[tuple[str, corpora.Item, str, str]]) -> dict[str, list[str]]:
    groups: dict[tuple[str, str], list[tuple[str, corpora.Item, str, str]]] = defaultdict(list)
    for row in rows:
        if ERROR_PREFIX not in row[3]:
            groups[(row[2], row[0])].append(row)
    files: dict[str, list[str]] = defaultdict(list)
    for (script, _corpus), group in sorted(groups.items()):
        group.sort(key=lambda r: (_key(r[1].text + "\t" + r[1].lcode), r[1].source))
        for corpus, item, _s, expected in group[:PER_CORPUS]:
            fields = (corpus, item.source, item.lcode, item.text, expected)
            files[script].append("\t".join(esc(f) for f in fields) + "\n")
    return files


def update_known(diff_files: list[Path]) -> int:
    """Rewrite ``known_differences.tsv`` from conformance diff TSVs, keeping explanations."""
    known_path = HERE / "known_differences.tsv"
    lines = known_path.read_text(encoding="utf-8").split("\n")
    header, old = lines[0], [line.split("\t") for line in lines[1:] if line]
    explained = {(f[0], f[3], f[4]): f[7] for f in old}
    rows = []
    diff_lines = [ln for d in diff_files for ln in d.read_text(encoding="utf-8").split("\n")[1:]]
    for line in diff_lines:
        if line:
            f = line.split("\t")
            rows.append("\t".join([*f, explained.get((f[0], f[3], f[4]), "TODO")]) + "\n")
    known_path.write_text(header + "\n" + "".join(rows), encoding="utf-8")
    print(f"{len(rows)} known differences written to {known_path}")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--known-from", type=Path, nargs="+", help="conformance diff TSVs to list")
    args = parser.parse_args()
    if args.known_from:
        return update_known(args.known_from)
    files = select(candidates())
    for old in HERE.glob("*.tsv"):
        if old.name != "known_differences.tsv":
            old.unlink()
    total = 0
    for script, lines in sorted(files.items()):
        (HERE / file_name(script)).write_text(HEADER + "".join(lines), encoding="utf-8")
        total += len(lines)
    print(f"wrote {total} rows in {len(files)} files to {HERE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
