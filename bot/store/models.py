"""The tables: everything trendbot must remember across restarts.

Anything that must survive a crash is written here before it is acted on: feed
state before the next poll, seen entries before anything is posted, snapshots
before alerts are computed, and messages in the outbox before they are sent.

Status-like columns are short strings (validated in Python by the StrEnums of
:mod:`bot.core.vocabulary` and :mod:`extractors.vocabulary`, re-exported here)
rather than database enums, so adding a value never needs a migration that
rewrites a type on PostgreSQL.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, Index, MetaData, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from bot.core.vocabulary import Decision as Decision
from bot.core.vocabulary import FeedHealth as FeedHealth
from bot.core.vocabulary import OutboxStatus as OutboxStatus
from bot.core.vocabulary import VerdictStatus as VerdictStatus
from bot.store.types import BigId, UTCDateTime, utcnow
from extractors.vocabulary import MentionKind as MentionKind

# Stable constraint names, identical on SQLite and PostgreSQL, so migrations can refer to them.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata: MetaData = SQLModel.metadata
metadata.naming_convention = NAMING_CONVENTION


def _time(**kwargs: Any) -> Any:
    return Field(sa_type=UTCDateTime, **kwargs)


class Feed(SQLModel, table=True):
    """A polled feed and what the crawler needs to poll it politely next time."""

    __tablename__ = "feeds"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=100, unique=True)
    url: str = Field(max_length=2048, description="current URL; a 301/308 updates it")
    config_url: str = Field(max_length=2048, description="the URL as written in config.yaml")
    etag: str | None = Field(default=None, max_length=1024)
    last_modified: str | None = Field(default=None, max_length=128)
    health: str = Field(default=FeedHealth.OK, max_length=16)
    failure_count: int = 0
    last_status: int | None = None
    last_error: str | None = Field(default=None, max_length=2000)
    last_fetch_at: datetime | None = _time(default=None)
    last_success_at: datetime | None = _time(default=None)
    baseline_at: datetime | None = _time(
        default=None, description="when the first fetch was stored; until then nothing is posted"
    )
    next_due_at: datetime | None = _time(default=None, index=True)
    created_at: datetime = _time(default_factory=utcnow)
    updated_at: datetime = _time(default_factory=utcnow)


class FeedEvent(SQLModel, table=True):
    """A change of a feed's health, kept until it has been reported to the admins."""

    __tablename__ = "feed_events"

    id: int | None = Field(default=None, primary_key=True)
    feed_id: int = Field(foreign_key="feeds.id", index=True)
    at: datetime = _time(default_factory=utcnow)
    health_from: str = Field(max_length=16)
    health_to: str = Field(max_length=16)
    message: str = Field(max_length=2000)
    reported_at: datetime | None = _time(default=None, index=True)


class Article(SQLModel, table=True):
    """One story, stored once however many feeds and outlets carried it."""

    __tablename__ = "articles"

    id: int | None = Field(default=None, primary_key=True)
    canonical_url: str | None = Field(default=None, max_length=2048, unique=True)
    identity_hash: str = Field(max_length=64, index=True)
    feed_id: int | None = Field(default=None, foreign_key="feeds.id", index=True)
    title: str | None = Field(default=None, max_length=1000)
    author: str | None = Field(default=None, max_length=500)
    site_name: str | None = Field(default=None, max_length=300)
    summary: str | None = Field(default=None, sa_type=Text)
    text: str | None = Field(default=None, sa_type=Text)
    text_source: str = Field(default="full_text", max_length=16)
    language: str | None = Field(default=None, max_length=16)
    published_at: datetime | None = _time(default=None, index=True)
    fetched_at: datetime = _time(default_factory=utcnow, index=True)
    content_hash: str | None = Field(default=None, max_length=64, index=True)
    fingerprint: int | None = Field(
        default=None, sa_type=BigInteger, index=True, description="near-duplicate fingerprint"
    )


class Entry(SQLModel, table=True):
    """An item seen in one feed; its identity hash is what stops reposts."""

    __tablename__ = "entries"
    __table_args__ = (UniqueConstraint("feed_id", "identity_hash"),)

    id: int | None = Field(default=None, primary_key=True)
    feed_id: int = Field(foreign_key="feeds.id")
    identity_hash: str = Field(max_length=64)
    guid: str | None = Field(default=None, max_length=2048)
    link: str | None = Field(default=None, max_length=2048, index=True)
    title: str | None = Field(default=None, max_length=1000)
    published_at: datetime | None = _time(default=None)
    first_seen_at: datetime = _time(default_factory=utcnow)
    article_id: int | None = Field(default=None, foreign_key="articles.id", index=True)


class Mention(SQLModel, table=True):
    """A model or organisation named in an article, linked to the Hub where possible."""

    __tablename__ = "mentions"

    id: int | None = Field(default=None, primary_key=True)
    article_id: int = Field(foreign_key="articles.id", index=True)
    kind: str = Field(max_length=8)
    text: str = Field(max_length=300)
    start: int
    end: int
    canonical: str | None = Field(default=None, max_length=300, index=True)
    hub_id: str | None = Field(default=None, max_length=200, index=True)
    hub_author: str | None = Field(default=None, max_length=100, index=True)
    link: str | None = Field(default=None, max_length=16, description="extractors Link")
    wanted: str | None = Field(
        default=None, max_length=200, description="the name to resolve on the Hub, if unresolved"
    )


class Claim(SQLModel, table=True):
    """A numeric claim made by an article, with its normalised value."""

    __tablename__ = "claims"

    id: int | None = Field(default=None, primary_key=True)
    article_id: int = Field(foreign_key="articles.id", index=True)
    text: str = Field(max_length=1000)
    start: int
    end: int
    value: Any = Field(default=None, sa_column=Column(JSON))
    unit: str = Field(max_length=32)
    metric: str = Field(max_length=48, index=True)
    qualifier: str | None = Field(default=None, max_length=16)
    subject: str | None = Field(default=None, max_length=300)
    subject_hub_id: str | None = Field(default=None, max_length=200, index=True)
    subject_link: str | None = Field(default=None, max_length=16)
    sentence: str | None = Field(default=None, sa_type=Text)
    period: Any = Field(default=None, sa_column=Column(JSON))
    detail: str | None = Field(default=None, max_length=100)
    created_at: datetime = _time(default_factory=utcnow)


class HubSnapshotRun(SQLModel, table=True):
    """One pass over the tracked authors; only complete runs feed rankings and alerts."""

    __tablename__ = "hub_snapshot_runs"

    id: int | None = Field(default=None, primary_key=True)
    started_at: datetime = _time(default_factory=utcnow, index=True)
    finished_at: datetime | None = _time(default=None)
    authors: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    models: int = 0
    requests: int = 0
    complete: bool = Field(default=False, index=True)
    error: str | None = Field(default=None, max_length=2000)


class HubSnapshot(SQLModel, table=True):
    """The statistics of one model at one snapshot run."""

    __tablename__ = "hub_snapshots"
    __table_args__ = (
        Index("ix_hub_snapshots_model_id_taken_at", "model_id", "taken_at"),
        Index("ix_hub_snapshots_author_taken_at", "author", "taken_at"),
    )

    id: int | None = Field(default=None, sa_type=BigId, primary_key=True)
    run_id: int = Field(foreign_key="hub_snapshot_runs.id", index=True)
    model_id: str = Field(max_length=200)
    author: str = Field(max_length=100)
    taken_at: datetime = _time()
    downloads_30d: int = Field(default=0, sa_type=BigInteger)
    downloads_all_time: int | None = Field(default=None, sa_type=BigInteger)
    likes: int = 0
    trending_score: float | None = None


class HubModel(SQLModel, table=True):
    """Each tracked model's latest figures: rankings read this, not the whole history."""

    __tablename__ = "hub_models"

    model_id: str = Field(max_length=200, primary_key=True)
    author: str = Field(max_length=100, index=True)
    pipeline_tag: str | None = Field(default=None, max_length=100)
    library_name: str | None = Field(default=None, max_length=100)
    created_at: datetime | None = _time(default=None)
    last_modified: datetime | None = _time(default=None)
    first_seen_at: datetime = _time(default_factory=utcnow)
    last_seen_at: datetime = _time(default_factory=utcnow)
    last_run_id: int | None = Field(default=None, foreign_key="hub_snapshot_runs.id")
    gone_at: datetime | None = _time(default=None)
    downloads_30d: int = Field(default=0, sa_type=BigInteger)
    downloads_all_time: int | None = Field(default=None, sa_type=BigInteger)
    likes: int = 0
    trending_score: float | None = None


class Verdict(SQLModel, table=True):
    """What the Hub data says about a claim, with the figure, its scope and why."""

    __tablename__ = "verdicts"

    id: int | None = Field(default=None, primary_key=True)
    claim_id: int = Field(foreign_key="claims.id", index=True)
    status: str = Field(max_length=16, index=True)
    hub_value: Any = Field(default=None, sa_column=Column(JSON))
    scope: str | None = Field(default=None, max_length=300)
    as_of: datetime | None = _time(default=None)
    reason: str = Field(max_length=1000)
    repo: str | None = Field(default=None, max_length=200)
    hub_field: str | None = Field(default=None, max_length=100)
    created_at: datetime = _time(default_factory=utcnow)


class HubRepoFacts(SQLModel, table=True):
    """A repo's Hub metadata (parameters, config, licence, ...), refreshed at most daily."""

    __tablename__ = "hub_repo_facts"

    repo_id: str = Field(max_length=200, primary_key=True)
    fetched_at: datetime = _time(index=True)
    found: bool = True
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class HubNameLookup(SQLModel, table=True):
    """A model name resolved on the Hub (or not), so each name costs one request a day at most."""

    __tablename__ = "hub_name_lookups"

    name: str = Field(max_length=200, primary_key=True)
    author: str = Field(max_length=100)
    looked_up_at: datetime = _time()
    repo_id: str | None = Field(default=None, max_length=200)
    candidates: int = 0


class OutboxMessage(SQLModel, table=True):
    """A message to post, written before any send so a crash can neither lose nor repeat it."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_status_next_attempt_at", "status", "next_attempt_at"),)

    id: int | None = Field(default=None, primary_key=True)
    dedupe_key: str = Field(max_length=200, unique=True)
    kind: str = Field(max_length=32)
    route: str = Field(max_length=100)
    channel_id: int | None = Field(default=None, sa_type=BigInteger)
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    status: str = Field(default=OutboxStatus.PENDING, max_length=16)
    attempts: int = 0
    next_attempt_at: datetime = _time(default_factory=utcnow)
    created_at: datetime = _time(default_factory=utcnow)
    delivered_at: datetime | None = _time(default=None)
    message_id: int | None = Field(default=None, sa_type=BigInteger)
    last_error: str | None = Field(default=None, max_length=2000)


class DigestRun(SQLModel, table=True):
    """A digest composed for one channel and period; the unique key makes reruns no-ops
    (and two racing jobs, which start where the last digest ended, cannot both post)."""

    __tablename__ = "digest_runs"
    __table_args__ = (UniqueConstraint("channel_id", "period_start"),)

    id: int | None = Field(default=None, primary_key=True)
    channel_id: int = Field(sa_type=BigInteger)
    period_start: datetime = _time()
    period_end: datetime = _time()
    created_at: datetime = _time(default_factory=utcnow)
    outbox_key: str | None = Field(default=None, max_length=200)


class DecisionLog(SQLModel, table=True):
    """Why an entry was or was not posted: the answer to 'where did my item go?'."""

    __tablename__ = "decisions"

    id: int | None = Field(default=None, sa_type=BigId, primary_key=True)
    at: datetime = _time(default_factory=utcnow, index=True)
    feed_id: int | None = Field(default=None, foreign_key="feeds.id", index=True)
    entry_id: int | None = Field(default=None, foreign_key="entries.id")
    article_id: int | None = Field(default=None, foreign_key="articles.id")
    link: str | None = Field(default=None, max_length=2048, index=True)
    identity_hash: str | None = Field(default=None, max_length=64)
    decision: str = Field(max_length=32, index=True)
    detail: str | None = Field(default=None, max_length=2000)
    http_status: int | None = None
