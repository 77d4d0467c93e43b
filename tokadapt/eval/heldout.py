"""Top-1 retrieval on held-apart parallel sets (:class:`tokadapt.data.heldout.HeldOut`)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from tokadapt.data.heldout import HeldOut


def retrieval(
    model_dir: Path, sets: Sequence[HeldOut], layer: int = -1, pooling: str = "mean"
) -> dict[str, Any]:
    """Top-1 (cosine, both directions averaged) per set: ``rom`` (original ↔ romanized) and,
    with English, ``en`` (original ↔ English) and ``rom_en`` (romanized ↔ English)."""
    from tokadapt.eval.encode import encode_texts, load_encoder
    from tokadapt.eval.retrieval import top_k_accuracy

    model, tok = load_encoder(model_dir, device="cpu")

    def both(a: Any, b: Any) -> float:
        return (top_k_accuracy(a, b, ks=(1,))["top1"] + top_k_accuracy(b, a, ks=(1,))["top1"]) / 2

    out: dict[str, Any] = {}
    for s in sets:
        enc = {
            k: encode_texts(model, tok, v, layer=layer, pooling=pooling, batch_size=64)
            for k, v in (("o", s.texts), ("r", s.romanized), ("e", s.english or []))
            if v
        }
        row = {"n": len(s.texts), "rom": round(both(enc["o"], enc["r"]), 4)}
        if "e" in enc:
            row["en"] = round(both(enc["o"], enc["e"]), 4)
            row["rom_en"] = round(both(enc["r"], enc["e"]), 4)
        out[s.name] = row
    return out
