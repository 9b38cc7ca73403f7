"""Putting messages in the outbox, exactly once per dedupe key.

Every message is written here before anything is sent: a crash can then neither
lose it nor send it twice, and a second attempt to announce the same event (a
rerun, a restart, two overlapping jobs) finds the key taken and does nothing.

News is posted oldest first. A feed lists its newest item first and the crawler
stores a poll's items as their pages arrive, so the order of the rows says
nothing about the order of the stories. The news of a poll is therefore held
(:data:`NEWS_HOLD`) until the poll is recorded, then released at once
(:func:`release_news`), and the sender takes due news in published order
(:func:`in_posting_order`): a channel reads the stories of one crawl as they
happened, never the newest first or in the order the pages loaded. A poll that
never finishes (a crash, a stop) leaves its news held for NEWS_HOLD at most.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from bot.config.schema import DiscordSettings
from bot.store.models import Feed, FeedEvent, OutboxMessage, OutboxStatus

# How long a poll's news may wait for the poll to be recorded: longer than a poll of
# many slow pages takes, short enough that news held by a crashed poll is not stale.
NEWS_HOLD = timedelta(minutes=15)


def enqueue(
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
    """Add a message unless its key is already in the outbox; True when it was added.

    It is due at ``due`` (default ``at``, its creation time). The caller commits.
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
        )
    ).all()
    released = 0
    for row in held:
        if row.payload.get("feed") == feed:
            row.next_attempt_at = now
            session.add(row)
            released += 1
    return released


def in_posting_order(rows: Sequence[OutboxMessage]) -> list[OutboxMessage]:
    """Due rows in the order to post them: news by published time, oldest first.

    Other messages keep their places; the news rows fill the places news held,
    oldest story first (an undated story counts as published when it was queued,
    and equal times keep the queue's order).
    """
    news = sorted(
        (row for row in rows if row.kind == "news"),
        key=lambda row: (_published(row), row.id or 0),
    )
    stories = iter(news)
    return [next(stories) if row.kind == "news" else row for row in rows]


def _published(row: OutboxMessage) -> datetime:
    value = row.payload.get("published")
    moment = None
    if isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            moment = None
    moment = moment or row.created_at
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


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
        enqueue(
            session,
            key=f"health:{event.id}",
            kind="health",
            route="alerts",
            payload={
                "feed": name,
                "health_from": event.health_from,
                "health_to": event.health_to,
                "message": event.message,
            },
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
    return enqueue(
        session,
        key=f"config-invalid:{version}",
        kind="admin",
        route="alerts",
        payload={"text": text + "\n".join(problems)},
        at=now,
        discord=discord,
    )
