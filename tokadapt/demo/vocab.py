"""Demo stage: extend the real XLM-R tokenizer with romanized pieces (TransMI's merge).

Extends the 250,002-piece XLM-R Unigram tokenizer, prints the summary, then tokenizes real text
— CLDR territory and language names (via ``babel``) romanized by translit — with the tokenizer
before and after: tokens per word per script. English names (never romanized) show how much
Latin text changes. The extended tokenizer's directory goes to ``ctx.state["xlmr_extended"]``.
"""

from __future__ import annotations

from typing import Any

from tokadapt.data import cldr
from tokadapt.data.locales import NON_LATIN_SAMPLE
from tokadapt.demo import DemoContext

TITLE = "Extend the XLM-R tokenizer (TransMI merge)"
ORDER = 20

LOCALES = list(NON_LATIN_SAMPLE)


def _names(locale: str, limit: int) -> list[str]:
    names = cldr.name_list(locale)
    return names[:: max(1, len(names) // limit)][:limit]


def _tokens(tok: Any, texts: list[str]) -> int:
    return sum(len(e.ids) for e in tok.encode_batch(texts, add_special_tokens=False))


def run(ctx: DemoContext) -> dict[str, Any]:
    from tokenizers import Tokenizer

    import translit
    from tokadapt.data.resources import xlmr_tokenizer_json
    from tokadapt.vocab import extend_vocab
    from tokadapt.vocab.preserve import summary_line

    out = ctx.out / "xlmr_extended"
    result = extend_vocab(xlmr_tokenizer_json(), out, mode="max", overwrite=True)
    ctx.state["xlmr_extended"] = out
    s = result.summary
    ctx.say(
        f"XLM-R: {s['base_vocab_size']:,} pieces, {s['romanized']:,} romanized, "
        f"{s['changed']:,} changed, {s['existing']:,} already in the vocabulary"
    )
    ctx.say(
        f"  new pieces {s['new_pieces']:,} ({s['collisions']:,} collisions of "
        f"{s['collided_sources']:,} sources); dropped: empty {s['empty']}, space "
        f"{s['space']}, not Latin {s['not_latin']}, unreachable {s['unreachable']}"
    )
    ctx.say(f"  {summary_line(s)}")
    ctx.say(
        f"  {s['total_s']:.1f} s (load {s['load_s']:.1f}, romanize {s['romanize_s']:.1f}, "
        f"merge {s['merge_s']:.1f}, write {s['write_s']:.1f}) -> {out}"
    )
    before = Tokenizer.from_file(str(xlmr_tokenizer_json()))
    after = Tokenizer.from_file(str(out / "tokenizer.json"))
    rom = translit.make_romanizer()
    limit = 40 if ctx.quick else 150
    ctx.say("  tokens per word on romanized CLDR names (before -> after):")
    table: dict[str, dict[str, float]] = {}
    for locale in LOCALES:
        romanized = rom.romanize_batch(_names(locale, limit))
        words = sum(len(t.split()) for t in romanized)
        row = {
            "words": words,
            "before": _tokens(before, romanized) / words,
            "after": _tokens(after, romanized) / words,
        }
        table[locale] = row
        ctx.say(
            f"    {locale:4s} {row['before']:5.2f} -> {row['after']:5.2f}   "
            f"e.g. {romanized[len(romanized) // 2]!r}: "
            f"{after.encode(romanized[len(romanized) // 2], add_special_tokens=False).tokens}"
        )
    english = _names("en", 10_000)
    changed = sum(
        a.ids != b.ids
        for a, b in zip(before.encode_batch(english), after.encode_batch(english), strict=True)
    )
    ctx.say(
        f"  English CLDR names (not romanized) whose tokenization changes: "
        f"{changed}/{len(english)} ({changed / len(english):.1%})"
    )
    return {
        "summary": {k: v for k, v in s.items() if k != "failed_ids"},
        "fertility": table,
        "english_changed": changed,
        "english_total": len(english),
    }
