"""Every printed score's signature carries the romanizer's verified data version and hash."""

from __future__ import annotations

import translit
from tokadapt.eval.signature import signature


def test_signature_always_carries_the_romanizer() -> None:
    sig = signature("bli", {"src": "en", "k": 10, "norm": ("unit", "center")}, lang="rus")
    assert sig.startswith("bli|src:en|k:10|norm:unit,center|translit:")
    assert f"|uroman-data:1.3.1.1+{translit.data_hash()}|lcode:rus|" in sig
    assert "|tokadapt:" in sig and "|numpy:" in sig


def test_signature_without_a_language() -> None:
    assert "|lcode:-|" in signature("quality", {"n": 3})
