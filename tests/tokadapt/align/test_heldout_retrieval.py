"""Held-apart retrieval (the align demo's table): each column compares the sides it names."""

from __future__ import annotations

from pathlib import Path

from tokadapt.data.heldout import HeldOut
from tokadapt.eval.heldout import retrieval

TEXTS = ["Франция", "Германия", "Испания", "Италия", "Греция"]
ROMS = ["Frantsiya", "Germaniya", "Ispaniya", "Italiya", "Gretsiya"]


def test_romanized_to_english_compares_romanized_with_english(tiny_encoder_dir: Path) -> None:
    sets = [
        HeldOut("as-rom", TEXTS, ROMS, english=list(ROMS)),  # English == the romanized side
        HeldOut("as-orig", TEXTS, ROMS, english=list(TEXTS)),  # English == the original side
        HeldOut("none", TEXTS, ROMS),
    ]
    out = retrieval(tiny_encoder_dir, sets)
    assert out["as-rom"]["rom_en"] == 1.0  # identical texts find each other
    assert out["as-rom"]["en"] == out["as-rom"]["rom"]  # orig<->English is then orig<->rom
    assert out["as-orig"]["en"] == 1.0
    assert out["as-orig"]["rom_en"] == out["as-orig"]["rom"]
    assert set(out["none"]) == {"n", "rom"}
    assert out["none"]["rom"] < 1.0  # a random model: the columns above are not all 1.0 anyway
