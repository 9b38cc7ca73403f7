"""Waits between retries: doubling from a first wait up to a cap, with optional jitter.

One policy for every retry loop (the outbox sender, feed polling, the service's
Discord login and database probe), pure so it is tested with plain values. The
doubling is done on whole microseconds, which Python keeps exact at any size, and
the exponent is bounded before shifting, so no count of attempts, however large
(a months-long outage, a counter reset on every reconnect), overflows a
``timedelta``: past the cap every wait is the cap.
"""

from __future__ import annotations

import random
from datetime import timedelta

# 2**80 microseconds is far past timedelta.max (under 2**67): from any first wait of
# at least a microsecond, this many doublings always reach the cap
_ENOUGH_DOUBLINGS = 80


def _microseconds(value: timedelta) -> int:
    return (value.days * 86_400 + value.seconds) * 1_000_000 + value.microseconds


def capped_doubling(first: timedelta, cap: timedelta, doublings: int) -> timedelta:
    """``first * 2 ** doublings``, at most ``cap``; ``doublings`` below 0 count as 0."""
    steps = min(max(doublings, 0), _ENOUGH_DOUBLINGS)
    grown = _microseconds(first) << steps
    return timedelta(microseconds=min(_microseconds(cap), grown))


def jitter(delay: timedelta, rng: random.Random, spread: float) -> timedelta:
    """``delay`` scaled by a factor drawn uniformly from ``1 ± spread`` (0.15: ±15 %)."""
    return delay * rng.uniform(1 - spread, 1 + spread)


def attempt_wait(attempt: int, first: timedelta, cap: timedelta) -> timedelta:
    """The wait before retry number ``attempt`` (1, 2, ...): ``first`` doubled each time,
    at most ``cap``. No jitter: one bot is not a thundering herd, and a fixed series
    is one the admin can read in the log."""
    return capped_doubling(first, cap, max(attempt, 1) - 1)
