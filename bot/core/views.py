"""The read models' records: what the commands show of the database, as plain data.

:mod:`bot.store.queries` reads the tables and builds these records at the storage
edge; :mod:`bot.delivery.replies` composes its drafts from them. So the reply composer
never holds an ORM row (no lazy load, no detached-session error, no SQLModel
loaded to build a reply) and its tests build the records directly. Each record
has the fields its readers use, no more: a column the replies start showing is
added here and filled in :mod:`bot.store.queries`.

Stored words (a feed's health, a decision) are kept as the database holds them,
values of :class:`~bot.core.vocabulary.FeedHealth` and
:class:`~bot.core.vocabulary.Decision`: they are only shown, and a reply must
not fail on a row an older version wrote.

It imports nothing but the standard library.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any


@dataclass(frozen=True)
class NewsItem:
    """One story as /news and /model list it."""

    title: str
    link: str | None
    published: datetime | None  # or when it was fetched, for a story without a date
    sources: tuple[str, ...]  # the feeds that carried it


@dataclass(frozen=True)
class FeedView:
    """A feed as /feeds list and ``trendbot status`` show it (one read for both, so
    they cannot disagree)."""

    name: str
    url: str  # as configured: may hold a password or a token, see replies.public_url
    health: str  # a FeedHealth value
    last_fetch_at: datetime | None = None
    last_error: str | None = None  # may carry a UTC stamp, rewritten where shown
    next_due_at: datetime | None = None  # the next poll (``trendbot status``)


@dataclass(frozen=True)
class DecisionView:
    """One decision-log entry for a link, as /why and ``trendbot why`` tell it."""

    at: datetime
    decision: str  # a Decision value
    detail: str | None = None  # may carry a UTC stamp, rewritten where shown
    http_status: int | None = None  # the feed's answer, when it failed


@dataclass(frozen=True)
class Status:
    """What /status shows: the last crawl and snapshot, failing feeds, the outbox."""

    last_crawl: datetime | None
    last_snapshot: datetime | None
    last_snapshot_complete: bool | None
    snapshot_age: timedelta | None  # of the latest complete snapshot
    failing_feeds: list[tuple[str, str, str | None]]  # name, health, last error
    outbox_pending: int
    outbox_failed: int
    # why the last snapshot is incomplete (one line, as said when it ran); None when complete
    last_snapshot_error: str | None = None


@dataclass(frozen=True)
class ModelFigures:
    """A tracked model's latest Hub figures, as of the snapshot that last saw it."""

    downloads_all_time: int | None  # None: the Hub did not say
    downloads_30d: int
    likes: int
    last_seen_at: datetime


@dataclass(frozen=True)
class ModelCard:
    """What /model shows of one repo; ``model`` is None when it is not tracked."""

    repo_id: str
    model: ModelFigures | None
    growth_7d: int | None  # None: no complete snapshot a week back yet
    news: list[NewsItem]
    # the news's figures judged against it, as bot.store.queries.claim_json writes them
    claims: list[dict[str, Any]] = field(default_factory=list)
