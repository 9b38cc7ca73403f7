"""The one retry policy: doubling up to a cap, for any number of attempts, and jitter."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest

from bot.backoff import attempt_wait, capped_doubling, jitter

S30, HOUR = timedelta(seconds=30), timedelta(hours=1)
DAY, YEAR = timedelta(days=1), timedelta(days=365)


@pytest.mark.parametrize(
    ("first", "cap", "doublings", "expected"),
    [
        (S30, HOUR, -1, S30),  # nothing failed yet counts as the first wait
        (S30, HOUR, 0, S30),
        (S30, HOUR, 1, timedelta(minutes=1)),
        (S30, HOUR, 6, timedelta(minutes=32)),
        (S30, HOUR, 7, HOUR),  # 64 min: capped
        (S30, HOUR, 42, HOUR),  # 30 s * 2**42 is past timedelta.max: overflowed before
        (S30, HOUR, 10_000, HOUR),
        (S30, HOUR, 10**9, HOUR),  # no huge integer either
        (DAY, YEAR, 30, YEAR),  # a day doubled 30 times overflowed even with the old "30" bound
        (DAY, YEAR, 10_000, YEAR),
        (timedelta(microseconds=1), timedelta.max, 10_000, timedelta.max),
        (HOUR, S30, 0, S30),  # a first wait above the cap is the cap
        (timedelta(seconds=1.5), HOUR, 3, timedelta(seconds=12)),  # exact, not float
    ],
)
def test_capped_doubling_never_overflows(first, cap, doublings, expected):
    assert capped_doubling(first, cap, doublings) == expected


def test_capped_doubling_is_the_old_series_where_that_did_not_overflow():
    for attempts in range(42):
        old = min(HOUR, S30 * 2**attempts)
        assert capped_doubling(S30, HOUR, attempts) == old


def test_jitter_spreads_around_the_delay_and_draws_like_before():
    delays = [jitter(HOUR, random.Random(seed), 0.15) for seed in range(50)]
    assert all(0.85 * HOUR <= d <= 1.15 * HOUR for d in delays)
    assert len(set(delays)) > 40
    # the same draw as health's former ``delay * rng.uniform(0.85, 1.15)``: seeds reproduce
    assert jitter(HOUR, random.Random(7), 0.15) == HOUR * random.Random(7).uniform(0.85, 1.15)
    assert jitter(HOUR, random.Random(7), 0.05) == HOUR * random.Random(7).uniform(0.95, 1.05)


def test_attempt_waits_double_up_to_the_cap():
    first, cap = timedelta(seconds=1), timedelta(minutes=2)
    waits = [attempt_wait(attempt, first, cap).total_seconds() for attempt in range(1, 10)]
    assert waits == [1, 2, 4, 8, 16, 32, 64, 120, 120]
    assert attempt_wait(10_000, first, cap) == cap  # no overflow for a months-long outage
    # nor with a long first wait: a day doubled 30 times is past timedelta.max
    assert attempt_wait(10_000, timedelta(days=1), timedelta(days=7)) == timedelta(days=7)
    assert attempt_wait(0, first, cap) == first
