"""The report's align before/after table shows the columns the demo results carry."""

from __future__ import annotations

from tokadapt.report.demo_sections import _before_after


def test_three_columns_with_romanized_to_english() -> None:
    before = {"ru": {"n": 60, "rom": 0.5, "rom_en": 0.25, "en": 0.75}}
    after = {"ru": {"n": 60, "rom": 0.75, "rom_en": 0.5, "en": 0.75}}
    html = _before_after(before, after)
    assert "romanized ↔ English" in html and "25.0 → 50.0" in html
    assert html.index("original ↔ romanized") < html.index("romanized ↔ English")
    assert html.index("romanized ↔ English") < html.index("English ↔ original")


def test_older_results_without_the_column() -> None:
    row = {"n": 60, "rom": 0.5, "en": 0.75}
    html = _before_after({"ru": row}, {"ru": row})
    assert "romanized ↔ English" not in html and "English ↔ original" in html
