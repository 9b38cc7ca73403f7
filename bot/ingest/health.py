"""Feed health: when to poll a feed next and when to tell the admins, from what happened.

A feed never stops silently. Failures back off exponentially with jitter, from
``retry_base`` up to ``max_backoff`` (and never sooner than the feed's own
interval or a ``Retry-After``), and keep being retried at that cap for as long
as the feed is listed. Health is ``ok``, ``failing`` (errors, retrying) or
``failed`` (``failed_after`` failures in a row, or 410 Gone, which stops polling
until an admin acts). Every change of health is an event for the admins.
Pure, over plain records; the Hub's health is :mod:`bot.hub.health`'s.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.backoff import capped_doubling, jitter
from bot.config.schema import CrawlSettings
from bot.core.vocabulary import FeedHealth

# A server's Cache-Control may slow polling down, but not beyond this.
MAX_FRESHNESS_WAIT = timedelta(hours=6)


@dataclass(frozen=True)
class PollResult:
    """What one poll of a feed came to, as the health policy needs it."""

    ok: bool
    message: str | None = None
    status: int | None = None
    gone: bool = False
    retry_after: datetime | None = None
    deferred: bool = False  # not attempted: the host asked us to wait
    fresh_for: timedelta | None = None  # Cache-Control max-age: the document will not change sooner


@dataclass(frozen=True)
class HealthUpdate:
    health: FeedHealth
    failures: int
    next_due: datetime | None  # None: polling stopped
    last_error: str | None
    event: str | None  # set when health changed: the message for the admins


def max_age(cache_control: str | None) -> timedelta | None:
    """The ``max-age`` of a Cache-Control header, if any (``no-cache`` and friends: None)."""
    if not cache_control:
        return None
    for directive in cache_control.lower().split(","):
        name, _, value = directive.strip().partition("=")
        seconds = value.strip().strip('"')
        if name == "max-age" and seconds.isascii() and seconds.isdigit():
            return timedelta(seconds=min(int(seconds[:12]), 10**9))
    return None


def backoff(
    failures: int, interval: timedelta, crawl: CrawlSettings, rng: random.Random
) -> timedelta:
    """Delay before the next try after ``failures`` failures in a row (>= 1)."""
    exponential = capped_doubling(crawl.retry_base, crawl.max_backoff, failures - 1)
    delay = min(crawl.max_backoff, max(interval, exponential))
    return jitter(delay, rng, 0.15)


def next_health(
    *,
    name: str,
    health: str,
    failures: int,
    interval: timedelta,
    result: PollResult,
    now: datetime,
    crawl: CrawlSettings,
    rng: random.Random,
) -> HealthUpdate:
    """The feed's state after ``result``; pure, so the policy is tested with plain values."""
    before = FeedHealth(health)
    if result.deferred:
        due = result.retry_after or now + interval
        return HealthUpdate(before, failures, due, result.message, None)
    if result.ok:
        wait = max(interval, min(result.fresh_for or timedelta(0), MAX_FRESHNESS_WAIT))
        due = now + jitter(wait, rng, 0.05)
        event = f"{name} is working again" if before != FeedHealth.OK else None
        return HealthUpdate(FeedHealth.OK, 0, due, None, event)
    failures += 1
    if result.gone:
        message = (
            f"{result.message or 'HTTP 410 Gone'}; polling stopped: fix the URL or remove the feed"
        )
        event = f"{name} failed: {message}" if before != FeedHealth.FAILED else None
        return HealthUpdate(FeedHealth.FAILED, failures, None, message, event)
    due = now + backoff(failures, interval, crawl, rng)
    if result.retry_after and result.retry_after > due:
        due = result.retry_after
    after = FeedHealth.FAILED if failures >= crawl.failed_after else FeedHealth.FAILING
    event = None
    if after != before:
        verb = "failed" if after == FeedHealth.FAILED else "is failing"
        event = f"{name} {verb} ({failures} errors in a row): {result.message}"
    return HealthUpdate(after, failures, due, result.message, event)
