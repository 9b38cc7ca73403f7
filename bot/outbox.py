"""Putting messages in the outbox, exactly once per dedupe key.

Every message is written here before anything is sent: a crash can then neither
lose it nor send it twice, and a second attempt to announce the same event (a
rerun, a restart, two overlapping jobs) finds the key taken and does nothing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from bot.config.schema import DiscordSettings
from bot.store.models import Feed, FeedEvent, OutboxMessage


def enqueue(
    session: Session,
    *,
    key: str,
    kind: str,
    route: str,
    payload: dict[str, Any],
    at: datetime,
    discord: DiscordSettings,
) -> bool:
    """Add a message unless its key is already in the outbox; True when it was added.

    The caller commits. The insert runs in a savepoint so that losing a race to
    another writer of the same key leaves the caller's transaction usable.
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
        next_attempt_at=at,
    )
    try:
        with session.begin_nested():
            session.add(message)
    except IntegrityError:
        return False
    return True


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
