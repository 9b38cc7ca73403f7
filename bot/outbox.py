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
from bot.store.models import OutboxMessage


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
