import pytest

from extractors.numbers import clean, number_value


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("700 million", 700_000_000),
        ("1.5B", 1_500_000_000),
        ("$20M", 20_000_000),
        ("US$1.5 billion", 1_500_000_000),
        ("€600m", 600_000_000),
        ("0.7bn", 700_000_000),
        ("128K", 128_000),
        ("1,200", 1200),
        ("eight", 8),
        ("thirty million", 30_000_000),
        ("a billion", 1_000_000_000),
        ("two-thirds", 0.667),
        ("half", 0.5),
    ],
)
def test_number_values(text, value):
    assert clean(number_value(text)) == value


def test_unknown_words_are_not_numbers():
    assert number_value("lots") is None
    assert number_value("12 widgets") is None


def test_clean_keeps_integers_integral():
    assert clean(700_000_000.0) == 700_000_000 and isinstance(clean(7e8), int)
    assert clean(0.6666666) == 0.666667


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("forty-two million", 42_000_000),
        ("three hundred thousand", 300_000),
        ("one hundred and twenty-eight thousand", 128_000),
        ("two and a half million", 2_500_000),
        ("half a million", 500_000),
        ("a hundred million", 100_000_000),
    ],
)
def test_compound_number_words(text, value):
    assert clean(number_value(text)) == value
