"""Markdown rendering of ``bench_romanize.py`` results (kept apart from the measuring code)."""

from __future__ import annotations

from typing import Any


def signature(env: dict[str, Any], backend: str) -> str:
    core = env.get("translit_core", {})
    flags = core.get("flags") or core.get("compiler") or ""
    return (
        f"translit:{env.get('translit')}|impl:{backend}"
        f"|uroman-data:{env['uroman_data']['version']}+{env['uroman_data']['hash']}"
        f"|python:{env.get('python')}|{env.get('platform')}" + (f"|core:{flags}" if flags else "")
    )


def _corpus(rows: list[dict[str, Any]]) -> list[str]:
    words = rows[0]["words"]
    out = [
        f"Corpus: {rows[0]['lines']} lines, {words} words (uroman mini-test texts + CLDR names), "
        "one call per line, best of the interleaved rounds. CPU-time columns are the steadier "
        "measure on a shared machine (meaningless for the multi-threaded row).",
        "",
        "| romanizer | words/s | speed-up vs uroman | words/CPU-s | speed-up (CPU) "
        "| agreement with uroman % |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        out.append(
            f"| {r['romanizer']} | {r['words_per_s']:,.0f} | {r['speedup_vs_uroman']:.1f}x "
            f"| {r.get('words_per_cpu_s', float('nan')):,.0f} "
            f"| {r.get('speedup_vs_uroman_cpu', float('nan')):.1f}x | {r['agreement_pct']:.2f} |"
        )
    return out


def _vocab(v: dict[str, Any]) -> list[str]:
    return [
        f"XLM-R vocabulary ({v['pieces']:,} pieces, vocabulary mode):",
        "",
        "| romanizer | seconds | agreement with uroman % (sample) |",
        "|---|---:|---:|",
        f"| translit, 1 thread | {v['translit_s_threads1']:.2f} "
        f"| {v['translit_agreement_pct_on_sample']:.2f} |",
        f"| translit, all threads | {v['translit_s_threads0']:.2f} | |",
        f"| uroman-fast | {v['uroman_fast_s']:.2f} "
        f"| {v['uroman_fast_agreement_pct_on_sample']:.2f} |",
        f"| uroman 1.3.1.1 (extrapolated from {v['uroman_sample']:,} pieces) "
        f"| {v['uroman_extrapolated_s']:.1f} | 100 |",
    ]


def markdown_report(res: dict[str, Any]) -> str:
    lines = [
        "# translit romanization benchmark",
        "",
        f"`{signature(res['environment'], res['args']['backend'])}`",
        "",
    ]
    lines += [*_corpus(res["corpus"]), "", *_vocab(res["vocab"]), ""]
    t = res["threads"]
    scaling = ", ".join(
        f"{k.split('_')[1]} threads {v:.2f}x" for k, v in t.items() if k.startswith("speedup_")
    )
    lines.append(
        f"Thread scaling of `romanize_batch` ({t['texts']:.0f} texts, {t['cpus']:.0f} CPUs): "
        f"1 thread {t['threads1_s']:.2f} s; speed-up {scaling}."
    )
    f = res["first_call"]
    lines.append(
        f"Import + first call in a fresh process (python startup {f['python_startup_s'] * 1e3:.0f}"
        f" ms subtracted): translit {f['translit_s'] * 1e3:.0f} ms, uroman-fast "
        f"{f['uroman-fast_s'] * 1e3:.0f} ms, uroman {f['uroman 1.3.1.1_s'] * 1e3:.0f} ms."
    )
    s = res["stream"]
    lines.append(
        f"Streaming {s['file_mb']:.0f} MB through `python -m translit`: {s['seconds']:.1f} s "
        f"({s['mb_per_s']:.1f} MB/s), peak RSS {s['peak_rss_mb']:.0f} MB."
    )
    return "\n".join(lines) + "\n"
