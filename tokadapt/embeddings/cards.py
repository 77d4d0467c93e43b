"""Files that make an adapted checkpoint self-describing: a model card (``README.md``) and, for
sentence encoders, the ``sentence-transformers`` configuration.

Called by the writers of adapted checkpoints (``init-embeddings`` / ``adapt``) on their output
directory before it is published. The sentence-transformers files use the long-standing layout
that every sentence-transformers release since 2.x reads (``modules.json``: Transformer → mean
Pooling → Normalize), so ``SentenceTransformer(dir)`` gives mean-pooled, L2-normalized
embeddings — the mean over every attended token, ``<s>``/``</s>`` included, which is tokadapt's
``mean-all`` pooling (the pooling ``align``'s ``distill`` recipe trains; ``tokadapt retrieval``'s
default ``mean`` leaves the special tokens out) — and e5 models get their ``query: `` /
``passage: `` prompts.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tokadapt import __version__

#: heads that make a checkpoint something other than a plain sentence encoder
_HEADS = ("ForMaskedLM", "ForCausalLM", "ForSequenceClassification", "LMHead", "ForPreTraining")
_NO_SCORES = "none recorded at adaptation time (measure with tokadapt retrieval / bli)"
E5_PROMPTS = {"query": "query: ", "passage": "passage: "}


def is_sentence_encoder(config: dict[str, Any]) -> bool:
    """An encoder without a task head (BertModel, XLMRobertaModel …), like the e5 export."""
    archs = config.get("architectures") or []
    return bool(archs) and all(a.endswith("Model") and not a.endswith(_HEADS) for a in archs)


def base_name(model_dir: Path) -> str:
    """What the base model is: the export's source (tokadapt models export-e5) or the dir."""
    export = model_dir / "tokadapt_export.json"
    if export.is_file():
        return str(json.loads(export.read_text(encoding="utf-8")).get("source", model_dir))
    return str(model_dir)


def _dump(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def write_sentence_transformers(out: Path, config: dict[str, Any], prompts: bool) -> list[str]:
    """modules.json, sentence_bert_config.json, 1_Pooling (mean), 2_Normalize and
    config_sentence_transformers.json (e5 prompts when ``prompts``)."""
    parts = (("", "Transformer"), ("1_Pooling", "Pooling"), ("2_Normalize", "Normalize"))
    modules = [
        {"idx": i, "name": str(i), "path": path, "type": f"sentence_transformers.models.{kind}"}
        for i, (path, kind) in enumerate(parts)
    ]
    _dump(out / "modules.json", modules)
    max_len = int(config.get("max_position_embeddings", 514))
    max_len -= 2 if config.get("model_type") == "xlm-roberta" or max_len == 514 else 0
    _dump(out / "sentence_bert_config.json", {"max_seq_length": max_len, "do_lower_case": False})
    pooling = dict.fromkeys(
        ("cls_token", "max_tokens", "mean_sqrt_len_tokens", "weightedmean_tokens", "lasttoken"),
        False,
    )
    pooling_cfg: dict[str, Any] = {f"pooling_mode_{k}": v for k, v in pooling.items()}
    pooling_cfg.update(
        word_embedding_dimension=int(config["hidden_size"]),
        pooling_mode_mean_tokens=True,
        include_prompt=True,
    )
    _dump(out / "1_Pooling" / "config.json", pooling_cfg)
    (out / "2_Normalize").mkdir(exist_ok=True)
    st_config = {
        "prompts": E5_PROMPTS if prompts else {},
        "default_prompt_name": None,
        "similarity_fn_name": "cosine",
    }
    _dump(out / "config_sentence_transformers.json", st_config)
    return [
        "modules.json", "sentence_bert_config.json", "1_Pooling/config.json",
        "2_Normalize/", "config_sentence_transformers.json",
    ]  # fmt: skip


def _card(report: dict[str, Any], manifest: dict[str, Any], base: str, st: bool) -> str:
    from tokadapt.eval.signature import signature

    counts = manifest.get("counts", {})
    fields = {k: report.get(k) for k in ("strategy", "seed")}
    sig = signature(
        "init", {**fields, "mode": manifest.get("mode"), "family": manifest.get("family")}
    )
    strategy = ", ".join(f"{k} {v:,}" for k, v in sorted(report.get("counts", {}).items()))
    lines = [
        "---", "library_name: transformers", "tags:", "- tokadapt", "- transliteration",
        *(["- sentence-transformers"] if st else []), "---", "",
        f"# {Path(str(report.get('model', 'model'))).name} + romanized vocabulary (tokadapt)", "",
        f"Adapted with tokadapt {__version__} (TransMI-style transliterate-merge).", "",
        f"- **Base model:** {base}",
        f"- **Tokenizer change:** {manifest.get('family')} tokenizer, "
        f"{report.get('base_vocab_size', 0):,} → "
        f"{report.get('base_vocab_size', 0) + report.get('new_pieces', 0):,} pieces: "
        f"{report.get('new_pieces', 0):,} romanized pieces appended (old ids unchanged; "
        f"{counts.get('collisions', 0):,} collisions merged by {manifest.get('mode')}).",
        f"- **Romanizer:** `{manifest.get('romanizer', {}).get('signature', 'translit')}`",
        f"- **Embedding initialization:** {report.get('strategy')} ({strategy}); embedding rows "
        f"{report.get('rows_before', 0):,} → {report.get('rows_after', 0):,}.",
        f"- **Scores:** {report.get('scores') or _NO_SCORES}",
        f"- **Signature:** `{sig}`", "",
        "```python", "from transformers import AutoModel, AutoTokenizer",
        'model = AutoModel.from_pretrained("PATH")', 'tok = AutoTokenizer.from_pretrained("PATH")',
        *(["", "from sentence_transformers import SentenceTransformer",
           'enc = SentenceTransformer("PATH")  # mean pooling + L2 normalization',
           'enc.encode(["query: ..."])'] if st else []),
        "```", "",
    ]  # fmt: skip
    return "\n".join(lines)


def write_model_files(
    out: Path, *, report: dict[str, Any], manifest: Any, config: dict[str, Any], model_dir: Path
) -> list[str]:
    """README.md (model card) and, for sentence encoders, the sentence-transformers files.
    ``manifest``: the :class:`tokadapt.vocab.manifest.Manifest` of the extended tokenizer."""
    info = {k: getattr(manifest, k) for k in ("family", "mode", "counts", "romanizer")}
    base = base_name(model_dir)
    st = is_sentence_encoder(config) and not (model_dir / "modules.json").is_file()
    written = write_sentence_transformers(out, config, "e5" in base.lower()) if st else []
    (out / "README.md").write_text(_card(report, info, base, st), encoding="utf-8")
    return ["README.md", *written]
