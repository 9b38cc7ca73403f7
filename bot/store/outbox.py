"""Putting messages in the outbox, exactly once per dedupe key.

Every message is written here before anything is sent: a crash can then neither
lose it nor send it twice, and a second attempt to announce the same event (a
rerun, a restart, two overlapping jobs) finds the key taken and does nothing.
Every writer builds its payload as a typed record (:mod:`bot.core.outbox`) and
hands it to :func:`enqueue_payload`, which stores it as JSON under the record's
kind: the dictionary exists only here, at the database's edge.

News is posted oldest first. A feed lists its newest item first and the crawler
stores a poll's items as their pages arrive, so the order of the rows says
nothing about the order of the stories. The news of a poll is therefore held
until the poll is recorded, then released at once (:func:`release_news`), and
the sender selects due news in published order (:func:`posting_order`, in SQL,
so that a backlog sent in many batches comes out oldest first across them): a
channel reads the stories as they
happened, never the newest first or in the order the pages loaded. A poll that
never finishes (a crash, a stop) leaves its news held for :data:`NEWS_HOLD` at most.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import DateTime, String, case, cast, func
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.functions import FunctionElement
from sqlmodel import Session, col, select

from bot.config.schema import DiscordSettings
from bot.core.outbox import (
    ALERT_KINDS,
    AdminPayload,
    AlertPayload,
    DigestPayload,
    HealthPayload,
    HubHealthPayload,
    NewsPayload,
    OutboxKind,
)
from bot.store.models import Feed, FeedEvent, OutboxMessage, OutboxStatus

# A poll's news is held until the poll is recorded (release_news, whatever the poll's
# outcome), however long the poll takes; this is only the safety limit for a poll that
# is never recorded (a crash, a kill). It must outlast the slowest real poll (500
# items whose pages each take up to http.timeout.total, a few at a time, can take
# well over 15 minutes): expiring mid-poll would post that poll's news newest first.
# An hour also bounds how late a crashed poll's news is.
NEWS_HOLD = timedelta(hours=1)

# The payloads a writer builds: every record of bot.core.outbox but OtherPayload,
# which only holds what a reader found under a kind it does not know.
TypedPayload = (
    NewsPayload | AlertPayload | HealthPayload | HubHealthPayload | AdminPayload | DigestPayload
)


def _add_row(
    session: Session,
    *,
    key: str,
    kind: str,
    route: str,
    payload: dict[str, Any],
    at: datetime,
    discord: DiscordSettings,
    due: datetime | None = None,
) -> bool:
    """Add a row unless its key is already in the outbox; True when it was added.

    The insert runs in a savepoint so that losing a race to another writer of the
    same key leaves the caller's transaction usable.
    """
    taken = session.exec(
        select(OutboxMessage.id).where(col(OutboxMessage.dedupe_key) == key)
    ).first()
    if taken is not None:
        return False
    message = OutboxMessage(
        dedupe_key=key,
        kind=kind,
        route=route,
        channel_id=discord.channel_for(route),
        payload=payload,
        created_at=at,
        next_attempt_at=due or at,
    )
    try:
        with session.begin_nested():
            session.add(message)
    except IntegrityError:
        return False
    return True


def payload_kind(record: TypedPayload) -> OutboxKind:
    """The kind of the outbox row that holds ``record``.

    Each record has its kind, but an alert names its own (one record serves the
    four alert kinds): a record built in code names one of :data:`ALERT_KINDS`,
    and anything else (the default ``"alert"``) is refused with ValueError.
    """
    if isinstance(record, AlertPayload):
        if record.alert_kind not in ALERT_KINDS:
            raise ValueError(f"not an alert kind: {record.alert_kind!r}")
        return OutboxKind(record.alert_kind)
    return record.kind


def enqueue_payload(
    session: Session,
    *,
    key: str,
    record: TypedPayload,
    route: str,
    at: datetime,
    discord: DiscordSettings,
    due: datetime | None = None,
) -> bool:
    """Add a message unless its key is already in the outbox; True when it was added.

    The row's kind is the record's (:func:`payload_kind`), its payload
    ``record.to_json()``. It is due at ``due`` (default ``at``, its creation time).
    The caller commits.
    """
    return _add_row(
        session,
        key=key,
        kind=payload_kind(record).value,
        route=route,
        payload=record.to_json(),
        at=at,
        discord=discord,
        due=due,
    )


def release_news(session: Session, feed: str, now: datetime) -> int:
    """Make the held news of ``feed`` due now, its poll being recorded (caller commits).

    Only rows never attempted and still held are touched: a row waiting out a
    delivery backoff keeps its wait. Returns how many rows were released.
    """
    held = session.exec(
        select(OutboxMessage).where(
            col(OutboxMessage.kind) == "news",
            col(OutboxMessage.status) == OutboxStatus.PENDING,
            col(OutboxMessage.attempts) == 0,
            col(OutboxMessage.next_attempt_at) > now,
            col(OutboxMessage.payload)["feed"].as_string() == feed,
        )
    ).all()
    for row in held:
        row.next_attempt_at = now
        session.add(row)
    return len(held)


class _story_time(FunctionElement[str]):
    """A news row's story time in SQL: ``published``
    from the payload (in UTC whatever its offset), else when the row was queued."""

    type = String()
    name = "story_time"
    inherit_cache = True


def _payload_published() -> ColumnElement[str]:
    return col(OutboxMessage.payload)["published"].as_string()


@compiles(_story_time)
def _story_time_sqlite(element: _story_time, compiler: SQLCompiler, **kw: Any) -> str:
    # strftime reads ISO 8601 with an offset, converts it to UTC and gives NULL for
    # anything else; the same text format for both, so they compare as times
    fmt = "%Y-%m-%d %H:%M:%f"
    published = func.strftime(fmt, _payload_published())
    queued = func.strftime(fmt, col(OutboxMessage.created_at))
    return compiler.process(func.coalesce(published, queued), **kw)


@compiles(_story_time, "postgresql")
def _story_time_postgresql(element: _story_time, compiler: SQLCompiler, **kw: Any) -> str:
    published = _payload_published()
    # a cast of text that is no time would fail the whole query: only ISO-looking text
    looks_like_a_time = published.regexp_match(r"^\d{4}-\d\d-\d\d[T ]\d\d:\d\d")
    stamp = case((looks_like_a_time, cast(published, DateTime(timezone=True))))
    return compiler.process(func.coalesce(stamp, col(OutboxMessage.created_at)), **kw)


def posting_order() -> tuple[ColumnElement[Any], ...]:
    """The ORDER BY that selects due rows in posting order, for any number of batches.

    Other messages first, in queue order (an alert or a digest does not wait behind
    a backlog of news), then news oldest story first (an undated story, or one whose
    date is no time, as of its queueing; equal times in queue order).
    Ordering in the query, not only in each batch, is what keeps a backlog after an
    outage oldest first: a batch of the first rows queued would hold newer stories
    than the next one.
    """
    is_news = col(OutboxMessage.kind) == "news"
    return case((is_news, 1), else_=0), case((is_news, _story_time())), col(OutboxMessage.id)


def enqueue_feed_events(session: Session, discord: DiscordSettings, now: datetime) -> int:
    """Each change of a feed's health, once, to the alerts route (caller commits).

    A feed that starts failing, fails for good or recovers is the thing feed-bot
    users most want to hear about: silence is how they lose news without knowing.
    """
    events = session.exec(
        select(FeedEvent, Feed.name)
        .join(Feed, col(Feed.id) == col(FeedEvent.feed_id))
        .where(col(FeedEvent.reported_at).is_(None))
        .order_by(col(FeedEvent.id))
    ).all()
    for event, name in events:
        record = HealthPayload(
            feed=name,
            health_from=event.health_from,
            health_to=event.health_to,
            message=event.message,
        )
        enqueue_payload(
            session,
            key=f"health:{event.id}",
            record=record,
            route="alerts",
            at=now,
            discord=discord,
        )
        event.reported_at = now
        session.add(event)
    return len(events)


def enqueue_config_problems(
    session: Session, discord: DiscordSettings, problems: list[str], version: int, now: datetime
) -> bool:
    """Tell the admins, once per version of the file, why an edit of config.yaml was kept out."""
    text = "config.yaml was changed but is invalid; the running configuration is kept:\n"
    return enqueue_payload(
        session,
        key=f"config-invalid:{version}",
        record=AdminPayload(text=text + "\n".join(problems)),
        route="alerts",
        at=now,
        discord=discord,
    )
