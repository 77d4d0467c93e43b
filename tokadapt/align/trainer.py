"""The alignment training loop: plain PyTorch, ``torchrun``-ready.

Why not the HF ``Trainer``: exact resumption needs the data position and every rank's RNG in
the checkpoint, the TCM loss needs a collective inside the forward, and the loop below is short.
It gives DDP (launched by ``torchrun``; a plain ``python`` run is one process), bf16/fp16
autocast (fp16 with a grad scaler), gradient accumulation (negatives come from each global
micro-batch), linear warmup then linear decay, gradient clipping, atomic checkpoints, a tqdm
bar, ``metrics.jsonl`` and periodic retrieval evaluation; the final model is written with
``save_pretrained`` (plus the tokenizer) so ``AutoModel.from_pretrained(OUT)`` loads it.
The run writes into ``OUT.partial`` and is published as ``OUT`` only when it finished
(:mod:`tokadapt.align.rundir`): a killed run never touches a previous ``OUT``.
"""

from __future__ import annotations

import contextlib
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

from tokadapt.align import checkpoint, distributed, rundir
from tokadapt.align.config import AlignConfig, resolve_recipe
from tokadapt.align.evaluate import EvalSet, evaluate
from tokadapt.align.model import AlignModel, load
from tokadapt.align.optim import build_optimizer
from tokadapt.align.pairs import PairStream
from tokadapt.align.selection import Selector
from tokadapt.align.sources import SentenceSplit, Source
from tokadapt.errors import ConfigError, InputFileError

log = logging.getLogger(__name__)
_DTYPES = {"bf16": torch.bfloat16, "fp16": torch.float16}
_FREE_ON_RESUME = {
    "steps",
    "log_every",
    "eval_every",
    "save_every",
    "keep_checkpoints",
    "num_workers",
    "eval_max_sentences",
    "compile",
}


class Trainer:
    """One alignment run. ``run()`` trains to ``cfg.steps`` and returns a summary dict."""

    def __init__(
        self,
        cfg: AlignConfig,
        model_dir: str | Path,
        sources: Sequence[Source],
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
        self.counts = [s.count() for s in sources]  # fail on bad input before loading
        loaded = load(model_dir, cfg.mlm, tokenizer_dir)
        cfg, self.choice = resolve_recipe(cfg, loaded.has_mlm_head)
        self.cfg = cfg
        log.info("align: %s", self.choice)
        self.sources: list[Source] = list(sources)
        if cfg.sentence_split:
            self.sources = [
                s if isinstance(s, SentenceSplit) else SentenceSplit(s) for s in sources
            ]
            self.counts = [s.count() for s in self.sources]
        self.tokenizer, self.use_mlm = loaded.tokenizer, loaded.has_mlm_head and cfg.mlm != "off"
        torch.manual_seed(cfg.seed)
        self.module = AlignModel(loaded.model, cfg, self.use_mlm, self.tokenizer).to(self.device)
        if cfg.freeze_embeddings:  # the (tied) word embeddings: the bulk of an XLM-R model
            self.module.hf_model.get_input_embeddings().weight.requires_grad_(False)
        if cfg.compile:
            log.info("torch.compile: %d modules", self.module.compile_blocks())
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
        ck = checkpoint.load(path)
        state = ck["state"]
        if (
            state.get("world_size") != self.dist.world_size
            or state.get("batch_size") != self.cfg.batch_size
        ):
            raise ConfigError(
                f"checkpoint {path} was written with world size "
                f"{state.get('world_size')} and batch size "
                f"{state.get('batch_size')}; resume with the same values "
                f"(now {self.dist.world_size} and {self.cfg.batch_size})"
            )
        saved = state.get("config", {})
        changed = sorted(
            k
            for k, v in self.cfg.to_dict().items()
            if k not in _FREE_ON_RESUME and saved.get(k, v) != v
        )
        if changed:
            log.warning(
                "resuming %s with changed settings %s: the run will not match an uninterrupted one",
                path,
                {k: (saved[k], getattr(self.cfg, k)) for k in changed},
            )
        checkpoint.load_module_state(self.module, ck["model"])
        best = checkpoint.load_extra(path, "best")
        self.selector.load_state(state.get("selector"), best, self.module.hf_model)
        self.optimizer.load_state_dict(ck["optim"]["optimizer"])
        self.scheduler.load_state_dict(ck["optim"]["scheduler"])
        self.scaler.load_state_dict(ck["optim"]["scaler"])
        checkpoint.set_rng_state(ck["rng"][self.dist.rank])
        self.step, self.chunk = int(state["step"]), int(state["chunk"])
        log.info("resumed from %s at step %d (data chunk %d)", path, self.step, self.chunk)

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
    def train_step(self, model: Any, batches: Iterator[dict[str, Any]]) -> dict[str, Any]:
        """One optimizer update over ``grad_accum`` micro-batches; values stay on the device."""
        cfg = self.cfg
        sums: dict[str, Any] = {"pairs": 0, "dropped": 0}
        autocast = torch.autocast(
            self.device.type, dtype=_DTYPES.get(cfg.precision), enabled=cfg.precision in _DTYPES
        )
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
            for key, value in parts.items():
                sums[key] = sums.get(key, 0.0) + value.detach() / cfg.grad_accum
            sums["pairs"] += raw["pairs"]
            sums["dropped"] += raw["dropped"]
            self.chunk = int(raw["chunk"]) + 1
        self.scaler.unscale_(self.optimizer)
        sums["grad_norm"] = torch.nn.utils.clip_grad_norm_(
            self.module.parameters(), cfg.max_grad_norm
        )
        self.scaler.step(self.optimizer)
        self.scaler.update()
        self.scheduler.step()
        self.optimizer.zero_grad(set_to_none=True)
        self.step += 1
        return sums

    def _record(self, sums: dict[str, Any]) -> dict[str, Any]:
        record = {k: float(v) for k, v in sums.items()}
        record.update(
            lr=self.scheduler.get_last_lr()[0], temperature=self.module.tcm.temperature.item()
        )
        if not math.isfinite(record["loss"]):
            raise ConfigError(
                f"loss became {record['loss']} at step {self.step}; lower --lr "
                "or use bf16/fp32 instead of fp16"
            )
        return {"event": "train", "step": self.step, **record}

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

    def _save_checkpoint(self) -> None:
        rngs = [checkpoint.rng_state()]
        if distributed.is_active():
            rngs = [None] * self.dist.world_size  # type: ignore[list-item]
            torch.distributed.all_gather_object(rngs, checkpoint.rng_state())
        if self.dist.is_main:
            optim = {
                "optimizer": self.optimizer.state_dict(),
                "scheduler": self.scheduler.state_dict(),
                "scaler": self.scaler.state_dict(),
            }
            state = {
                "chunk": self.chunk,
                "world_size": self.dist.world_size,
                "batch_size": self.cfg.batch_size,
                "config": self.cfg.to_dict(),
                "selector": self.selector.to_json(),
            }
            best = self.selector.weights_to_save(self.module.hf_model)
            checkpoint.save(
                self.work / "checkpoints",
                self.step,
                module=self.module,
                optim=optim,
                rng_states=rngs,
                state=state,
                keep=self.cfg.keep_checkpoints,
                extra={"best": best},
            )
        distributed.barrier()

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

    def _freeze_unreachable(self) -> None:
        """Stop training parameters the loss cannot reach (pooler, layers above an early exit).

        DDP requires every trainable parameter to get a gradient. A dry forward/backward in eval
        mode (no dropout, so no RNG is consumed) finds those that do not; AdamW would skip them
        anyway, so a single process trains exactly the same parameters.
        """
        enc = self.tokenizer(
            ["ab cd", "ef", "gh ij", "kl"],
            padding=True,
            return_special_tokens_mask=True,
            return_tensors="pt",
        )
        batch = {k: v.to(self.device) for k, v in enc.items() if k != "token_type_ids"}
        labels = batch["input_ids"].masked_fill(batch["special_tokens_mask"].bool(), -100)
        self.module.eval()
        self.module({**batch, "labels": labels})["loss"].backward()
        frozen = [
            n for n, p in self.module.named_parameters() if p.requires_grad and p.grad is None
        ]
        for name, param in self.module.named_parameters():
            if name in frozen:
                param.requires_grad_(False)
        self.optimizer.zero_grad(set_to_none=True)
        self.module.zero_grad(set_to_none=True)
        if frozen:
            log.info("parameters the loss does not reach (not trained): %s", frozen)

    # -- main ----------------------------------------------------------------------------------
    def run(self) -> dict[str, Any]:
        cfg = self.cfg
        if self.resume_from is not None:
            self._restore(self.resume_from)
            self._log({"event": "resume", "step": self.step, "chunk": self.chunk})
        self._log({"event": "config", "step": self.step, "choice": self.choice})
        before = self._evaluate() if self.step == 0 else {}
        if self.eval_sets and self.step == 0:  # every rank: _select broadcasts rank 0's verdict
            self._select(before)
        model: Any = self.module
        if distributed.is_active():
            self._freeze_unreachable()
            ids = [self.device.index] if self.device.type == "cuda" else None
            model = DistributedDataParallel(self.module, device_ids=ids)
        self.module.train()
        batches = self.make_loader()
        bar = _progress(cfg.steps, self.step, self.show_progress if self.dist.is_main else False)
        start, first = time.perf_counter(), self.step
        stop = False
        while self.step < cfg.steps:
            stats = self.train_step(model, batches)
            bar.update(1)
            if self.step % max(cfg.log_every, 1) == 0 or self.step in (first + 1, cfg.steps):
                record = self._record(stats)
                self._log(record)
                bar.set_postfix(loss=f"{record['loss']:.3f}", tcm=f"{record['tcm']:.3f}")
            if cfg.eval_every and self.step % cfg.eval_every == 0 and self.step < cfg.steps:
                stop = self._select(self._evaluate())
            if cfg.save_every and self.step % cfg.save_every == 0:
                self._save_checkpoint()
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
        return {
            "steps": self.step,
            "steps_this_run": self.step - first,
            "seconds": seconds,
            "mlm": self.use_mlm,
            "recipe": self.choice,
            "best_step": self.selector.best_step,
            "stopped_early": stop,
            "eval_before": before,
            "eval_after": after,
            "first_loss": train[0]["loss"] if train else None,
            "last_loss": train[-1]["loss"] if train else None,
            "out": str(self.out),
        }


def _progress(total: int, initial: int, enabled: bool | None) -> Any:
    """tqdm on a terminal, timestamped lines every ~10 s under a pipe (tokadapt.progress)."""
    from tokadapt.progress import progress

    return progress(total, "align", "step", initial=initial, enabled=enabled)
