from datetime import timedelta

import pytest

from bot.config.durations import format_duration, parse_duration


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("90s", 90),
        ("15m", 900),
        ("2h", 7200),
        ("1d", 86400),
        ("1w", 604800),
        ("1h30m", 5400),
        ("1h 30m", 5400),
        ("1.5h", 5400),
        ("500ms", 0.5),
        ("10min", 600),
        (900, 900),
        (1.5, 1.5),
        ("900", 900),
        ("PT15M", 900),
        ("P1D", 86400),
    ],
)
def test_accepted_spellings(text, seconds):
    assert parse_duration(text) == timedelta(seconds=seconds)


@pytest.mark.parametrize("text", ["", "soon", "5x", "1h30", "h1", "m", "-5m", True, None, "P1X"])
def test_rejected_spellings_say_what_is_accepted(text):
    with pytest.raises(ValueError, match="duration"):
        parse_duration(text)


@pytest.mark.parametrize(
    ("seconds", "text"), [(5400, "1h30m"), (86400, "1d"), (90061, "1d1h1m1s"), (0.25, "250ms")]
)
def test_written_back_compactly(seconds, text):
    assert format_duration(timedelta(seconds=seconds)) == text
    assert parse_duration(text) == timedelta(seconds=seconds)
