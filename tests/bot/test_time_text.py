"""Times as people read them: short, local to schedule.timezone, across clock changes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from bot.time_text import TimeText, distance, stamp


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


# (zone, now in UTC, moment in UTC, expected)
MOMENTS = [
    # the same local day: the time alone
    ("UTC", utc(2025, 12, 3, 12), utc(2025, 12, 3, 10, 42), "10:42"),
    ("UTC", utc(2025, 12, 3, 12), utc(2025, 12, 2, 23, 59), "2 Dec 23:59"),
    ("UTC", utc(2025, 12, 3, 12), utc(2025, 12, 4, 9), "4 Dec 09:00"),  # tomorrow
    ("UTC", utc(2026, 1, 1, 0, 5), utc(2025, 12, 31, 23, 50), "31 Dec 2025 23:50"),
    # the local day, not UTC's: 23:30 UTC is already tomorrow in Berlin
    ("Europe/Berlin", utc(2025, 12, 3, 12), utc(2025, 12, 3, 23, 30), "4 Dec 00:30"),
    ("Europe/Berlin", utc(2025, 12, 4, 8), utc(2025, 12, 3, 23, 30), "00:30"),
    ("America/New_York", utc(2025, 12, 3, 12), utc(2025, 12, 3, 3), "2 Dec 22:00"),
    ("Asia/Kolkata", utc(2025, 6, 1, 12), utc(2025, 6, 1, 18, 45), "2 Jun 00:15"),  # +05:30
    ("Asia/Kolkata", utc(2025, 6, 1, 12), utc(2025, 6, 1, 18, 15), "23:45"),
    # Europe/Berlin springs forward on 30 Mar 2025 at 01:00 UTC (02:00 CET -> 03:00 CEST)
    ("Europe/Berlin", utc(2025, 3, 30, 12), utc(2025, 3, 30, 0, 59), "01:59"),
    ("Europe/Berlin", utc(2025, 3, 30, 12), utc(2025, 3, 30, 1, 0), "03:00"),
    ("Europe/Berlin", utc(2025, 3, 30, 12), utc(2025, 3, 29, 23, 30), "00:30"),
    ("Europe/Berlin", utc(2025, 3, 30, 12), utc(2025, 3, 29, 22, 30), "29 Mar 23:30"),
    # ... and falls back on 26 Oct 2025: 02:30 happens twice, so it says which
    ("Europe/Berlin", utc(2025, 10, 26, 12), utc(2025, 10, 26, 0, 30), "02:30 CEST"),
    ("Europe/Berlin", utc(2025, 10, 26, 12), utc(2025, 10, 26, 1, 30), "02:30 CET"),
    ("Europe/Berlin", utc(2025, 10, 26, 12), utc(2025, 10, 26, 2, 30), "03:30"),
    # New York falls back on 2 Nov 2025 at 06:00 UTC (02:00 EDT -> 01:00 EST)
    ("America/New_York", utc(2025, 11, 2, 18), utc(2025, 11, 2, 5, 30), "01:30 EDT"),
    ("America/New_York", utc(2025, 11, 2, 18), utc(2025, 11, 2, 6, 30), "01:30 EST"),
    ("America/New_York", utc(2025, 11, 2, 18), utc(2025, 11, 2, 4, 59), "00:59"),
    # the southern hemisphere: Sydney falls back on 6 Apr 2025 (03:00 AEDT -> 02:00 AEST)
    ("Australia/Sydney", utc(2025, 4, 6, 2), utc(2025, 4, 5, 15, 30), "02:30 AEDT"),
    ("Australia/Sydney", utc(2025, 4, 6, 2), utc(2025, 4, 5, 16, 30), "02:30 AEST"),
    ("Australia/Sydney", utc(2025, 4, 6, 2), utc(2025, 4, 5, 12, 59), "5 Apr 23:59"),
    # the year is the local one: 23:30 UTC on 31 Dec is next year in Tokyo
    ("Asia/Tokyo", utc(2026, 1, 1, 3), utc(2025, 12, 31, 23, 30), "08:30"),
    ("Asia/Tokyo", utc(2025, 12, 31, 3), utc(2025, 12, 31, 23, 30), "1 Jan 2026 08:30"),
]


@pytest.mark.parametrize(("zone", "now", "moment", "expected"), MOMENTS)
def test_a_moment_is_short_and_local(zone, now, moment, expected):
    assert TimeText.of(zone, now).at(moment) == expected


AGES = [
    (timedelta(seconds=20), "10:42 (just now)"),
    (timedelta(minutes=5, seconds=59), "10:36 (5 min ago)"),
    (timedelta(minutes=59), "09:43 (59 min ago)"),
    (timedelta(hours=3, minutes=50), "06:52 (3 h ago)"),
    (timedelta(hours=47), "2 Dec 11:42 (47 h ago)"),
    (timedelta(days=3, hours=5), "1 Dec 05:42 (3 days ago)"),
    (-timedelta(seconds=30), "10:43 (in under a minute)"),
    (-timedelta(minutes=18), "11:00 (in 18 min)"),
    (-timedelta(hours=22, minutes=18), "5 Dec 09:00 (in 22 h)"),
]


@pytest.mark.parametrize(("before_now", "expected"), AGES)
def test_an_age_gives_the_moment_and_its_distance_from_now(before_now, expected):
    now = utc(2025, 12, 4, 9, 42, 30)  # 10:42:30 in Berlin
    times = TimeText.of("Europe/Berlin", now)
    assert times.at_ago(now - before_now) == expected


def test_an_age_across_a_clock_change_counts_real_time():
    # 01:30 EDT and 01:30 EST look alike but are an hour apart
    times = TimeText.of("America/New_York", utc(2025, 11, 2, 6, 35))
    assert times.at_ago(utc(2025, 11, 2, 5, 30)) == "01:30 EDT (1 h ago)"
    assert times.at_ago(utc(2025, 11, 2, 6, 30)) == "01:30 EST (5 min ago)"


SPANS = [
    ("UTC", utc(2025, 12, 2, 9), utc(2025, 12, 3, 9), "2 Dec 09:00 to 3 Dec 09:00"),
    ("UTC", utc(2025, 12, 3, 9), utc(2025, 12, 3, 12, 5), "3 Dec 09:00 to 12:05"),
    # a day in Berlin that UTC splits in two
    ("Europe/Berlin", utc(2025, 12, 2, 23), utc(2025, 12, 3, 22), "3 Dec 00:00 to 23:00"),
    # the night the clocks go forward is 23 hours long
    ("Europe/Berlin", utc(2025, 3, 29, 8), utc(2025, 3, 30, 7), "29 Mar 09:00 to 30 Mar 09:00"),
    (
        "Europe/Berlin",
        utc(2025, 10, 26, 0),
        utc(2025, 10, 26, 1, 30),
        "26 Oct 02:00 CEST to 02:30 CET",
    ),
    ("UTC", utc(2024, 12, 31, 9), utc(2025, 1, 1, 9), "31 Dec 2024 09:00 to 1 Jan 09:00"),
]


@pytest.mark.parametrize(("zone", "start", "end", "expected"), SPANS)
def test_a_period_names_its_end_day_only_when_it_differs(zone, start, end, expected):
    assert TimeText.of(zone, end).span(start, end) == expected


def test_days_months_and_missing_moments():
    times = TimeText.of("Europe/Berlin", utc(2025, 6, 1, 12))
    assert times.day(utc(2025, 3, 3, 12)) == "3 Mar"
    assert times.day(utc(2024, 3, 3, 12)) == "3 Mar 2024"
    assert times.at(None) == "never" and times.at_ago(None, "-") == "-"
    assert times.ago(None) == "never"
    assert times.zone_name == "Europe/Berlin"


def test_iso_text_and_naive_values_are_read_as_utc():
    """Status views build their text from their JSON; the database hands back UTC."""
    times = TimeText.of("Europe/Berlin", utc(2025, 12, 3, 12))
    assert times.at("2025-12-03T10:42:00+00:00") == "11:42"
    assert times.at(datetime(2025, 12, 3, 10, 42)) == "11:42"
    assert times.at("") == "never"


DATED = [
    # a posted message always names the day, even "today": Discord dates it on delivery
    ("UTC", utc(2025, 12, 3, 12), utc(2025, 12, 3, 10, 42), "3 Dec 10:42"),
    ("Europe/Berlin", utc(2025, 12, 4, 8), utc(2025, 12, 3, 23, 30), "4 Dec 00:30"),
    ("Europe/Berlin", utc(2025, 10, 26, 12), utc(2025, 10, 26, 0, 30), "26 Oct 02:30 CEST"),
    ("UTC", utc(2026, 1, 1, 0, 5), utc(2025, 12, 31, 23, 50), "31 Dec 2025 23:50"),
]


@pytest.mark.parametrize(("zone", "now", "moment", "expected"), DATED)
def test_a_dated_moment_always_gives_its_day(zone, now, moment, expected):
    times = TimeText.of(zone, now)
    assert times.dated(moment) == expected
    assert times.dated(None) == "never"


def test_stored_text_keeps_utc_instants_and_is_read_in_the_zone():
    moment = datetime(2026, 3, 2, 10, 42, 30, tzinfo=timezone(timedelta(hours=2)))
    assert stamp(moment) == "2026-03-02 08:42 UTC"  # converted, to the minute
    assert stamp(datetime(2026, 3, 2, 8, 42)) == "2026-03-02 08:42 UTC"  # naive: UTC
    berlin = TimeText.of("Europe/Berlin", utc(2026, 3, 2, 12))
    stored = f"wire.example asked to wait until {stamp(moment)}; retry after {stamp(moment)}"
    assert (
        berlin.text(stored)
        == "wire.example asked to wait until 2 Mar 09:42; retry after 2 Mar 09:42"
    )
    # what fetch errors stored before, with seconds, reads the same way
    assert berlin.text("HTTP 429; retry after 2026-03-02 08:42:30 UTC") == (
        "HTTP 429; retry after 2 Mar 09:42"
    )
    assert berlin.text("no instant in 2026-03-02 or 10:42 UTC") == (
        "no instant in 2026-03-02 or 10:42 UTC"
    )
    assert berlin.text(None) == "" and berlin.text("") == ""


@pytest.mark.parametrize(
    ("span", "expected"),
    [
        (timedelta(seconds=30), "0 min"),
        (timedelta(minutes=5), "5 min"),
        (timedelta(hours=1), "1 h"),
        (timedelta(hours=5), "5 h"),
        (timedelta(hours=47, minutes=59), "47 h"),
        (timedelta(days=7), "7 days"),
        (-timedelta(hours=2), "2 h"),
    ],
)
def test_a_length_of_time_reads_the_same_in_every_view(span, expected):
    """Snapshot ages and Hub outages said "5 hours" where status said "(5 h ago)"."""
    assert distance(span) == expected
    now = utc(2025, 12, 4, 9)
    if span >= timedelta(minutes=1):
        assert TimeText.of("UTC", now).ago(now - span) == f"{expected} ago"
