import random
from datetime import UTC, datetime, timedelta

from bot.config.schema import CrawlSettings
from bot.ingest.health import PollResult, backoff, next_health

NOW = datetime(2026, 11, 23, 12, tzinfo=UTC)
CRAWL = CrawlSettings(retry_base="5m", max_backoff="24h", failed_after=3)


def step(health, failures, result, interval=timedelta(minutes=30)):
    return next_health(
        name="Lab",
        health=health,
        failures=failures,
        interval=interval,
        result=result,
        now=NOW,
        crawl=CRAWL,
        rng=random.Random(7),
    )


def test_backoff_doubles_never_polls_faster_than_the_interval_and_is_capped():
    rng = random.Random(1)
    interval = timedelta(minutes=10)
    delays = [backoff(n, interval, CRAWL, rng) for n in range(1, 12)]
    assert delays[0] >= interval * 0.85
    assert delays[4] > delays[3] > delays[2]
    assert max(delays) <= timedelta(hours=24) * 1.15
    assert delays[-1] >= timedelta(hours=24) * 0.85


def test_backoff_of_a_feed_failing_for_months_stays_at_the_cap():
    slow = CrawlSettings(retry_base="1d", max_backoff="7d", failed_after=3)
    week = timedelta(days=7)
    for failures in (1, 2, 31, 42, 10_000):  # a day doubled 30 times overflowed timedelta
        delay = backoff(failures, timedelta(hours=1), slow, random.Random(failures))
        assert delay <= week * 1.15
        assert delay >= (timedelta(days=1) if failures == 1 else 2 * timedelta(days=1)) * 0.85
    # where the old formula did not overflow, the same draw gives the same delay
    for failures in range(1, 12):
        old = min(
            CRAWL.max_backoff, max(timedelta(minutes=10), CRAWL.retry_base * 2 ** (failures - 1))
        )
        expected = old * random.Random(failures).uniform(0.85, 1.15)
        assert backoff(failures, timedelta(minutes=10), CRAWL, random.Random(failures)) == expected


def test_backoff_has_jitter():
    values = {backoff(3, timedelta(minutes=1), CRAWL, random.Random(seed)) for seed in range(5)}
    assert len(values) == 5


def test_failing_then_failed_then_recovered_with_one_event_per_change():
    first = step("ok", 0, PollResult(ok=False, message="HTTP 503"))
    assert (first.health, first.failures) == ("failing", 1)
    assert first.event == "Lab is failing (1 errors in a row): HTTP 503"
    second = step("failing", 1, PollResult(ok=False, message="HTTP 503"))
    assert second.health == "failing" and second.event is None
    third = step("failing", 2, PollResult(ok=False, message="timeout"))
    assert third.health == "failed" and "failed (3 errors in a row)" in third.event
    assert third.next_due is not None  # still retried: never a silent stop
    back = step("failed", 3, PollResult(ok=True))
    assert (back.health, back.failures, back.last_error) == ("ok", 0, None)
    assert back.event == "Lab is working again"


def test_gone_stops_polling():
    update = step("ok", 0, PollResult(ok=False, gone=True, message="HTTP 410 Gone"))
    assert update.health == "failed" and update.next_due is None
    assert "polling stopped" in update.last_error


def test_retry_after_wins_over_a_shorter_backoff():
    later = NOW + timedelta(hours=6)
    update = step("ok", 0, PollResult(ok=False, message="HTTP 429", retry_after=later))
    assert update.next_due == later


def test_a_deferred_poll_changes_nothing_but_the_due_time():
    later = NOW + timedelta(minutes=20)
    update = step(
        "failing", 2, PollResult(ok=False, deferred=True, retry_after=later, message="wait")
    )
    assert (update.health, update.failures, update.next_due, update.event) == (
        "failing",
        2,
        later,
        None,
    )


def test_cache_control_max_age_slows_polling_within_bounds():
    from bot.ingest.health import max_age

    assert max_age("public, max-age=3600") == timedelta(hours=1)
    assert max_age("no-cache") is None and max_age(None) is None
    hour = step("ok", 0, PollResult(ok=True, fresh_for=timedelta(hours=2)))
    assert timedelta(hours=1, minutes=50) <= hour.next_due - NOW <= timedelta(hours=2, minutes=10)
    capped = step("ok", 0, PollResult(ok=True, fresh_for=timedelta(days=30)))
    assert capped.next_due - NOW <= timedelta(hours=6) * 1.05
    short = step("ok", 0, PollResult(ok=True, fresh_for=timedelta(seconds=5)))
    assert short.next_due - NOW >= timedelta(minutes=30) * 0.95
