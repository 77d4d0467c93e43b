"""Configuration of a script-alignment run, its presets and config files.

The presets name the loss:

* ``transliCo`` — the TransliCo paper's configuration: hidden states of layer 8, mean pooling
  over non-special tokens, raw dot products at temperature 1, TCM weight 0.5, MLM on both the
  original and the romanized side (when the checkpoint has an MLM head).
* ``cosine`` — L2-normalized vectors, temperature 0.05 (``learnable_temperature`` makes it a
  trained parameter initialised at 0.05), otherwise the same.
* ``sentence`` — last round's recipe for sentence encoders: the last layer, mean pooling,
  cosine TCM at 0.05 plus cosine distillation towards a frozen copy of the starting model
  (``keep_weight``: original-script vectors stay; ``distill_weight``: romanized vectors move to
  the teacher's vector of the original), frozen word embeddings, sentence splitting, keep-best.
* ``distill`` — multilingual knowledge distillation (Reimers & Gurevych 2020) for sentence
  encoders read through their output (multilingual-e5): with ``T`` the frozen teacher, MSE of
  ``student(romanized)`` to ``T(original)``, of ``student(original)`` to ``T(original)`` and of
  ``student(pivot)`` to ``T(pivot)`` for pivot-language (English) sentences
  (:mod:`tokadapt.align.pivot`): the pivot term keeps English where it was, which the
  original-side term cannot (romanized text shares every Latin piece with English). Weights:
  keep and pivot 100, romanized 1 (the keep terms start at 0 and only grow with drift), plus a
  small cosine TCM term (0.1), which raised every dev score of the TransMI-adapted e5 (see
  ``benchmarks/results/align_sentences_notes.md``). Parallel training lines
  (``text<TAB>translation``) add ``translation_weight`` (10) times the MSE of
  ``student(romanized)`` to ``T(translation)``: romanized text straight onto the teacher's
  English, Reimers & Gurevych's own objective; the weight was chosen on the dev sections
  (1, 10, 100), never on test sections. The same lines also pull ``student(original)`` to
  ``T(translation)`` (``original_translation_weight``, 100): without it alignment moves
  romanized text onto its original, which costs a script whose romanization the model reads
  better than its original (Amharic); chosen on fold 0's dev sections (0, 10, 100) as the
  weight that leaves no language's dev romanized->English below its start. The teacher is the
  starting model or ``teacher`` (``tokadapt adapt --align`` uses the model before extension,
  with its own tokenizer). The student trains without dropout (``dropout`` False): with dropout
  the keep terms' MSE starts at the dropout noise (as large as the drift they must prevent).

Without a preset or a config file (``recipe="auto"``) the trainer chooses by model kind: a
checkpoint with an MLM head gets ``transliCo`` (TCM + MLM), an encoder without one gets
``distill``; settings given explicitly win, and the choice is logged (:func:`resolve_recipe`).

Encoder-only checkpoints (no MLM head, e.g. multilingual-e5) train without MLM: a freshly
initialised head would have to be trained from scratch and would pull the encoder towards an
untrained decoder; see :mod:`tokadapt.align.model`.
"""

from __future__ import annotations

import dataclasses
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from tokadapt.errors import ConfigError, InputFileError

Pooling = Literal["mean", "mean-all", "cls"]
Similarity = Literal["dot", "cosine"]
DistillMetric = Literal["mse", "cosine"]
Precision = Literal["auto", "fp32", "bf16", "fp16"]
MlmMode = Literal["auto", "on", "off"]
POOLINGS: tuple[Pooling, ...] = ("mean", "mean-all", "cls")
SIMILARITIES: tuple[Similarity, ...] = ("dot", "cosine")
PRECISIONS: tuple[Precision, ...] = ("auto", "fp32", "bf16", "fp16")
MLM_MODES: tuple[MlmMode, ...] = ("auto", "on", "off")
DISTILL_METRICS: tuple[DistillMetric, ...] = ("mse", "cosine")

PRESETS: dict[str, dict[str, Any]] = {
    "transliCo": {
        "layer": 8,
        "pooling": "mean",
        "similarity": "dot",
        "temperature": 1.0,
        "learnable_temperature": False,
        "tcm_weight": 0.5,
        "mlm": "auto",
    },
    "cosine": {
        "layer": 8,
        "pooling": "mean",
        "similarity": "cosine",
        "temperature": 0.05,
        "learnable_temperature": False,
        "tcm_weight": 0.5,
        "mlm": "auto",
    },
    "sentence": {
        "layer": -1,
        "pooling": "mean",
        "similarity": "cosine",
        "temperature": 0.05,
        "learnable_temperature": False,
        "tcm_weight": 1.0,
        "keep_weight": 10.0,
        "distill_weight": 10.0,
        "mlm": "off",
        "lr": 5e-5,
        "sentence_split": True,
        "max_length": 128,
        "rom_max_length": 256,
        "freeze_embeddings": True,
        "keep_best": True,
    },
    "distill": {
        "layer": -1,
        "pooling": "mean-all",  # how e5 / sentence-transformers users pool (specials included)
        "similarity": "cosine",
        "temperature": 0.05,
        "learnable_temperature": False,
        "tcm_weight": 0.1,
        "keep_weight": 100.0,
        "distill_weight": 1.0,
        "pivot_weight": 100.0,
        "translation_weight": 10.0,  # dev: 1 / 10 / 100 (notes of issue #13)
        "original_translation_weight": 100.0,  # dev: 0 / 10 / 100 (notes of issue #13)
        "distill_metric": "mse",
        "dropout": False,
        "mlm": "off",
        "lr": 1e-4,  # dev (3 folds): 5e-5 -> 1e-4 keeps dev in 24 % fewer steps (#13 notes)
        "sentence_split": True,
        "max_length": 128,
        "rom_max_length": 256,
        "freeze_embeddings": True,
        "keep_best": True,
        "patience": 3,  # early stop: 3 dev evaluations without a better step
    },
}
#: what ``recipe="auto"`` picks per model kind
AUTO_RECIPES = {"mlm": "transliCo", "encoder": "distill"}


@dataclass
class AlignConfig:
    """Every setting of ``tokadapt align``; defaults are the ``transliCo`` preset."""

    # loss
    layer: int = 8
    pooling: Pooling = "mean"
    similarity: Similarity = "dot"
    temperature: float = 1.0
    learnable_temperature: bool = False
    tcm_weight: float = 0.5
    mlm: MlmMode = "auto"
    mlm_probability: float = 0.15
    keep_weight: float = 0.0
    distill_weight: float = 0.0
    #: keep pivot-language (English) sentences at the teacher's vectors (:mod:`.pivot`)
    pivot_weight: float = 0.0
    #: pull romanized sentences to the teacher's vector of their translation (training lines
    #: ``text<TAB>translation``; no effect on lines without one)
    translation_weight: float = 0.0
    #: the same pull for the original-script side: original sentences to the teacher's vector
    #: of their translation (0: off)
    original_translation_weight: float = 0.0
    distill_metric: DistillMetric = "cosine"
    #: False: the student trains without dropout (a distillation target is then exactly met
    #: at the start, and the keep terms see drift instead of dropout noise)
    dropout: bool = True
    #: pivot sentence files (one per line; a ``text<TAB>translation`` line gives its last
    #: column); empty: the built-in English sample
    pivot: list[str] = field(default_factory=list)
    pivot_batch_size: int = 0  # 0: the pair batch size
    #: the frozen teacher's checkpoint directory (its own tokenizer); empty: the starting model
    teacher: str = ""
    #: sentences whose teacher vectors are kept after their first batch (the frozen teacher's
    #: vector of a sentence never changes, so repeated sentences skip its forward); 0: off;
    #: -1 (auto): 100000 on CPU, off on CUDA (:func:`tokadapt.align.teacher.resolve_cache`)
    teacher_cache: int = -1
    #: a batch's rows run as at most this many forwards of similar length, each trimmed to its
    #: widest row (:func:`tokadapt.align.bucketing.length_groups`); 0 or 1: one forward padded
    #: to the batch's widest row; -1 (auto): 8 on CPU, 1 on CUDA
    #: (:func:`tokadapt.align.bucketing.resolve_groups`). MLM runs always use one forward.
    length_groups: int = -1
    # optimisation
    steps: int = 1000
    batch_size: int = 32
    grad_accum: int = 1
    lr: float = 2e-5
    weight_decay: float = 0.01
    warmup_steps: int = 0
    max_grad_norm: float = 1.0
    #: ``auto``: bf16 autocast where the device computes bf16 natively (a CUDA GPU with bf16, a
    #: CPU with AMX-BF16 or AVX512-BF16), fp32 elsewhere (:func:`tokadapt.align.accel.
    #: resolve_precision`); master weights and the optimizer stay fp32 in every mode
    precision: Precision = "auto"
    compile: bool = False
    freeze_embeddings: bool = False
    # data
    max_length: int = 128
    rom_max_length: int = 0
    sentence_split: bool = False
    shuffle_buffer: int = 10000
    num_workers: int = 0
    seed: int = 0
    #: romanization scheme(s) of the pairs (``uroman``, ``icu:iso9`` …, or several joined by
    #: commas: one is sampled per pair as augmentation)
    scheme: str = "uroman"
    # data layout and step loop (tokadapt.align.trainer)
    bucket_window: int = 50  # global batches per length-sorted window; 0: stream order
    text_column: str = "text"  # shard columns (--train DIR / *.parquet)
    lang_column: str = ""
    rom_column: str = ""  # precomputed romanization (romanize-corpus output): no on-the-fly
    translation_column: str = ""  # each row's translation (the distill recipe's translation term)
    grad_checkpointing: bool = False
    peak_flops: float = 0.0  # device peak FLOP/s for MFU; 0: looked up by device name
    log_samples: bool = False  # write samples.rank<R>.jsonl: the sample ids of every step
    # bookkeeping
    log_every: int = 10
    eval_every: int = 0
    save_every: int = 500
    keep_checkpoints: int = 2
    eval_max_sentences: int = 1000
    keep_best: bool = False
    patience: int = 0
    #: with keep-best and no dev set given: the share of each training text file's lines held
    #: out as its dev set (tokadapt.align.holdout); 0: none
    dev_fraction: float = 0.1
    # which preset the values came from ("auto": chosen by model kind at load time)
    recipe: str = "transliCo"
    explicit: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def teacher_weights(self) -> tuple[float, float, float, float, float]:
        """The weights of the terms that read the frozen teacher: keep, distill, pivot,
        translation, original-side translation."""
        return (
            self.keep_weight,
            self.distill_weight,
            self.pivot_weight,
            self.translation_weight,
            self.original_translation_weight,
        )

    def validate(self) -> AlignConfig:
        """Raise :class:`ConfigError` naming the first bad value and how to fix it."""
        _choice("pooling", self.pooling, POOLINGS)
        _choice("similarity", self.similarity, SIMILARITIES)
        _choice("precision", self.precision, PRECISIONS)
        _choice("mlm", self.mlm, MLM_MODES)
        _choice("distill_metric", self.distill_metric, DISTILL_METRICS)
        for name in ("steps", "batch_size", "grad_accum", "max_length", "shuffle_buffer"):
            if int(getattr(self, name)) < 1:
                raise ConfigError(f"{name} must be >= 1, got {getattr(self, name)}")
        for name in (
            "warmup_steps",
            "num_workers",
            "log_every",
            "eval_every",
            "save_every",
            "patience",
            "rom_max_length",
            "bucket_window",
            "pivot_batch_size",
        ):
            if int(getattr(self, name)) < 0:
                raise ConfigError(f"{name} must be >= 0, got {getattr(self, name)}")
        if self.teacher_cache < -1:
            raise ConfigError(
                f"teacher_cache must be >= 0, or -1 for auto; got {self.teacher_cache}"
            )
        if self.length_groups < -1:
            raise ConfigError(
                f"length_groups must be >= 0, or -1 for auto; got {self.length_groups}"
            )
        if self.peak_flops < 0 or not self.text_column:
            raise ConfigError(
                f"need peak_flops >= 0 and a text_column; got {self.peak_flops}, "
                f"{self.text_column!r}"
            )
        if not 0 <= self.dev_fraction <= 0.5:
            raise ConfigError(f"dev_fraction must be in [0, 0.5], got {self.dev_fraction}")
        if not self.temperature > 0:
            raise ConfigError(f"temperature must be > 0, got {self.temperature}")
        weights = self.teacher_weights
        if min(weights) < 0:
            raise ConfigError(
                f"keep_weight, distill_weight, pivot_weight, translation_weight and "
                f"original_translation_weight must be >= 0; got {', '.join(map(str, weights))}"
            )
        if self.tcm_weight < 0 or self.lr <= 0 or not 0 < self.mlm_probability < 1:
            raise ConfigError(
                f"need tcm_weight >= 0, lr > 0 and 0 < mlm_probability < 1; got tcm_weight="
                f"{self.tcm_weight}, lr={self.lr}, mlm_probability={self.mlm_probability}"
            )
        _check_scheme(self.scheme)
        if self.max_length < 3:
            raise ConfigError(
                f"max_length must leave room for text between special tokens "
                f"(>= 3), got {self.max_length}"
            )
        return self

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def _check_scheme(scheme: str) -> None:
    from translit.errors import TranslitError
    from translit.schemes import make_romanizer, parse_schemes

    try:
        for spec in parse_schemes(scheme):
            make_romanizer(spec)
    except TranslitError as exc:
        raise ConfigError(f"scheme: {exc}") from exc


def _choice(name: str, value: object, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise ConfigError(f"{name} must be one of {', '.join(allowed)}; got {value!r}")


def make_config(
    preset: str | None = None, config_file: str | Path | None = None, **overrides: Any
) -> AlignConfig:
    """Build a config: preset, then the JSON config file, then explicit (non-None) overrides."""
    values: dict[str, Any] = {"recipe": "auto"}
    if preset is not None:
        if preset not in PRESETS:
            raise ConfigError(f"unknown preset {preset!r}; choose one of {', '.join(PRESETS)}")
        values.update(PRESETS[preset], recipe=preset)
    if config_file is not None:
        values.update(read_config_file(config_file))
    given = {k: v for k, v in overrides.items() if v is not None}
    values.update(given)
    values["explicit"] = sorted(set(values.get("explicit", [])) | set(given))
    known = {f.name for f in dataclasses.fields(AlignConfig)}
    unknown = sorted(set(values) - known)
    if unknown:
        raise ConfigError(f"unknown config keys {unknown}; allowed keys: {sorted(known)}")
    return AlignConfig(**values).validate()


def read_config_file(path: str | Path) -> dict[str, Any]:
    """Read a JSON object of config keys (a ``preset`` key applies that preset first)."""
    file = Path(path)
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise InputFileError(f"config file {file} does not exist") from exc
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputFileError(f"config file {file} is not valid UTF-8 JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise InputFileError(
            f"config file {file} must hold a JSON object, got {type(data).__name__}"
        )
    preset = data.pop("preset", None)
    if preset is not None:
        if preset not in PRESETS:
            raise ConfigError(
                f"{file}: unknown preset {preset!r}; choose one of {', '.join(PRESETS)}"
            )
        data = {**PRESETS[preset], "recipe": preset, **data}
    elif "recipe" not in data:
        data["explicit"] = sorted(data)  # no preset: every key of the file is explicit
    return data


def resolve_recipe(cfg: AlignConfig, has_mlm_head: bool) -> tuple[AlignConfig, str]:
    """Fill an ``auto`` config from the preset of the model kind; explicit values win.

    Returns the config and one line saying what was chosen and why (the trainer logs it)."""
    kind = "mlm" if has_mlm_head else "encoder"
    if cfg.recipe != "auto":
        return cfg, f"recipe {cfg.recipe!r} (given); model kind: {kind}"
    name = AUTO_RECIPES[kind]
    chosen = {k: v for k, v in PRESETS[name].items() if k not in cfg.explicit}
    why = (
        "checkpoint has an MLM head: TCM + MLM (TransliCo)"
        if has_mlm_head
        else "encoder without MLM head, read through its output as sentence-transformers and the "
        "e5 card read it: last layer, mean over every attended token (mean-all), "
        "MSE distillation to the frozen teacher of romanized and original sentences to the "
        "teacher's original, of romanized and original sentences to the teacher's translation "
        "where the training lines carry one, and of pivot (English) sentences to the teacher's "
        "pivot, small TCM"
    )
    resolved = dataclasses.replace(cfg, **chosen, recipe=name).validate()
    overridden = sorted(set(PRESETS[name]) & set(cfg.explicit))
    return resolved, f"recipe {name!r} chosen automatically ({why}); explicit: {overridden}"


def auto_eval_every(
    cfg: AlignConfig, has_eval: bool, pairs: int | None = None, world_size: int = 1
) -> tuple[AlignConfig, str]:
    """Keep-best needs dev evaluations *during* training: with dev sets, keep-best on and no
    ``eval_every`` given, evaluate about every two epochs of the ``pairs`` training pairs
    (``ceil(2 * pairs / pairs per step)``), and at least ten times per run (at most
    ``steps // 10``; that alone without ``pairs``). Patience then counts in epochs on a small
    corpus, and in tenths of the run on a large one. Returns the config and a note for the
    recipe line ("" when nothing was chosen)."""
    if not (has_eval and cfg.keep_best) or cfg.eval_every or "eval_every" in cfg.explicit:
        return cfg, ""
    tenth = max(1, cfg.steps // 10)
    per_step = cfg.batch_size * cfg.grad_accum * max(1, world_size)
    if pairs:
        every = min(tenth, max(1, math.ceil(2 * pairs / per_step)))
        why = (
            f"about two epochs of {pairs} pairs at {per_step} per step"
            if every < tenth
            else f"steps // 10; an epoch is {math.ceil(pairs / per_step)} steps"
        )
    else:
        every, why = tenth, "steps // 10"
    note = f"dev evaluation every {every} steps ({why}; --eval-every to change)"
    return dataclasses.replace(cfg, eval_every=every), note
