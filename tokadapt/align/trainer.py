"""The alignment training loop: plain PyTorch, ``torchrun``-ready.

Why not the HF ``Trainer``: exact resumption needs the data position and every rank's RNG in
the checkpoint, the TCM loss needs a collective inside the forward, and the loop below is short.
It gives DDP (launched by ``torchrun``; a plain ``python`` run is one process), bf16/fp16
autocast over fp32 master weights (fp16 with a grad scaler), fused AdamW on CUDA, gradient
accumulation (negatives come from each global micro-batch), linear warmup then linear decay,
gradient clipping, length-bucketed batches from text files or streamed shards
(:mod:`tokadapt.align.feeds`), a pinned-memory prefetching DataLoader that romanizes in its
workers, ``torch.compile`` with a fallback and gradient checkpointing as options
(:mod:`tokadapt.align.accel`), no host synchronisation inside the step loop (loss parts stay on
the device and are read every ``log_every`` steps with tokens/s, model FLOPs and MFU:
:mod:`tokadapt.align.meter`), atomic checkpoints, a tqdm bar, ``metrics.jsonl``, an optional
per-step sample log, and periodic retrieval evaluation; the final model is written with
``save_pretrained`` (plus the tokenizer) so ``AutoModel.from_pretrained(OUT)`` loads it.
The run writes into ``OUT.partial`` and is published as ``OUT`` only when it finished
(:mod:`tokadapt.align.rundir`): a killed run never touches a previous ``OUT``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import logging
import math
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import torch
from torch.nn.parallel import DistributedDataParallel
from torch.utils.data import DataLoader

from tokadapt import progress
from tokadapt.align import (
    accel,
    checkpoint,
    distributed,
    feeds,
    flops,
    holdout,
    pivot,
    ready,
    resume,
    rundir,
)
from tokadapt.align import teacher as teacher_mod
from tokadapt.align.bucketing import resolve_groups
from tokadapt.align.config import AlignConfig, auto_eval_every, resolve_recipe
from tokadapt.align.evaluate import EvalSet, evaluate
from tokadapt.align.meter import FlopModel, StepMeter
from tokadapt.align.model import AlignModel, Loaded, load
from tokadapt.align.optim import build_optimizer
from tokadapt.align.pairs import PairStream
from tokadapt.align.selection import Selector
from tokadapt.align.shards import ShardSource
from tokadapt.align.sources import Source
from tokadapt.errors import ConfigError, InputFileError

log = logging.getLogger(__name__)
EARLY_STOP_WHY = "the early stop unless dev improves"  # the progress line's ETA horizon


class Trainer:
    """One alignment run. ``run()`` trains to ``cfg.steps`` and returns a summary dict."""

    def __init__(
        self,
        cfg: AlignConfig,
        model_dir: str | Path | Loaded,
        sources: Sequence[Source | ShardSource],
        out_dir: str | Path,
        *,
        eval_sets: Sequence[EvalSet] = (),
        resume: bool | str | Path = False,
        overwrite: bool = False,
        show_progress: bool | None = None,
        tokenizer_dir: str | Path | None = None,
        device: str | None = None,
    ) -> None:
        self.cfg = cfg.validate()
        self.out = Path(out_dir)
        self.device = torch.device(device or ("cuda" if torch.cuda.is_available() else "cpu"))
        self.dist = distributed.init_from_env(self.device.type)
        if self.device.type == "cuda" and device is None:
            self.device = torch.device("cuda", self.dist.local_rank)
        if cfg.batch_size * self.dist.world_size < 2:
            raise ConfigError(
                "batch size 1 gives TCM no negatives (each sequence's only other "
                "candidate is its own pair); use --batch-size 2 or more"
            )
        self.work = self.out  # where the run writes until it is published (see rundir)
        self.resume_from = self._resume_path(resume, overwrite)
        sources = [feeds.with_columns(s, cfg) for s in sources]
        self.counts = [s.count() for s in sources]  # fail on bad input before loading
        loaded = (
            model_dir if isinstance(model_dir, Loaded) else load(model_dir, cfg.mlm, tokenizer_dir)
        )
        cfg, self.choice = resolve_recipe(cfg, loaded.has_mlm_head)
        self.use_mlm = loaded.has_mlm_head and cfg.mlm != "off"
        precision, precision_note = accel.resolve_precision(cfg.precision, self.device)
        cache_size, cache_note = teacher_mod.resolve_cache(cfg.teacher_cache, self.device)
        groups, groups_note = resolve_groups(cfg.length_groups, self.device)
        cfg = dataclasses.replace(
            cfg, precision=precision, teacher_cache=cache_size, length_groups=groups
        )
        if max(cfg.teacher_weights) <= 0:
            cache_note = ""  # no term reads a teacher
        if self.use_mlm and max(cfg.teacher_weights) <= 0:
            groups_note = ""  # MLM reads every token: pairs run as one forward, no pivot/teacher
        held = holdout.auto_dev(cfg, sources, bool(eval_sets), self.counts)  # none given: hold out
        sources, eval_sets = held.sources, list(eval_sets) or held.sets
        self.held_out = held.lines
        cfg, pivots = pivot.auto_pivot(cfg, sources)
        self.sources: list[Any] = list(sources)
        if cfg.sentence_split:
            self.sources = [feeds.sentence_split(s) for s in sources]
        if cfg.sentence_split or held.sets:
            self.counts = [s.count() for s in self.sources]
        cfg, every = auto_eval_every(cfg, bool(eval_sets), sum(self.counts), self.dist.world_size)
        notes = (held.note, every, pivots, precision_note, cache_note, groups_note)
        self.choice += "".join(f"; {note}" for note in notes if note)
        self.cfg = cfg
        log.info("align: %s", self.choice)
        if self.dist.is_main:  # said before the run, not only in its summary
            progress.say("align", self.choice)
        self.tokenizer = loaded.tokenizer
        torch.manual_seed(cfg.seed)
        self.module = AlignModel(
            loaded.model, cfg, self.use_mlm, self.tokenizer, pivot_exclude=held.keys
        ).to(self.device)
        accel.fp32_attention([self.module.hf_model, self.module.teacher], self.device, precision)
        if cfg.freeze_embeddings:  # the (tied) word embeddings: the bulk of an XLM-R model
            self.module.hf_model.get_input_embeddings().weight.requires_grad_(False)
        if cfg.grad_checkpointing:
            accel.enable_checkpointing(self.module.hf_model)
        self.compiled = False
        self.meter = StepMeter(self._flop_model(), accel.peak_for(self.device, cfg.precision,
                                                                   cfg.peak_flops))  # fmt: skip
        self.optimizer, self.scheduler = build_optimizer(self.module, cfg, self.device)
        self.scaler = torch.amp.GradScaler(self.device.type, enabled=cfg.precision == "fp16")
        self.eval_sets = list(eval_sets)
        self.show_progress = show_progress  # None: bar on a terminal, log lines otherwise
        self.step, self.chunk = 0, 0
        self.history: list[dict[str, Any]] = []
        self.selector = Selector(cfg.keep_best, cfg.patience)
        self.last_scores: dict[str, float] = {}

    # -- setup ---------------------------------------------------------------------------------
    def _resume_path(self, resume: bool | str | Path, overwrite: bool) -> Path | None:
        """Stage the run in ``OUT.partial`` (published at the end: :mod:`tokadapt.align.rundir`)."""
        self.work = rundir.staging_path(self.out)
        if self.dist.is_main:
            rundir.prepare(self.out, resume, overwrite)
        distributed.barrier()
        if resume is False or resume is None:
            return None
        path = checkpoint.latest(self.work / "checkpoints") if resume is True else Path(resume)
        if not path.is_dir():
            raise InputFileError(f"--resume: checkpoint directory {path} does not exist")
        return path

    def _restore(self, path: Path) -> None:
        resume.restore(self, path)

    def _flop_model(self) -> FlopModel:
        module = self.module
        used = None if self.use_mlm else module.layer  # TCM-only runs stop at the TCM layer
        teacher = flops.encoder_shape(module.teacher) if module.teacher is not None else None
        head = None
        if self.use_mlm:
            conf = module.hf_model.config
            head = (int(conf.hidden_size), int(conf.vocab_size))
        cache = module.target_cache
        rows = cache.drain if cache is not None else None
        return FlopModel(flops.encoder_shape(module.encoder, used), teacher, head, rows)

    def make_loader(self) -> Iterator[dict[str, Any]]:
        cfg = self.cfg
        stream = PairStream(
            self.sources,
            self.tokenizer,
            batch_size=cfg.batch_size,
            max_length=cfg.max_length,
            seed=cfg.seed,
            shuffle_buffer=cfg.shuffle_buffer,
            mlm_probability=cfg.mlm_probability if self.use_mlm else None,
            rank=self.dist.rank,
            world_size=self.dist.world_size,
            start_chunk=self.chunk,
            counts=self.counts,
            pad_to_multiple_of=8 if self.device.type == "cuda" else None,
            schemes=cfg.scheme,
            rom_max_length=(cfg.rom_max_length or None) if cfg.sentence_split else None,
            bucket_window=cfg.bucket_window,
        )
        loader = DataLoader(
            stream,
            batch_size=None,
            num_workers=cfg.num_workers,
            pin_memory=self.device.type == "cuda",
            prefetch_factor=4 if cfg.num_workers else None,
            generator=torch.Generator().manual_seed(cfg.seed),
        )
        return iter(loader)

    # -- one optimizer step ----------------------------------------------------------------------
    def train_step(self, model: Any, batches: Iterator[dict[str, Any]]) -> None:
        """One optimizer update over ``grad_accum`` micro-batches. Nothing here waits for the
        device (no ``.item()``, no host copies): the loss parts go to :attr:`meter`."""
        cfg = self.cfg
        autocast = ready.autocast(self.device, cfg.precision)
        for micro in range(cfg.grad_accum):
            raw = next(batches)
            batch = {
                k: v.to(self.device, non_blocking=True)
                for k, v in raw.items()
                if isinstance(v, torch.Tensor)
            }
            sync = micro == cfg.grad_accum - 1 or not isinstance(model, DistributedDataParallel)
            with contextlib.nullcontext() if sync else model.no_sync():
                with autocast:
                    parts = model(batch)
                self.scaler.scale(parts["loss"] / cfg.grad_accum).backward()
            self.meter.add(parts, raw, 1.0 / cfg.grad_accum)
            self._log_samples(raw)
            self.chunk = int(raw["chunk"]) + 1
        self.scaler.unscale_(self.optimizer)
        norm = torch.nn.utils.clip_grad_norm_(self.module.parameters(), cfg.max_grad_norm)
        self.scaler.step(self.optimizer)
        self.scaler.update()
        self.scheduler.step()
        self.optimizer.zero_grad(set_to_none=True)
        self.step += 1
        self.meter.end_step(norm)

    def _record(self) -> dict[str, Any]:
        """Read the meter (the one synchronisation, every ``log_every`` steps)."""
        record: dict[str, Any] = self.meter.read()
        record.update(
            lr=self.scheduler.get_last_lr()[0], temperature=self.module.tcm.temperature.item()
        )
        if not math.isfinite(record["loss"]):
            raise ConfigError(
                f"loss became {record['loss']} by step {self.step}; lower --lr "
                "or use bf16/fp32 instead of fp16"
            )
        return {"event": "train", "step": self.step, **record}

    def _log_samples(self, raw: dict[str, Any]) -> None:
        if not self.cfg.log_samples:
            return
        self.work.mkdir(parents=True, exist_ok=True)
        line = {"step": self.step + 1, "chunk": int(raw["chunk"]), "ids": list(raw["ids"])}
        with (self.work / f"samples.rank{self.dist.rank}.jsonl").open("a") as handle:
            handle.write(json.dumps(line) + "\n")

    # -- bookkeeping ---------------------------------------------------------------------------
    def _log(self, record: dict[str, Any]) -> None:
        self.history.append(record)
        if self.dist.is_main:
            self.work.mkdir(parents=True, exist_ok=True)
            with (self.work / "metrics.jsonl").open("a", encoding="utf-8") as handle:
                handle.write(json.dumps(record, sort_keys=True) + "\n")

    def _evaluate(self) -> dict[str, float]:
        scores: dict[str, float] = {}
        if self.eval_sets and self.dist.is_main:
            length = max(self.cfg.max_length, self.cfg.rom_max_length)
            scores = evaluate(self.module, self.tokenizer, self.eval_sets, length)
            self._log({"event": "eval", "step": self.step, **scores})
        distributed.barrier()
        return scores

    def _select(self, scores: dict[str, float]) -> bool:
        """Offer an evaluation to the keep-best selector; True when training should stop."""
        stop = self.selector.offer(self.step, scores, self.module.hf_model)
        if distributed.is_active():  # only rank 0 evaluates: every rank follows its decision
            flag = torch.tensor([int(stop)], device=self.device)
            torch.distributed.broadcast(flag, 0)
            stop = bool(flag.item())
        self.last_scores = scores
        if self.selector.improved:
            self._log({"event": "best", "step": self.step, "select": self.selector.best_score})
        if stop:
            self._log({"event": "early_stop", "step": self.step, "best": self.selector.best_step})
        return stop

    def stop_by(self) -> int | None:
        """The step at which early stopping ends the run unless dev improves first (None:
        no early stopping, or no evaluation yet); the progress ETA is given to it."""
        sel, every = self.selector, self.cfg.eval_every
        if not (self.eval_sets and every and sel.patience > 0 and sel.last_step >= 0):
            return None
        return sel.last_step + (sel.patience - sel.stale) * every

    def _save_checkpoint(self) -> None:
        resume.save(self)

    def _save_final(self) -> None:
        if self.dist.is_main:
            from tokadapt.align.export import save_final

            save_final(
                self.module.hf_model,
                self.tokenizer,
                self.work,
                {
                    "config": self.cfg.to_dict(),
                    "steps": self.step,
                    "mlm": self.use_mlm,
                    "temperature": self.module.tcm.temperature.item(),
                },
            )
            rundir.publish(self.work, self.out)
        distributed.barrier()

    # -- main ----------------------------------------------------------------------------------
    def prepare(self) -> Any:
        """The model the step loop calls (:func:`tokadapt.align.ready.prepare`)."""
        model, self.compiled = ready.prepare(
            self.module, self.optimizer, self.tokenizer, self.device, self.cfg
        )
        return model

    def run(self) -> dict[str, Any]:
        cfg = self.cfg
        if self.resume_from is not None:
            self._restore(self.resume_from)
            self._log({"event": "resume", "step": self.step, "chunk": self.chunk})
        self._log({"event": "config", "step": self.step, "choice": self.choice})
        before = self._evaluate() if self.step == 0 else {}
        if self.eval_sets and self.step == 0:  # every rank: _select broadcasts rank 0's verdict
            self._select(before)
        model = self.prepare()
        batches = self.make_loader()
        bar = _progress(cfg.steps, self.step, self.show_progress if self.dist.is_main else False)
        bar.set_horizon(self.stop_by(), EARLY_STOP_WHY)
        start, first = time.perf_counter(), self.step
        stop = False
        self.meter.restart()
        while self.step < cfg.steps:
            self.train_step(model, batches)
            bar.update(1)
            if self.step % max(cfg.log_every, 1) == 0 or self.step in (first + 1, cfg.steps):
                record = self._record()
                self._log(record)
                bar.set_postfix(loss=f"{record['loss']:.3f}", tcm=f"{record['tcm']:.3f}")
            paused = time.perf_counter()
            if cfg.eval_every and self.step % cfg.eval_every == 0 and self.step < cfg.steps:
                stop = self._select(self._evaluate())
                bar.set_horizon(self.stop_by(), EARLY_STOP_WHY)
            if cfg.save_every and self.step % cfg.save_every == 0:
                self._save_checkpoint()
            self.meter.exclude(time.perf_counter() - paused)
            if stop:
                break
        bar.close()
        seconds = time.perf_counter() - start
        if stop:  # evaluated at this very step already (the same decision on every rank)
            after = self.last_scores
        else:
            after = self._evaluate()
            if self.eval_sets:
                self._select(after)
        if self.selector.restore(self.module.hf_model):
            log.info("keep-best: restored step %d (dev score %.4f)", *self.selector.best)
            after = self.selector.best_scores
            self._log({"event": "restored", "step": self.selector.best_step, **after})
        self._save_final()
        train = [h for h in self.history if h.get("event") == "train"]
        cache = self.module.target_cache
        return {
            "steps": self.step,
            "steps_this_run": self.step - first,
            "seconds": seconds,
            "mlm": self.use_mlm,
            "precision": self.cfg.precision,
            "length_groups": self.cfg.length_groups,
            "teacher_cache": None
            if cache is None
            else {"sentences": len(cache), "hits": cache.hits, "misses": cache.misses},
            "recipe": self.choice,
            "best_step": self.selector.best_step,
            "held_out_dev": self.held_out,
            "stopped_early": stop,
            "eval_before": before,
            "eval_after": after,
            "first_loss": train[0]["loss"] if train else None,
            "last_loss": train[-1]["loss"] if train else None,
            "compiled": self.compiled,
            "tokens_per_s": train[-1]["tokens_per_s"] if train else None,
            "mfu": train[-1].get("mfu") if train else None,
            "out": str(self.out),
        }


def _progress(total: int, initial: int, enabled: bool | None) -> Any:
    """tqdm on a terminal, timestamped lines every ~10 s under a pipe (tokadapt.progress)."""
    return progress.progress(total, "align", "step", initial=initial, enabled=enabled)
