"""Romanize columns of an Arrow table: one language for all rows, or one per row.

This is the kernel every engine shares (local processes, Hugging Face ``datasets.map``, Ray Data
``map_batches``): rows are grouped by language and each group goes through one
``romanize_batch`` call, which runs in C++ with the GIL released (``num_threads`` native threads;
``0`` = every core). Nulls stay null; the output is identical for any thread count.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pyarrow as pa

from tokadapt.corpus.romanizer import DEFAULT_SCHEME, make_romanizer, romanizer_signature
from tokadapt.errors import ConfigError, InputFileError

DEFAULT_SUFFIX = "_rom"


@dataclass(frozen=True)
class RomanizeSpec:
    """What to romanize: text columns, their language(s), the scheme and output naming.

    ``lang``: one ISO 639-3 code for every row; ``lang_column``: a column holding each row's
    code; ``column_langs``: a code per text column (overrides ``lang`` for that column).
    """

    text_columns: tuple[str, ...] = ("text",)
    lang: str | None = None
    lang_column: str | None = None
    column_langs: dict[str, str] = field(default_factory=dict)
    scheme: str = DEFAULT_SCHEME
    suffix: str = DEFAULT_SUFFIX

    def __post_init__(self) -> None:
        if not self.text_columns:
            raise ConfigError("give at least one text column to romanize (--text-column)")
        if self.lang and self.lang_column:
            raise ConfigError("--lang and --lang-column exclude each other; give one of them")
        if not self.suffix:
            raise ConfigError("the romanized column suffix must not be empty (--suffix)")
        make_romanizer(self.scheme, self.lang)  # validates scheme and code now, not per batch

    def output_column(self, column: str) -> str:
        return f"{column}{self.suffix}"

    def signature(self) -> str:
        """Everything that determines the output bytes, as one string for manifests."""
        langs = ",".join(f"{c}={lang}" for c, lang in sorted(self.column_langs.items()))
        rom = romanizer_signature(self.scheme, self.lang)
        return (
            f"{rom}|columns:{','.join(self.text_columns)}|lang-column:{self.lang_column or '-'}"
            f"|column-langs:{langs or '-'}|suffix:{self.suffix}"
        )


def romanize_texts(
    texts: Sequence[str | None],
    langs: Sequence[str | None] | str | None = None,
    *,
    scheme: str = DEFAULT_SCHEME,
    num_threads: int = 1,
) -> list[str | None]:
    """Romanize ``texts``; ``langs`` is one code for all or one per text. ``None`` stays None."""
    row_langs = [langs] * len(texts) if langs is None or isinstance(langs, str) else langs
    groups: dict[str | None, list[int]] = {}
    for i, text in enumerate(texts):
        if text is not None:
            groups.setdefault(row_langs[i] or None, []).append(i)
    out: list[str | None] = [None] * len(texts)
    for lang, idx in sorted(groups.items(), key=lambda kv: kv[0] or ""):
        rom = make_romanizer(scheme, lang)
        done = rom.romanize_batch([texts[i] or "" for i in idx], num_threads=num_threads)
        for i, r in zip(idx, done, strict=True):
            out[i] = r
    return out


def _column(table: pa.Table | pa.RecordBatch, name: str) -> list[str | None]:
    if name not in table.schema.names:
        raise InputFileError(
            f"the input has no column {name!r}; columns: {', '.join(table.schema.names)}. "
            "Fix: pass --text-column/--lang-column with one of these"
        )
    return table.column(name).to_pylist()


def romanize_table(
    table: pa.Table | pa.RecordBatch, spec: RomanizeSpec, num_threads: int = 1
) -> pa.Table:
    """``table`` with one romanized string column appended per text column."""
    if isinstance(table, pa.RecordBatch):
        table = pa.Table.from_batches([table])
    row_langs = _column(table, spec.lang_column) if spec.lang_column else None
    for col in spec.text_columns:
        langs: Sequence[str | None] | str | None = row_langs
        if langs is None:
            langs = spec.column_langs.get(col, spec.lang)
        roms = romanize_texts(
            _column(table, col), langs, scheme=spec.scheme, num_threads=num_threads
        )
        name = spec.output_column(col)
        if name in table.schema.names:
            raise InputFileError(
                f"the input already has a column {name!r}; choose another --suffix"
            )
        table = table.append_column(name, pa.array(roms, type=pa.string()))
    return table
