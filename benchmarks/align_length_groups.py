"""Rows run by length (``--length-groups``, stop 20) against one padded forward per batch, on the
`tokadapt adapt --align` defaults' own training step.

Three measurements on one fold folder of ``align_sentences.py`` (its ``e5/``, ``adapt/``,
``train-tr/`` and ``dev/``):

1. **Padding.** The first ``--batches`` training batches of the run (originals and
   romanizations of 32 ``sentence<TAB>English`` pairs, length-bucketed as the trainer does):
   real tokens, and the tokens computed with one forward and with the default cut.
2. **Step time.** ``Trainer.train_step`` of the run with ``--length-groups 1`` and with the
   default, ``--steps`` steps each, alternating (one, grouped, one, grouped: the machine's
   drift falls on both), the first ``--warm`` steps of each not counted. The losses of the two
   are compared step by step (the same batches; bf16 rounds differently at other GEMM shapes).
3. **Cost model.** Forward+backward seconds of the student encoder at a grid of (rows, width)
   in the run's precision, and the least-squares fit of ``seconds = a * rows * width *
   (1 + width / A) + b`` per forward, against the constants the cut uses
   (:data:`tokadapt.align.bucketing.GROUP_ATTENTION`, ``GROUP_OVERHEAD`` = b / a in tokens).

CPU, 2 threads, ~8 minutes::

    python benchmarks/align_length_groups.py W0 --stem length_groups
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))


def trainer(work: Path, groups: int | None, out: Path) -> Any:
    from tokadapt.align import make_config, parse_source
    from tokadapt.align.evaluate import read_eval
    from tokadapt.align.trainer import Trainer

    train = sorted((work / "train-tr").glob("*.txt"))
    dev = sorted((work / "dev").glob("*.tsv"))
    from align_sentences import iso

    cfg = make_config(teacher=str(work / "e5"), length_groups=groups, save_every=0)
    sources = [parse_source(f"{p}:{iso(p.stem)}") for p in train]
    evals = [read_eval(f"{p}:{iso(p.stem)}") for p in dev]
    return Trainer(cfg, work / "adapt", sources, out, eval_sets=evals, show_progress=False,
                   overwrite=True)  # fmt: skip


def padding(tr: Any, batches: int) -> dict[str, Any]:
    from tokadapt.align.bucketing import length_groups, resolve_groups

    groups_at_most = resolve_groups(-1, tr.device)[0]
    loader = tr.make_loader()
    real = one = cut = forwards = 0
    for batch in itertools.islice(loader, batches):
        mask = batch["attention_mask"]
        widths = mask.sum(1).tolist()  # right padding: the last attended column
        real += sum(widths)
        one += mask.shape[0] * mask.shape[1]
        groups = length_groups(widths, groups_at_most)
        cut += sum(len(rows) * widths[rows[-1]] for rows in groups)
        forwards += len(groups)
    return {
        "batches": batches,
        "real_tokens": real,
        "one_forward_tokens": one,
        "grouped_tokens": cut,
        "padding_one": round(1 - real / one, 3),
        "padding_grouped": round(1 - real / cut, 3),
        "forwards_per_batch": round(forwards / batches, 2),
    }


def step_times(work: Path, steps: int, warm: int, rounds: int, scratch: Path) -> dict[str, Any]:
    seconds: dict[str, list[float]] = {"one": [], "grouped": []}
    losses: dict[str, list[float]] = {}
    note = ""
    for r, name in itertools.product(range(rounds), ("one", "grouped")):
        tr = trainer(work, 1 if name == "one" else None, scratch / f"{name}{r}")
        note = tr.choice if name == "grouped" else note
        model = tr.prepare()
        loader, times, run_losses = tr.make_loader(), [], []
        for _ in range(steps):
            start = time.perf_counter()
            tr.train_step(model, loader)
            times.append(time.perf_counter() - start)
            run_losses.append(tr.meter.read()["loss"])
        seconds[name].append(sum(times[warm:]))
        losses.setdefault(name, run_losses)
        print(name, r, round(sum(times[warm:]), 1), "s", flush=True)
    rel = [abs(a - b) / max(abs(b), 1e-12) for a, b in zip(losses["grouped"], losses["one"],
                                                          strict=True)]  # fmt: skip
    one, grouped = sum(seconds["one"]), sum(seconds["grouped"])
    return {
        "steps_counted": (steps - warm) * rounds,
        "one_forward_s": [round(x, 1) for x in seconds["one"]],
        "grouped_s": [round(x, 1) for x in seconds["grouped"]],
        "s_per_step_one": round(one / ((steps - warm) * rounds), 3),
        "s_per_step_grouped": round(grouped / ((steps - warm) * rounds), 3),
        "time_saved": round(1 - grouped / one, 3),
        "loss_max_rel_diff": round(max(rel), 5),
        "recipe_line": note,
    }


def cost_model(work: Path) -> dict[str, Any]:
    import numpy as np
    import torch

    from tokadapt.align import accel
    from tokadapt.align.bucketing import GROUP_ATTENTION, GROUP_OVERHEAD
    from tokadapt.align.model import load

    model = load(work / "adapt", "off").model.eval()
    precision, _ = accel.resolve_precision("auto", torch.device("cpu"))
    accel.fp32_attention([model], torch.device("cpu"), precision)
    model.get_input_embeddings().weight.requires_grad_(False)
    dtype = torch.bfloat16 if precision == "bf16" else torch.float32
    grid = []
    for rows, width in itertools.product((8, 16, 32, 64), (16, 48, 96, 160)):
        ids = torch.randint(5, 1000, (rows, width))
        mask = torch.ones(rows, width, dtype=torch.long)

        def once(ids: Any = ids, mask: Any = mask) -> None:
            with torch.autocast("cpu", dtype=dtype, enabled=precision != "fp32"):
                out = model(input_ids=ids, attention_mask=mask).last_hidden_state
            out.float().mean().backward()

        once()
        start = time.perf_counter()
        for _ in range(3):
            once()
        grid.append((rows, width, (time.perf_counter() - start) / 3))
    # seconds = a * rows * width + c * rows * width^2 + b; A = a / c, overhead = b / a tokens
    x = np.array([[r * w, r * w * w, 1.0] for r, w, _ in grid])
    y = np.array([s for _, _, s in grid])
    (a, c, b), *_ = np.linalg.lstsq(x, y, rcond=None)
    pred = x @ np.array([a, c, b])
    return {
        "precision": precision,
        "grid_seconds": [[r, w, round(s, 4)] for r, w, s in grid],
        "fit_seconds_per_token": float(a),
        "fit_attention_A": float(a / c) if c > 0 else None,
        "fit_overhead_tokens": float(b / a),
        "fit_max_rel_error": float(np.max(np.abs(pred - y) / y)),
        "used_attention_A": GROUP_ATTENTION,
        "used_overhead_tokens": GROUP_OVERHEAD,
    }


def main() -> int:
    import tempfile

    import torch

    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("work", type=Path, help="a fold folder of align_sentences.py")
    p.add_argument("--batches", type=int, default=60)
    p.add_argument("--steps", type=int, default=20)
    p.add_argument("--warm", type=int, default=2)
    p.add_argument("--rounds", type=int, default=2)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--out", default=str(ROOT / "results"))
    p.add_argument("--stem", default="length_groups")
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    with tempfile.TemporaryDirectory() as scratch:
        pad = padding(trainer(args.work, None, Path(scratch) / "pad"), args.batches)
        print(pad, flush=True)
        steps = step_times(args.work, args.steps, args.warm, args.rounds, Path(scratch))
    cost = cost_model(args.work)
    result = {"work": str(args.work), "padding": pad, "steps": steps, "cost_model": cost}
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{args.stem}.json").write_text(json.dumps(result, indent=2) + "\n")
    lines = [
        f"Rows run by length against one padded forward: the `adapt --align` defaults' step on "
        f"`{args.work.name}` ({args.threads} threads, {cost['precision']}).\n",
        "| | one forward | by length (default) |",
        "|---|---:|---:|",
        f"| padding of the first {pad['batches']} batches | {pad['padding_one']:.1%} "
        f"| {pad['padding_grouped']:.1%} |",
        f"| tokens computed | {pad['one_forward_tokens']} | {pad['grouped_tokens']} |",
        f"| forwards per pair batch | 1 | {pad['forwards_per_batch']} |",
        f"| s per training step ({steps['steps_counted']} steps, alternating) "
        f"| {steps['s_per_step_one']} | {steps['s_per_step_grouped']} |",
        "",
        f"Time saved: {steps['time_saved']:.1%}; the largest relative loss difference at the "
        f"same step: {steps['loss_max_rel_diff']}.",
        "",
        f"Cost model fit over {len(cost['grid_seconds'])} (rows, width) shapes: attention "
        f"constant A = {cost['fit_attention_A']:.0f} (used {cost['used_attention_A']:.0f}), "
        f"overhead {cost['fit_overhead_tokens']:.0f} tokens per forward (used "
        f"{cost['used_overhead_tokens']:.0f}); largest relative error of the fit "
        f"{cost['fit_max_rel_error']:.0%}.",
    ]
    (out / f"{args.stem}.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
