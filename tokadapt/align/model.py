"""Load a Hugging Face encoder for alignment and compute TCM (+ MLM) losses in one forward.

Masked-LM checkpoints (``*ForMaskedLM`` with head weights: XLM-R, Glot500, TransMI-adapted
checkpoints) train TCM + MLM on both sides (``MLM(original) + MLM(romanized)``, as TransliCo).
The head is applied only at the masked positions (the vocabulary projection is the largest
matrix of these models), which gives the same loss as scoring every position.

Encoder-only checkpoints (``BertModel``/``XLMRobertaModel`` without head weights, e.g.
multilingual-e5) train **TCM only**. We decided against a freshly initialised tied head: its
random transform layer would start the MLM loss near ``log |V|`` and its gradients would, for
the whole short run, mostly push the encoder towards an untrained decoder — the opposite of
keeping the model's knowledge. ``mlm="on"`` on such a checkpoint is a :class:`ConfigError`.

Distillation (any of ``AlignConfig.teacher_weights`` > 0) keeps a frozen teacher
(not a submodule, so it is neither trained nor checkpointed): a copy of the starting model, or
``cfg.teacher`` (another checkpoint with its own tokenizer: the original sentences are decoded
and re-tokenized for it). With ``t`` the teacher's pooled vector of the original sentence and
``o``/``r`` the student's vectors of the original/romanized sentence, the loss adds
``keep_weight * D(o, t) + distill_weight * D(r, t)``, and with pivot sentences ``p``
(:mod:`tokadapt.align.pivot`) ``pivot_weight * D(student(p), teacher(p))``; for training pairs
with a translation ``e`` (``text<TAB>translation`` lines, :mod:`tokadapt.align.pairs`)
``translation_weight * D(r, teacher(e)) + original_translation_weight * D(o, teacher(e))``: both
scripts straight onto the teacher's English, the objective of Reimers & Gurevych's multilingual
distillation (``teacher(e)`` is computed once for both). ``D`` is the
``distill_metric`` (MSE or cosine distance, :func:`tokadapt.align.loss.distill_loss`).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
import torch.nn.functional as nnf
from torch import nn

from tokadapt.align import pivot
from tokadapt.align import teacher as teacher_mod
from tokadapt.align.bucketing import resolve_groups
from tokadapt.align.config import AlignConfig
from tokadapt.align.loss import TCMHead, distill_loss, pool, pool_by_length
from tokadapt.align.pivot import PivotSet
from tokadapt.errors import ConfigError, InputFileError
from tokadapt.io.loading import reading

log = logging.getLogger(__name__)
_HEAD_ATTRS = ("lm_head", "cls")


@dataclass
class Loaded:
    model: Any  # the Hugging Face model that is trained and saved
    tokenizer: Any
    has_mlm_head: bool


def _read_config(model_dir: Path) -> dict[str, Any]:
    if not model_dir.is_dir():
        raise InputFileError(f"model directory {model_dir} does not exist")
    cfg = model_dir / "config.json"
    if not cfg.is_file():
        raise InputFileError(
            f"{model_dir} has no config.json; give a Hugging Face checkpoint "
            "directory (save_pretrained output)"
        )
    try:
        data: dict[str, Any] = json.loads(cfg.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise InputFileError(f"{cfg} is not valid JSON: {exc}") from exc
    return data


def load(
    model_dir: str | Path, mlm: str = "auto", tokenizer_dir: str | Path | None = None
) -> Loaded:
    """Load model + tokenizer; use the MLM head when the checkpoint has one (see module doc)."""
    from transformers import AutoModel, AutoModelForMaskedLM, AutoTokenizer

    path = Path(model_dir)
    archs = _read_config(path).get("architectures") or []
    has_head = False
    model: Any = None
    if mlm != "off" and any(a.endswith("ForMaskedLM") for a in archs):
        with reading(path, "model"):
            model, info = AutoModelForMaskedLM.from_pretrained(path, output_loading_info=True)
        missing = [k for k in info.get("missing_keys", []) if k.split(".")[0] in _HEAD_ATTRS]
        has_head = not missing and _head(model) is not None
        if not has_head:
            log.warning("%s: MLM head weights missing (%s); training TCM only", path, missing[:3])
            model = model.base_model
    if model is None:
        with reading(path, "model"):
            model = AutoModel.from_pretrained(path)
    if mlm == "on" and not has_head:
        raise ConfigError(
            f"mlm='on' but {path} has no MLM head (architectures {archs}); use "
            "mlm='auto' or 'off' to train TCM only on an encoder-only model"
        )
    try:
        tokenizer = AutoTokenizer.from_pretrained(Path(tokenizer_dir or path))
    except Exception as exc:  # tokenizers raises bare Exception for a corrupt tokenizer.json
        raise InputFileError(
            f"no tokenizer could be loaded from {tokenizer_dir or path}: {exc}; "
            "save the tokenizer next to the model or pass --tokenizer"
        ) from exc
    return Loaded(model, tokenizer, has_head)


def _head(model: nn.Module) -> nn.Module | None:
    for attr in _HEAD_ATTRS:
        head = getattr(model, attr, None)
        if isinstance(head, nn.Module):
            return head
    return None


def check_layer(model: Any, layer: int) -> int:
    """Resolve ``layer`` (0 = embeddings, L = last; negatives count from the end) or raise."""
    n = int(model.config.num_hidden_layers)
    resolved = layer if layer >= 0 else n + 1 + layer
    if not 0 <= resolved <= n:
        raise ConfigError(
            f"layer {layer} does not exist: the model has {n} layers (hidden "
            f"states 0..{n}, 0 = embeddings); choose --layer between {-n - 1} "
            f"and {n}"
        )
    return resolved


class _Stop(Exception):  # noqa: N818 - control flow, not an error
    def __init__(self, hidden: torch.Tensor) -> None:
        super().__init__()
        self.hidden = hidden


def _stop_hook(module: nn.Module, args: Any, kwargs: Any) -> None:
    raise _Stop(args[0] if args else kwargs["hidden_states"])


def _blocks(encoder: Any) -> nn.ModuleList | None:
    blocks = getattr(getattr(encoder, "encoder", None), "layer", None)
    return blocks if isinstance(blocks, nn.ModuleList) else None


def _next_block(encoder: Any, layer: int) -> nn.Module | None:
    """The block whose *input* is ``hidden_states[layer]`` (None if ``layer`` is the last)."""
    blocks = _blocks(encoder)
    if blocks is None or not 0 <= layer < len(blocks):
        return None
    return blocks[layer]


class AlignModel(nn.Module):
    """Wraps the HF model with the TCM head; ``forward(batch)`` returns loss parts."""

    def __init__(
        self,
        hf_model: Any,
        cfg: AlignConfig,
        use_mlm: bool,
        tokenizer: Any = None,
        *,
        pivot_exclude: frozenset[str] = frozenset(),
    ) -> None:
        """``pivot_exclude``: sentences never used as pivots (the held-out dev lines)."""
        super().__init__()
        self.hf_model = hf_model
        self.layer = check_layer(hf_model, cfg.layer)
        self.pooling = cfg.pooling
        self.tcm_weight = cfg.tcm_weight
        self.use_mlm = use_mlm
        self.tcm = TCMHead(cfg.temperature, cfg.similarity, cfg.learnable_temperature)
        self.keep_weight, self.distill_weight = cfg.keep_weight, cfg.distill_weight
        self.pivot_weight, self.metric = cfg.pivot_weight, cfg.distill_metric
        self.translation_weight = cfg.translation_weight
        self.length_groups = cfg.length_groups  # -1: by the device of each call (AUTO_GROUPS)
        self.original_translation_weight = cfg.original_translation_weight
        self._teacher: list[Any] = []  # a list hides it from parameters() and state_dict()
        self._tokenizers: tuple[Any, Any] | None = None  # (student, teacher) when they differ
        self.teacher_max_length = max(cfg.max_length, cfg.rom_max_length)
        self.pivot: PivotSet | None = None
        if not cfg.dropout:
            for mod in hf_model.modules():
                if isinstance(mod, nn.Dropout):
                    mod.p = 0.0
        if max(cfg.teacher_weights) > 0:  # a term needs the frozen teacher
            frozen, self._tokenizers = teacher_mod.make(self.encoder, cfg, tokenizer)
            self._teacher.append(frozen)
        self.target_cache = teacher_mod.make_cache(cfg)
        if self.pivot_weight > 0:
            self.pivot = self._make_pivot(cfg, tokenizer, pivot_exclude)

    def _make_pivot(self, cfg: AlignConfig, tokenizer: Any, exclude: frozenset[str]) -> PivotSet:
        if tokenizer is None:
            raise ConfigError("pivot_weight > 0 needs the tokenizer (AlignModel(..., tokenizer))")
        teacher_tok = self._tokenizers[1] if self._tokenizers else tokenizer
        return pivot.build(
            pivot.read_pivot(cfg.pivot, exclude),
            tokenizer,
            self.teacher,
            teacher_tok,
            layer=check_layer(self.teacher, cfg.layer),
            pooling=cfg.pooling,
            max_length=cfg.max_length,
            batch_size=cfg.pivot_batch_size or cfg.batch_size,
            seed=cfg.seed,
        )

    @property
    def teacher(self) -> Any | None:
        return self._teacher[0] if self._teacher else None

    def _apply(self, fn: Any, *args: Any, **kwargs: Any) -> Any:  # .to()/.cuda() move it too
        for teacher in self._teacher:
            teacher._apply(fn, *args, **kwargs)
        return super()._apply(fn, *args, **kwargs)

    @property
    def encoder(self) -> Any:
        return self.hf_model.base_model if self.use_mlm else self.hf_model

    def _hidden(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> tuple[Any, Any]:
        """``(hidden_states[layer], last_hidden_state or None)``.

        TCM-only runs stop after the TCM layer: a forward pre-hook on the next block raises
        :class:`_Stop` with its input. The layers above cannot influence the loss, so they are
        skipped (that block is never compiled, so the hook runs eagerly).
        """
        block = _next_block(self.encoder, self.layer) if not self.use_mlm else None
        if block is None:
            out = self.encoder(
                input_ids=input_ids, attention_mask=attention_mask, output_hidden_states=True
            )
            return out.hidden_states[self.layer], out.last_hidden_state
        handle = block.register_forward_pre_hook(_stop_hook, with_kwargs=True)
        try:
            self.encoder(input_ids=input_ids, attention_mask=attention_mask)
        except _Stop as stop:
            return stop.hidden, None
        finally:
            handle.remove()
        raise RuntimeError("early-exit hook did not fire")  # pragma: no cover

    def embed(
        self, input_ids: torch.Tensor, attention_mask: torch.Tensor, special: torch.Tensor | None
    ) -> torch.Tensor:
        hidden, _ = self._hidden(input_ids, attention_mask)
        return pool(hidden, attention_mask, special, self.pooling)

    def pooled(
        self, input_ids: torch.Tensor, attention_mask: torch.Tensor, special: torch.Tensor | None
    ) -> torch.Tensor:
        """Each row's pooled vector at the TCM layer, through :func:`pool_by_length`."""
        return pool_by_length(
            lambda ids, mask: self._hidden(ids, mask)[0],
            input_ids,
            attention_mask,
            special,
            self.pooling,
            resolve_groups(self.length_groups, input_ids.device)[0],
        )

    def forward(self, batch: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        last: Any = None  # the last layer: read by the MLM head only
        if self.use_mlm:  # the MLM head reads every token of the last layer: one forward
            hidden, last = self._hidden(batch["input_ids"], batch["attention_mask"])
            vec = pool(hidden, batch["attention_mask"], batch["special_tokens_mask"], self.pooling)
        else:
            vec = self.pooled(
                batch["input_ids"], batch["attention_mask"], batch["special_tokens_mask"]
            )
        n = vec.shape[0] // 2
        tcm = self.tcm(vec[:n], vec[n:])
        parts = {"tcm": tcm}
        loss = self.tcm_weight * tcm
        if self.keep_weight > 0 or self.distill_weight > 0:
            target = teacher_mod.target(self, batch, n)
            parts["keep"] = distill_loss(vec[:n], target, self.metric)
            parts["distill"] = distill_loss(vec[n:], target, self.metric)
            loss = loss + self.keep_weight * parts["keep"] + self.distill_weight * parts["distill"]
        if self.translation_weight > 0 or self.original_translation_weight > 0:
            english = self._translation_target(batch)
            if self.translation_weight > 0:
                parts["translation"] = self._translation(vec[n:], english, batch)
                loss = loss + self.translation_weight * parts["translation"]
            if self.original_translation_weight > 0:
                parts["translation_orig"] = self._translation(vec[:n], english, batch)
                loss = loss + self.original_translation_weight * parts["translation_orig"]
        if self.pivot is not None:
            ids, mask, special, target = self.pivot.take()
            parts["pivot"] = distill_loss(self.pooled(ids, mask, special), target, self.metric)
            loss = loss + self.pivot_weight * parts["pivot"]
        if self.use_mlm and "labels" in batch:
            mlm = self._mlm(last[:n], batch["labels"][:n], batch.get("mlm_index_orig")) + self._mlm(
                last[n:], batch["labels"][n:], batch.get("mlm_index_rom")
            )
            parts["mlm"] = mlm
            loss = loss + mlm
        parts["loss"] = loss
        return parts

    def _translation_target(self, batch: dict[str, torch.Tensor]) -> torch.Tensor | None:
        """The teacher's vectors of the batch's translations (None: the batch has none)."""
        if "trans_index" not in batch:
            return None
        return teacher_mod.vectors(
            self, batch["trans_ids"], batch["trans_mask"], batch["trans_special"]
        )

    def _translation(
        self, side: torch.Tensor, target: torch.Tensor | None, batch: dict[str, torch.Tensor]
    ) -> torch.Tensor:
        """``D(student(side), teacher(translation))`` over the pairs that have a translation;
        0 (kept in the graph) for a batch without any."""
        if target is None:
            return side.sum() * 0.0
        return distill_loss(side.index_select(0, batch["trans_index"]), target, self.metric)

    def compiled_modules(self) -> list[nn.Module]:
        """The transformer blocks that run (all of them with MLM, those below the TCM layer
        without) and the MLM head: what regional compilation compiles (the Python glue, the
        early exit and the loss stay eager)."""
        blocks = list(_blocks(self.encoder) or [])
        if not self.use_mlm:
            blocks = blocks[: self.layer]
        head = _head(self.hf_model) if self.use_mlm else None
        return [*blocks, *([head] if head is not None else [])]

    def compile_blocks(self) -> int:
        """``torch.compile`` :meth:`compiled_modules` in place; returns how many."""
        mods = self.compiled_modules()
        for mod in mods:
            mod.compile()
        return len(mods)

    def _mlm(
        self, hidden: torch.Tensor, labels: torch.Tensor, index: torch.Tensor | None = None
    ) -> torch.Tensor:
        """Mean cross-entropy at the masked positions of one side (head applied there only).

        ``index``: the flat masked positions, chosen in the DataLoader (its length is known on
        the host, so nothing waits for the device; a boolean mask would)."""
        head = _head(self.hf_model)
        if head is None:
            raise ConfigError("MLM requested but the model has no MLM head")
        if index is not None:
            picked = head(hidden.flatten(0, 1).index_select(0, index))
            target = labels.flatten().index_select(0, index)
            total = nnf.cross_entropy(picked.float(), target, reduction="sum")
            return total / max(1, index.numel())
        chosen = labels != -100
        logits = head(hidden[chosen])
        total = nnf.cross_entropy(logits.float(), labels[chosen], reduction="sum")
        return total / chosen.sum().clamp_min(1)
