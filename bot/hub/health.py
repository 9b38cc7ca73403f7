"""Hub health: the cause of an incomplete snapshot and when to tell the admins.

The Hub does not stop silently: an incomplete snapshot is summed up in one line
that names the cause (:func:`hub_cause`), and a run of failed snapshots lasting
more than two snapshot intervals is told to the admins once, and its end once
(:func:`hub_health_event`). Both are pure, over plain records; a feed's health
is :mod:`bot.ingest.health`'s.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.core.hub import STOPPING, HubError, HubErrorKind, Scope
from bot.time_text import distance, stamp

# Each kind of failure as words an admin reads, with the URL that failed (the
# client's own wording, "ConnectError: [Errno 111] Connection refused", names no
# address). A kind not here is said as its detail, "at" the URL.
_CAUSE_WORDS = {
    HubErrorKind.REFUSED: "connection refused to {url}",
    HubErrorKind.HOST_NOT_FOUND: "host name not found for {url}",
    HubErrorKind.NETWORK_UNREACHABLE: "network unreachable for {url}",
    HubErrorKind.NO_ROUTE: "no route to host for {url}",
    HubErrorKind.RESET: "connection reset by {url}",
    HubErrorKind.TLS_UNTRUSTED: "TLS certificate not trusted for {url}",
    HubErrorKind.CONNECT_TIMEOUT: "connection to {url} timed out",
    HubErrorKind.READ_TIMEOUT: "no answer in time from {url} (read timeout)",
    HubErrorKind.WRITE_TIMEOUT: "request to {url} timed out while sending",
    HubErrorKind.POOL_TIMEOUT: "no free connection to {url} in time",
}


def _cause_words(error: HubError, url: str) -> str:
    """One failure in words, with the URL it happened at."""
    if error.kind in _CAUSE_WORDS:
        return _CAUSE_WORDS[error.kind].format(url=url)
    if error.kind == HubErrorKind.HTTP_STATUS:
        return f"{error.detail} from {url}"
    return f"{error.detail} at {url}"


def hub_cause(errors: Sequence[HubError], authors: int, endpoint: str) -> str | None:
    """One line saying why a listing is incomplete, or None when it is complete.

    The listing records one failure per author or repo (``author Qwen: ConnectError:
    [Errno 111] Connection refused``), and after a transport error the remaining
    authors are only "skipped"; an admin needs the first real cause, where it
    happened, and how much of the snapshot it cost:
    ``connection refused to http://127.0.0.1:9/api/models (3 of 3 authors failed)``.
    The records were classified where they were caught (:func:`bot.hub.client.classify`),
    so nothing here reads an error's message.
    """
    if not errors:
        return None
    base = endpoint.rstrip("/")
    failed_authors: set[str] = set()
    failed_repos: set[str] = set()
    cause: str | None = None
    for error in errors:
        (failed_authors if error.scope == Scope.AUTHOR else failed_repos).add(error.name)
        if cause is not None or error.kind == HubErrorKind.SKIPPED:
            continue
        if error.kind == HubErrorKind.STOPPED:
            cause = f"{STOPPING}, the listing was cut short"
        else:
            url = f"{base}/api/models" + (f"/{error.name}" if error.scope == Scope.REPO else "")
            cause = _cause_words(error, url)
    if cause is None:  # only skips: say what they say
        cause = errors[0].detail
    counts = []
    if failed_authors:
        counts.append(f"{len(failed_authors)} of {authors} authors")
    if failed_repos:
        counts.append(f"{len(failed_repos)} repo{'s' if len(failed_repos) != 1 else ''}")
    return f"{cause} ({' and '.join(counts)} failed)" if counts else cause


@dataclass(frozen=True)
class HubRun:
    """A stored snapshot run, as Hub health needs it."""

    id: int
    started_at: datetime
    complete: bool
    cause: str | None = None


@dataclass(frozen=True)
class HubHealthEvent:
    """A message for the admins: the Hub has been failing for a while, or works again."""

    state: str  # "failing" | "working"
    key: str  # the outbox dedupe key: one message per outage and state
    # its times are UTC instants (bot.time_text.stamp), written in the reader's zone
    # when the message is drafted (bot.delivery.messages.draft_for), as stored payloads are
    text: str
    since: datetime  # the outage's first failed snapshot
    failures: int


def outage_threshold(interval: timedelta) -> timedelta:
    """How long snapshots must have failed before the admins are told: two intervals.

    Runs start on the interval give or take a few seconds, so "three runs after the
    last good one" can measure 2 intervals minus a second; a tenth of an interval of
    tolerance makes the second failure in a row never count and the third always.
    """
    return 2 * interval + interval / 10


def hub_health_event(
    runs: Sequence[HubRun], interval: timedelta, announced: Collection[str]
) -> HubHealthEvent | None:
    """What to tell the admins after the last of ``runs``, if anything; pure.

    ``runs`` are oldest first, end with the run just stored and reach back to the
    last complete run before the failures that precede it (when there is one).
    The Hub counts as failing from its last complete snapshot (or, never having
    had one, from its first failed one); past :func:`outage_threshold` it is
    announced, once per outage (``announced`` holds the outbox keys already
    taken). A complete run after an announced outage says it is over, once; an
    outage too short to be announced ends silently.
    """
    if not runs:
        return None
    current = runs[-1]
    earlier = list(runs[:-1])
    if current.complete:
        streak: list[HubRun] = []
        while earlier and not earlier[-1].complete:
            streak.insert(0, earlier.pop())
        if not streak:
            return None
        first = streak[0]
        if f"hub-down:{first.id}" not in announced:
            return None
        key = f"hub-recovered:{first.id}"
        if key in announced:
            return None
        lasted = distance(current.started_at - first.started_at)
        failed = f"{len(streak)} failed snapshot{'s' if len(streak) != 1 else ''}"
        return HubHealthEvent(
            "working",
            key,
            f"Hugging Face Hub snapshots work again: the snapshot of {stamp(current.started_at)} "
            f"is complete, after {failed} since {stamp(first.started_at)} ({lasted}).",
            first.started_at,
            len(streak),
        )
    streak = [current]
    while earlier and not earlier[-1].complete:
        streak.insert(0, earlier.pop())
    last_good = earlier[-1] if earlier else None
    first = streak[0]
    failing_for = current.started_at - (last_good or first).started_at
    if failing_for <= outage_threshold(interval):
        return None
    key = f"hub-down:{first.id}"
    if key in announced:
        return None
    good = (
        f"the last complete snapshot, of {stamp(last_good.started_at)}"
        if last_good is not None
        else "no complete snapshot yet"
    )
    return HubHealthEvent(
        "failing",
        key,
        f"No complete Hugging Face Hub snapshot for {distance(failing_for)} "
        f"({len(streak)} failed in a row since {stamp(first.started_at)}): "
        f"{current.cause or 'no reason recorded'}. Rankings, alerts and claim checks "
        f"use {good}.",
        first.started_at,
        len(streak),
    )
