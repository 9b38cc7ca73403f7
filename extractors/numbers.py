"""Numbers as AI news writes them, to plain values.

"700 million", "0.7bn", "1.5B", "$20M", "US$1.5 billion", "€600m", "128K", "~15%",
"two-thirds", "forty-two million", "three hundred thousand", "two and a half
million", "3x", "No. 1": the regular expressions here find them in running text
and :func:`number_value` turns the matched words into a float. Digits, currencies
and the press's magnitude suffixes are this module's own rules; spelled-out
compound numbers go to text2num, which knows English number grammar ("one
hundred and twenty-eight thousand") better than a table would. The rest of the
claim (its unit, metric, qualifier and subject) is decided in
:mod:`extractors.claims` from the words around the number.
"""

from __future__ import annotations

import re

from text_to_num import text2num

WORD_NUMBERS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "a hundred": 100,
    "hundred": 100,
    "a dozen": 12,
    "dozen": 12,
}
FRACTIONS = {
    "half": 0.5,
    "one-half": 0.5,
    "a half": 0.5,
    "one half": 0.5,
    "a third": 0.333,
    "one-third": 0.333,
    "one third": 0.333,
    "two-thirds": 0.667,
    "two thirds": 0.667,
    "a quarter": 0.25,
    "one-quarter": 0.25,
    "one quarter": 0.25,
    "three-quarters": 0.75,
    "three quarters": 0.75,
    "a fifth": 0.2,
    "one-fifth": 0.2,
    "one fifth": 0.2,
    "a tenth": 0.1,
    "one-tenth": 0.1,
}
ORDINALS = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
    "1st": 1,
    "2nd": 2,
    "3rd": 3,
    "4th": 4,
    "5th": 5,
}
MAGNITUDES = {
    "thousand": 1e3,
    "k": 1e3,
    "million": 1e6,
    "millions": 1e6,
    "mn": 1e6,
    "mln": 1e6,
    "m": 1e6,
    "billion": 1e9,
    "billions": 1e9,
    "bn": 1e9,
    "b": 1e9,
    "bln": 1e9,
    "trillion": 1e12,
    "trillions": 1e12,
    "tn": 1e12,
    "t": 1e12,
}
CURRENCIES = {
    "$": "USD",
    "us$": "USD",
    "usd": "USD",
    "dollars": "USD",
    "dollar": "USD",
    "€": "EUR",
    "eur": "EUR",
    "euros": "EUR",
    "euro": "EUR",
    "£": "GBP",
    "gbp": "GBP",
    "pounds": "GBP",
    "¥": "CNY",
    "cny": "CNY",
    "rmb": "CNY",
    "yuan": "CNY",
    "renminbi": "CNY",
    "hk$": "HKD",
    "hkd": "HKD",
}

_WORD_NUMBER = "|".join(sorted((re.escape(w) for w in WORD_NUMBERS), key=len, reverse=True))
# One word of a spelled-out number; a run of them ("forty-two million", "three
# hundred thousand", "one hundred and twenty-eight") is one number.
_FIRST_WORD = (
    r"(?:zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|"
    r"fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|"
    r"sixty|seventy|eighty|ninety)"
)
_NUMBER_WORD = rf"(?:{_FIRST_WORD}|hundred|thousand|million|billion|trillion)"
# "one hundred and twenty": "and" joins only after a magnitude ("two and three" is two numbers)
_AND_AFTER_MAGNITUDE = r"(?:(?<=hundred)|(?<=thousand)|(?<=million)|(?<=billion))\s+and\s+"
WORD_RUN = (
    rf"\b{_FIRST_WORD}(?:(?:[\s-]+|{_AND_AFTER_MAGNITUDE})(?={_NUMBER_WORD}\b){_NUMBER_WORD})*"
    rf"(?:\s+and\s+a\s+half(?=\s+(?:million|billion|trillion|thousand)\b)"
    rf"\s+(?:million|billion|trillion|thousand))?\b"
)
HALF_A = r"\bhalf\s+a\s+(?:million|billion|trillion)\b"
_FRACTION = "|".join(sorted((re.escape(w) for w in FRACTIONS), key=len, reverse=True))
DIGITS = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
# "1.5B", "700M", "128K", "2bn", "20mn" (glued) or "1.5 billion" (spaced)
MAGNITUDE_WORD = r"thousand|millions?|billions?|trillions?|mn|mln|bn|bln|tn"
MAGNITUDE_GLUED = r"[kKmMbBtT]|bn|mn|tn|bln|mln"

NUMBER = (
    rf"(?:(?:{DIGITS})(?:\s*(?:{MAGNITUDE_WORD})\b|(?:{MAGNITUDE_GLUED})\b)?"
    rf"|{HALF_A}"
    rf"|{WORD_RUN}"
    rf"|(?:\b(?:{_WORD_NUMBER})\b)(?:[\s-]+(?:{MAGNITUDE_WORD})\b)?"
    rf"|a\s+(?:hundred\s+)?(?:{MAGNITUDE_WORD})\b)"
)
FRACTION = rf"\b(?:{_FRACTION})\b"
CURRENCY_PREFIX = r"(?:US\$|HK\$|[$€£¥]|USD\s?|EUR\s?|CNY\s?|RMB\s?|GBP\s?)"
# Every NUMBER or FRACTION match holds a digit or one of these whole words: a text
# without any holds no number, and the costly expressions need not scan it.
MAY_HOLD_NUMBER = re.compile(
    rf"\d|\b(?:{_FIRST_WORD}|hundred|dozen|half|thirds?|quarters?|fifth|tenth|"
    rf"thousand|millions?|billions?|trillions?|mn|mln|bn|bln|tn)\b",
    re.IGNORECASE,
)


def number_value(text: str) -> float | None:
    """The value of one matched number expression: "1.5B" -> 1.5e9, "eight" -> 8."""
    raw = text.strip().lower().replace("\u2009", " ").replace("\u00a0", " ")
    raw = re.sub(r"^(?:us\$|hk\$|[$€£¥]|usd|eur|cny|rmb|gbp)\s*", "", raw)
    raw = re.sub(r"\s+", " ", raw)
    if raw in FRACTIONS:
        return FRACTIONS[raw]
    if raw.startswith("a ") and raw[2:].strip() in MAGNITUDES:
        return MAGNITUDES[raw[2:].strip()]
    if raw.startswith("a hundred "):
        raw = "one " + raw[2:]
    half = re.fullmatch(r"half a (million|billion|trillion)", raw)
    if half:
        return 0.5 * MAGNITUDES[half.group(1)]
    and_a_half = re.fullmatch(r"(.+?) and a half (thousand|million|billion|trillion)", raw)
    if and_a_half:
        base = number_value(and_a_half.group(1))
        return (base + 0.5) * MAGNITUDES[and_a_half.group(2)] if base is not None else None
    match = re.match(rf"^({DIGITS})\s*-?\s*([a-z]+)?$", raw)
    if match:
        value = float(match.group(1).replace(",", ""))
        unit = match.group(2)
        if unit:
            if unit not in MAGNITUDES:
                return None
            value *= MAGNITUDES[unit]
        return value
    if re.fullmatch(rf"{WORD_RUN}", raw):
        try:
            return float(text2num(raw, "en"))
        except ValueError:
            pass  # not English number grammar ("one two"): try the simpler forms
    words = re.split(r"[\s-]+", raw)
    if words and words[-1] in MAGNITUDES and len(words) > 1:
        base = number_value(" ".join(words[:-1]))
        return base * MAGNITUDES[words[-1]] if base is not None else None
    if raw in WORD_NUMBERS:
        return float(WORD_NUMBERS[raw])
    return None


def clean(value: float) -> int | float:
    """Integers as ints (700000000, not 700000000.0); others rounded sensibly."""
    if abs(value - round(value)) < 1e-9 and abs(value) >= 1:
        return round(value)
    return round(value, 6)
