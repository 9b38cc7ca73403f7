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


def _spelled_forms() -> list[str]:
    from extractors.numbers import FRACTIONS, MAGNITUDES, WORD_NUMBERS

    forms = [*WORD_NUMBERS, *FRACTIONS, *(f"a {m}" for m in MAGNITUDES if len(m) > 1)]
    forms += [f"{w} {m}" for w in ("two", "forty-two", "half a") for m in MAGNITUDES]
    return [*forms, "three hundred thousand", "two and a half million", "Nineteen", "1.5B"]


@pytest.mark.parametrize("form", _spelled_forms())
def test_the_prefilter_sees_every_number_the_expressions_find(form):
    """The claim finder skips sentences MAY_HOLD_NUMBER finds nothing in: it must
    never miss a number the full expressions would read."""
    import re

    from extractors.numbers import FRACTION, MAY_HOLD_NUMBER, NUMBER

    text = f"Reportedly {form} of them, said the lab."
    found = [m.group() for m in re.finditer(rf"{FRACTION}|{NUMBER}", text, re.IGNORECASE)]
    assert found, form
    assert all(MAY_HOLD_NUMBER.search(number) for number in found), found


@pytest.mark.parametrize(
    "text", ["The model was released to everyone.", "Someone at the lab often tends to it."]
)
def test_the_prefilter_passes_over_text_without_numbers(text):
    from extractors.numbers import MAY_HOLD_NUMBER

    assert MAY_HOLD_NUMBER.search(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "It costs ~US$ 1.5B, or USD 20M, and a hundred million users, a  million more.",
        "a          million is far from its article; half a billion; two-thirds of 1,200.",
        "No numbers here at all, only words and commas, and more words.",
        "x" * 50 + " 7 " + "y" * 50 + " forty-two million times ~ 3x",
    ],
)
def test_number_matches_are_the_full_expression_s_matches(text):
    """The claim finder starts the number expression only near digits and number
    words; it must find exactly what scanning every character finds."""
    from extractors.claims import _NUM, _number_matches

    spans = [(m.start(), m.end()) for m in _number_matches(text, 0, len(text))]
    assert spans == [(m.start(), m.end()) for m in _NUM.finditer(text, 0, len(text))]


def test_number_matches_agree_on_every_labelled_paragraph():
    import json
    from pathlib import Path

    from extractors.claims import _NUM, _number_matches

    data = Path(__file__).resolve().parent.parent / "data"
    texts = [
        json.loads(line)["text"]
        for name in ("extract_dev.jsonl", "verdicts/dev.jsonl", "verdicts/dev3.jsonl")
        for line in (data / name).read_text(encoding="utf-8").splitlines()
    ]
    for text in texts:
        ours = [m.span() for m in _number_matches(text, 0, len(text))]
        assert ours == [m.span() for m in _NUM.finditer(text)], text[:80]
