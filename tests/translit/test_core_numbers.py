"""Numbers in the native engine against uroman: digits, decimals, CJK/Ethiopic numeral grammar,
fractions, percentages, signs, separators, and the cases where uroman itself crashes."""

from __future__ import annotations

import pytest
from core_support import engine, reference, reference_string

NUMBERS = [
    "2024",
    "007",
    "3.14159",
    "1.2.3",
    "1,000.50",
    "一百二十三",
    "一千零一",
    "一万零五百",
    "十一五",
    "两万三千",
    "三点一四",
    "零五",
    "1.5万",
    "0.5百万",
    "2.5兆",
    "0.000001万",
    "3.14159265358979万",
    "百分之五",
    "百分之百",
    "三分之一",
    "十分之三",
    "负五",
    "½",
    "3½",
    "½3",
    "①②",
    "٣٤٥",
    "۱۲۳۴",
    "१९४७",
    "፲፱፻፸",
    "ⅩⅫ",
    "𐍁",
    "12345678901234567890123456789012345678901234567890百",
    "99999999999999999999999999999999999999999百五",
    "123456789012345678901234567890123456789.5万",
    "9999999999999999999999999999999999999999999999",
]


@pytest.mark.parametrize("text", NUMBERS)
def test_numbers_match_uroman(native: str, text: str) -> None:
    assert engine().romanize(text, "") == reference_string(text), text


@pytest.mark.parametrize("text", ["百分之", "三分之", "五分之", "百分之x"])
def test_fraction_connector_without_number_is_left_uncombined(native: str, text: str) -> None:
    """uroman raises AttributeError when 分之 is not followed by a number; translit then simply
    does not combine the connector, i.e. gives uroman's result without the fraction rule."""
    ref = reference()
    with pytest.raises(AttributeError):
        ref.romanize_string(text)
    saved = ref.fraction_connectors
    ref.fraction_connectors = {}
    try:
        expected = ref.romanize_string(text)
    finally:
        ref.fraction_connectors = saved
    assert engine().romanize(text, "") == expected
