"""Real effect of contrastive script alignment (TCM) on multilingual-e5-small, on CPU.

Trains e5 (and the TransMI-adapted e5 when ``tokadapt.vocab``/``tokadapt.embeddings`` are
installed) for a few steps on CLDR territory/language names in eight scripts (romanized on the
fly), then measures top-1 retrieval (cosine, both directions averaged) on text held apart from
training:

* CLDR names whose key is held apart (no script saw that concept): original ↔ romanized, and
  English ↔ original (must not collapse);
* uroman's multi-script mini-test sentences: original ↔ romanized (32 lines, all scripts pooled);
* UDHR Article 1 (``../shared/data/udhr_article1_nonlatin_uroman.tsv`` when present): the ~120
  non-Latin paragraphs pooled, original ↔ romanized, reported per script.

Writes ``results/align_effect.json`` and ``.md``.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT.parent))
from tokadapt.data.locales import iso639_3  # noqa: E402

UDHR_DEFAULT = ROOT.parent.parent / "shared" / "data" / "udhr_article1_nonlatin_uroman.tsv"
LOCALES = {loc: iso639_3(loc) for loc in ("ru", "el", "hi", "ar", "he", "ka", "th", "ko")}


def udhr_rows(path: Path) -> list[tuple[str, str, str]]:
    """``(script, text, romanized)`` per non-Latin UDHR Article 1 paragraph (translit)."""
    import translit

    if not path.is_file():
        return []
    with path.open(encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle, delimiter="\t") if r["text"].strip()]
    out = []
    for r in rows:
        lang = r["iso6393"] if len(r["iso6393"]) == 3 and r["iso6393"] != "und" else None
        rom = translit.Romanizer(lang, errors="replace").romanize(r["text"])
        if rom.strip() and rom != r["text"]:
            out.append((r["script"], r["text"], rom))
    return out


def mini_test() -> tuple[list[str], list[str]]:
    import translit
    from tokadapt.data.resources import uroman_golden

    lines = [x for x in uroman_golden()[0].read_text(encoding="utf-8").splitlines() if x.strip()]
    roms = translit.Romanizer(errors="replace").romanize_batch(lines)
    keep = [(a, b) for a, b in zip(lines, roms, strict=True) if a != b]
    return [a for a, _ in keep], [b for _, b in keep]


def pooled_hits(model: Any, tok: Any, a: list[str], b: list[str], layer: int) -> np.ndarray:
    """Per row: mean of (a_i retrieves b_i, b_i retrieves a_i) over the whole pool (cosine)."""
    from tokadapt.eval.encode import encode_texts

    ea = encode_texts(model, tok, a, layer=layer, batch_size=32)
    eb = encode_texts(model, tok, b, layer=layer, batch_size=32)
    ea /= np.linalg.norm(ea, axis=1, keepdims=True)
    eb /= np.linalg.norm(eb, axis=1, keepdims=True)
    sim = ea @ eb.T
    idx = np.arange(len(a))
    return ((sim.argmax(1) == idx).astype(float) + (sim.argmax(0) == idx).astype(float)) / 2


def measure(
    model_dir: Path,
    held: list[Any],
    udhr: list[tuple[str, str, str]],
    mini: tuple[list[str], list[str]],
    layer: int,
) -> dict[str, Any]:
    from tokadapt.eval.encode import load_encoder
    from tokadapt.eval.heldout import retrieval

    out: dict[str, Any] = {"cldr": retrieval(model_dir, held, layer=layer)}
    model, tok = load_encoder(model_dir, device="cpu")
    out["mini_test_rom"] = round(float(pooled_hits(model, tok, *mini, layer).mean()), 4)
    if udhr:
        hits = pooled_hits(model, tok, [t for _, t, _ in udhr], [r for _, _, r in udhr], layer)
        scripts: dict[str, list[float]] = {}
        for (script, _, _), h in zip(udhr, hits, strict=True):
            scripts.setdefault(script, []).append(float(h))
        out["udhr_rom"] = {
            s: {"n": len(v), "top1": round(sum(v) / len(v), 4)} for s, v in sorted(scripts.items())
        }
        out["udhr_rom_mean"] = round(float(hits.mean()), 4)
    cl = out["cldr"].values()
    out["cldr_rom_mean"] = round(float(np.mean([r["rom"] for r in cl])), 4)
    out["cldr_en_mean"] = round(float(np.mean([r["en"] for r in cl])), 4)
    return out


def transmi_e5(e5_dir: Path, work: Path) -> Path | None:
    try:
        from tokadapt.embeddings.initialize import init_embeddings
        from tokadapt.vocab import extend_vocab
    except ImportError as exc:
        print(f"TransMI-adapted e5 unavailable: {exc}")
        return None
    ext = Path(extend_vocab(e5_dir, work / "e5-ext-tok", overwrite=True).out_dir)
    init_embeddings(e5_dir, ext, work / "e5-transmi", strategy="transmi", overwrite=True)
    return work / "e5-transmi"


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--steps", type=int, default=100)
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--lr", type=float, default=5e-5)
    p.add_argument("--preset", default="cosine")
    p.add_argument("--layer", type=int, default=12)
    p.add_argument("--threads", type=int, default=0, help="torch threads (0: torch default)")
    p.add_argument("--no-transmi", action="store_true")
    p.add_argument("--work", default="/tmp/align_effect")
    p.add_argument("--udhr", default=str(UDHR_DEFAULT), help="UDHR Article 1 TSV (optional)")
    p.add_argument("--out", default=str(ROOT / "results"))
    args = p.parse_args()
    import torch

    from tokadapt.align import make_config, train
    from tokadapt.data.heldout import cldr_split, write_train
    from tokadapt.environment import collect
    from tokadapt.models.e5 import export_e5

    if args.threads:
        torch.set_num_threads(args.threads)
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    e5 = Path(export_e5(work / "e5", overwrite=True))
    models = {"e5": e5}
    if not args.no_transmi and (tm := transmi_e5(e5, work)) is not None:
        models["e5+TransMI"] = tm
    train_lines, held = cldr_split(LOCALES)
    specs = write_train(train_lines, LOCALES, work / "train")
    udhr, mini = udhr_rows(Path(args.udhr)), mini_test()
    result: dict[str, Any] = {
        "environment": collect(),
        "args": vars(args),
        "runs": {},
        "train_lines": {k: len(v) for k, v in train_lines.items()},
        "udhr_rows": len(udhr),
    }
    for name, model_dir in models.items():
        cfg = make_config(
            args.preset,
            layer=args.layer,
            steps=args.steps,
            batch_size=args.batch_size,
            lr=args.lr,
            warmup_steps=args.steps // 10,
            max_length=32,
            log_every=5,
            seed=0,
        )
        before = measure(model_dir, held, udhr, mini, args.layer)
        t = time.perf_counter()
        run = train(
            model_dir, specs, work / f"aligned-{name}", cfg, overwrite=True, show_progress=False
        )
        secs = time.perf_counter() - t
        after = measure(work / f"aligned-{name}", held, udhr, mini, args.layer)
        log = [json.loads(x) for x in (work / f"aligned-{name}" / "metrics.jsonl").open()]
        curve = [(r["step"], round(r["tcm"], 4)) for r in log if r.get("event") == "train"]
        result["runs"][name] = {
            "before": before,
            "after": after,
            "train_seconds": round(secs, 1),
            "steps": run["steps"],
            "tcm_curve": curve,
        }
        print(json.dumps({name: {"before": before, "after": after}}, indent=1), flush=True)
    write(result, Path(args.out))
    return 0


def write(result: dict[str, Any], out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / "align_effect.json").write_text(json.dumps(result, indent=2, default=str) + "\n")
    a = result["args"]
    lines = [
        f"TCM ({a['preset']} preset, layer {a['layer']}), {a['steps']} steps x "
        f"{a['batch_size']} pairs, lr {a['lr']}, CPU. Top-1 retrieval, before -> after.\n",
        "| model | set | orig<->rom before | after | English<->orig before | after |",
        "|---|---|---|---|---|---|",
    ]
    for name, run in result["runs"].items():
        b, f = run["before"], run["after"]
        for lang in b["cldr"]:
            lines.append(
                f"| {name} | CLDR held-out {lang} (n={b['cldr'][lang]['n']}) | "
                f"{b['cldr'][lang]['rom']} | {f['cldr'][lang]['rom']} | "
                f"{b['cldr'][lang]['en']} | {f['cldr'][lang]['en']} |"
            )
        lines.append(
            f"| {name} | CLDR mean | {b['cldr_rom_mean']} | {f['cldr_rom_mean']} | "
            f"{b['cldr_en_mean']} | {f['cldr_en_mean']} |"
        )
        lines.append(
            f"| {name} | uroman mini-test | {b['mini_test_rom']} | {f['mini_test_rom']} | - | - |"
        )
        for script, row in b.get("udhr_rom", {}).items():
            lines.append(
                f"| {name} | UDHR Art. 1 {script} (n={row['n']}) | {row['top1']} | "
                f"{f['udhr_rom'][script]['top1']} | - | - |"
            )
        if "udhr_rom_mean" in b:
            lines.append(
                f"| {name} | UDHR Art. 1 all | {b['udhr_rom_mean']} | "
                f"{f['udhr_rom_mean']} | - | - |"
            )
        curve = run["tcm_curve"]
        lines.append(
            f"\n{name}: TCM loss {curve[0][1]} (step {curve[0][0]}) -> {curve[-1][1]} "
            f"(step {curve[-1][0]}), {run['train_seconds']} s training\n"
        )
    (out / "align_effect.md").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    sys.exit(main())
