"""Tiny random causal LMs (Llama / Qwen2 layouts) with a byte-level BPE tokenizer of their own."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from babel import Locale
from tokenizers import Regex, Tokenizer, decoders, models, pre_tokenizers, trainers

SPECIALS = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
SPLIT = r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s+"
CHAT = (
    "{% for m in messages %}<|im_start|>{{ m['role'] }}\n{{ m['content'] }}<|im_end|>\n"
    "{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)


def texts() -> list[str]:
    out: list[str] = []
    for loc in ("ru", "el", "en", "uk"):
        out += sorted(Locale.parse(loc).territories.values())
    return out


def write_tokenizer(out: Path, max_length: int = 64) -> int:
    """Qwen2-like: specials after the model vocabulary; returns the number of ids."""
    tok = Tokenizer(models.BPE(ignore_merges=True))
    tok.pre_tokenizer = pre_tokenizers.Sequence(
        [
            pre_tokenizers.Split(Regex(SPLIT), behavior="isolated"),
            pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False),
        ]
    )
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=700, initial_alphabet=pre_tokenizers.ByteLevel.alphabet()
    )
    tok.train_from_iterator(texts(), trainer)
    tok.add_special_tokens(SPECIALS)
    out.mkdir(parents=True, exist_ok=True)
    tok.save(str(out / "tokenizer.json"))
    config = {
        "tokenizer_class": "PreTrainedTokenizerFast",
        "model_max_length": max_length,
        "eos_token": "<|im_end|>",
        "pad_token": "<|endoftext|>",
        "chat_template": CHAT,
    }
    (out / "tokenizer_config.json").write_text(json.dumps(config))
    return int(tok.get_vocab_size(with_added_tokens=True))


def save_causal_lm(out: Path, arch: str = "llama", tied: bool = True, pad_rows: int = 0) -> Path:
    """A random 2-layer model with ``pad_rows`` embedding rows beyond the tokenizer."""
    import torch
    import transformers

    ids = write_tokenizer(out)
    eos = ids - 1
    kwargs: dict[str, Any] = dict(
        vocab_size=ids + pad_rows,
        hidden_size=32,
        intermediate_size=64,
        num_hidden_layers=2,
        num_attention_heads=4,
        num_key_value_heads=2,
        max_position_embeddings=64,
        tie_word_embeddings=tied,
        bos_token_id=ids - 2,
        eos_token_id=eos,
        pad_token_id=ids - 3,
    )
    config_cls = {"llama": transformers.LlamaConfig, "qwen2": transformers.Qwen2Config}[arch]
    torch.manual_seed(0)
    model = transformers.AutoModelForCausalLM.from_config(config_cls(**kwargs))
    model.generation_config.eos_token_id = eos
    model.save_pretrained(str(out))
    return out


def old_id_logits(model: Any, ids: Any, n: int) -> Any:
    """Logits of ids ``[0, n)`` from the final hidden state and the first ``n`` output rows.

    (The full ``model(ids).logits`` of a model with more rows is one GEMM of another shape,
    whose BLAS blocking may differ in the last bit; the rows and states are what must match.)
    """
    import torch

    with torch.no_grad():
        hidden = model.model(ids).last_hidden_state
        return torch.nn.functional.linear(hidden, model.get_output_embeddings().weight[:n])
