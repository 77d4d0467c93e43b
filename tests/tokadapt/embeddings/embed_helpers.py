"""Builders for embedding tests: hand-made extended tokenizers and tiny masked-LM checkpoints."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from tokadapt.vocab.manifest import Manifest, NewPiece

NewSpec = tuple[str, list[int], list[float]]


def write_extended_tokenizer(
    base_dir: Path, out: Path, new: list[NewSpec], mode: str = "max"
) -> Manifest:
    """Append ``new`` (piece, sources, source scores) to ``base_dir``'s Unigram vocabulary."""
    out.mkdir(parents=True, exist_ok=True)
    data: dict[str, Any] = json.loads((base_dir / "tokenizer.json").read_text(encoding="utf-8"))
    vocab = data["model"]["vocab"]
    base = len(vocab)
    pieces = []
    for offset, (piece, sources, scores) in enumerate(new):
        if not scores:
            merged = -20.0
        else:
            merged = {"max": max, "min": min}.get(mode, lambda s: sum(s) / len(s))(scores)
        vocab.append([piece, merged])
        pieces.append(NewPiece(base + offset, piece, sources, scores, merged))
    (out / "tokenizer.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    for name in ("tokenizer_config.json", "special_tokens_map.json"):
        if (base_dir / name).is_file():
            shutil.copyfile(base_dir / name, out / name)
    manifest = Manifest(
        family="unigram",
        mode=mode,
        base_vocab_size=base,  # type: ignore[arg-type]
        new_pieces=pieces,
    )
    manifest.save(out)
    return manifest


TINY_PIECES = [
    "▁",
    *"abcdefghijklmnopqrstuvwxyz",
    "▁a",
    "▁b",
    "▁ka",
    "▁ma",
    "▁ta",
    "ta",
    "ka",
    "ma",
    "▁кот",
    "кот",
    "к",
    "о",
    "т",
    "▁дом",
    "д",
    "м",
    "ом",
]


def write_tiny_tokenizer(out: Path) -> int:
    """A small real Unigram ``tokenizer.json`` (XLM-R layout: specials, pieces, ``<mask>``)."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors

    vocab = [("<s>", 0.0), ("<pad>", 0.0), ("</s>", 0.0), ("<unk>", 0.0)]
    vocab += [(p, -2.0 - 0.1 * i) for i, p in enumerate(TINY_PIECES)] + [("<mask>", 0.0)]
    tok = Tokenizer(models.Unigram(vocab, unk_id=3, byte_fallback=False))
    tok.pre_tokenizer = pre_tokenizers.Metaspace()
    tok.decoder = decoders.Metaspace()
    tok.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>", special_tokens=[("<s>", 0), ("</s>", 2)]
    )
    tok.add_special_tokens(["<s>", "<pad>", "</s>", "<unk>", "<mask>"])
    out.mkdir(parents=True, exist_ok=True)
    tok.save(str(out / "tokenizer.json"))
    return len(vocab)


def save_tiny_mlm(
    out: Path,
    *,
    extra_rows: int = 3,
    tie: bool = True,
    fmt: str = "safetensors",
    dtype: str = "float32",
    seed: int = 0,
) -> Path:
    """A random ``XLMRobertaForMaskedLM`` built from a config, with the tiny tokenizer; the
    embedding has ``extra_rows`` unused padding rows (like e5's 250,037 rows)."""
    import torch
    from transformers import XLMRobertaConfig, XLMRobertaForMaskedLM

    n = write_tiny_tokenizer(out)
    config = XLMRobertaConfig(
        vocab_size=n + extra_rows,
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=40,
        tie_word_embeddings=tie,
    )
    torch.manual_seed(seed)
    model = XLMRobertaForMaskedLM(config).eval()
    with torch.no_grad():  # a non-zero MLM bias, so that its treatment is visible
        model.lm_head.bias.copy_(torch.randn_like(model.lm_head.bias))
        if not tie:
            model.lm_head.decoder.weight.copy_(torch.randn_like(model.lm_head.decoder.weight))
    model = model.to(getattr(torch, dtype))
    if fmt == "bin":  # the legacy format (transformers 5 only writes safetensors)
        model.config.save_pretrained(out)
        torch.save(model.state_dict(), out / "pytorch_model.bin")
    elif fmt == "bin-sharded":  # legacy sharded: two .bin files and their index
        model.config.save_pretrained(out)
        state = model.state_dict()
        names = list(state)
        weight_map = {}
        for k, part in enumerate((names[: len(names) // 2], names[len(names) // 2 :])):
            file_name = f"pytorch_model-0000{k + 1}-of-00002.bin"
            torch.save({n: state[n] for n in part}, out / file_name)
            weight_map.update(dict.fromkeys(part, file_name))
        index = {"metadata": {}, "weight_map": weight_map}
        (out / "pytorch_model.bin.index.json").write_text(json.dumps(index))
    else:
        model.save_pretrained(out, **({"max_shard_size": "20KB"} if fmt == "sharded" else {}))
    return out
