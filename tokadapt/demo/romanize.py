"""Demo stage: romanize the XLM-R vocabulary and uroman's multi-script test with translit.

Prints translit's throughput against uroman 1.3.1.1 (timed on a sample of the vocabulary and
extrapolated: uroman needs about a minute for all 250,002 pieces) and the exact agreement rate.
Writes ``xlmr-romanized.tsv`` (piece, romanization) under ``ctx.out``.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Sequence
from typing import Any

import translit
from tokadapt.data.resources import uroman_golden, xlmr_tokenizer_json
from tokadapt.demo import DemoContext
from translit.vocab import split_piece

TITLE = "Romanize: translit vs uroman"
ORDER = 10
_LCODE_LINE = re.compile(r"(::lcode\s+)([a-z]{3})(\s+)(.*)$", re.DOTALL)


def _pieces() -> list[str]:
    model = json.loads(xlmr_tokenizer_json().read_text(encoding="utf-8"))["model"]
    return [piece for piece, _score in model["vocab"]]


def _uroman_piece(engine: Any) -> Callable[[str], str]:
    def run(piece: str) -> str:
        parts = split_piece(piece)
        try:
            return parts.prefix + engine.romanize_string(parts.payload) + parts.suffix
        except Exception as exc:  # uroman 1.3.1.1 crashes on a few inputs (百分之)
            return f"<uroman {type(exc).__name__}>"

    return run


def _golden(rom: Callable[[str, str | None], str]) -> tuple[int, int, float]:
    """(agreeing lines, lines, seconds) on uroman's multi-script test."""
    src, ref = uroman_golden()
    lines = src.read_text(encoding="utf-8").splitlines()
    want = ref.read_text(encoding="utf-8").splitlines()
    start = time.perf_counter()
    got = []
    for line in lines:
        m = _LCODE_LINE.match(line)
        if m:
            got.append(m.group(1) + m.group(2) + m.group(3) + rom(m.group(4), m.group(2)))
        else:
            got.append(rom(line, None))
    secs = time.perf_counter() - start
    return sum(g == w for g, w in zip(got, want, strict=True)), len(lines), secs


def _romanize_vocab(rom: translit.Romanizer, pieces: list[str]) -> list[str]:
    try:
        return rom.romanize_vocab(pieces)
    except Exception:  # only the python fallback: it inherits uroman's crashes (百分之)
        out = []
        for piece in pieces:
            try:
                out.append(rom.romanize_piece(piece))
            except Exception as exc:
                out.append(f"<uroman {type(exc).__name__}>")
        return out


def _sample(items: Sequence[str], n: int) -> list[str]:
    step = max(1, len(items) // n)
    return list(items[::step][:n])


def run(ctx: DemoContext) -> dict[str, Any]:
    import uroman

    impl = translit.implementation()
    pieces = _pieces()
    if impl != "cpp":
        ctx.say("translit's native core is not built: timing the python fallback on a sample")
        pieces = _sample(pieces, 5000)
    rom = translit.make_romanizer()
    start = time.perf_counter()
    ours = _romanize_vocab(rom, pieces)
    ours_s = time.perf_counter() - start
    (ctx.out / "xlmr-romanized.tsv").write_text(
        "".join(f"{p}\t{r}\n" for p, r in zip(pieces, ours, strict=True)), encoding="utf-8"
    )
    start = time.perf_counter()
    engine = uroman.Uroman()
    load_s = time.perf_counter() - start
    sample_idx = range(0, len(pieces), max(1, len(pieces) // (1000 if ctx.quick else 4000)))
    ref_piece = _uroman_piece(engine)
    start = time.perf_counter()
    ref = {i: ref_piece(pieces[i]) for i in sample_idx}
    ur_s = (time.perf_counter() - start) * len(pieces) / len(ref)
    agree = sum(ours[i] == r for i, r in ref.items())
    tl_langs: dict[str | None, translit.Romanizer] = {}

    def tl(text: str, lcode: str | None) -> str:
        return tl_langs.setdefault(lcode, translit.make_romanizer("uroman", lcode)).romanize(text)

    g_ok, g_n, g_s = _golden(tl)
    u_ok, _, u_s = _golden(lambda t, lc: engine.romanize_string(t, lc))
    result = {
        "implementation": impl,
        "pieces": len(pieces),
        "translit_vocab_s": round(ours_s, 3),
        "translit_pieces_per_s": round(len(pieces) / ours_s),
        "uroman_load_s": round(load_s, 2),
        "uroman_vocab_s_extrapolated": round(ur_s, 1),
        "uroman_sample": len(ref),
        "speedup_vocab": round(ur_s / ours_s, 1),
        "vocab_agreement_pct_on_sample": round(100.0 * agree / len(ref), 3),
        "golden_agreement": f"{g_ok}/{g_n}",
        "golden_translit_s": round(g_s, 4),
        "golden_uroman_s": round(u_s, 3),
        "uroman_golden_selfcheck": f"{u_ok}/{g_n}",
    }
    ctx.state["romanized_vocab_path"] = str(ctx.out / "xlmr-romanized.tsv")
    ctx.say(
        f"translit ({impl}) romanized {len(pieces):,} XLM-R pieces in {ours_s:.2f} s "
        f"({len(pieces) / ours_s:,.0f} pieces/s, all threads)"
    )
    ctx.say(
        f"uroman {translit.UROMAN_VERSION}: {ur_s:.1f} s for the same pieces (timed on "
        f"{len(ref):,}, extrapolated; +{load_s:.1f} s to load) -> translit is "
        f"{ur_s / ours_s:.0f}x faster"
    )
    ctx.say(
        f"agreement with uroman on the sampled pieces: {agree}/{len(ref)} "
        f"({100.0 * agree / len(ref):.2f} %)"
    )
    ctx.say(
        f"uroman's multi-script golden test: {g_ok}/{g_n} lines identical "
        f"(translit {g_s * 1e3:.1f} ms, uroman {u_s * 1e3:.0f} ms)"
    )
    return result
