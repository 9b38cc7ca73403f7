"""Outbox rows for tests, written from a payload given as the database holds it.

The code's writers build typed records (:mod:`bot.core.outbox`) and call
:func:`bot.store.outbox.enqueue_payload`; a test often says a row more briefly as
its kind and JSON. :func:`enqueue` reads that JSON as its record and enqueues the
record through the same path, so the stored row is exactly the one given, and a
row no writer could write (an alert row whose payload names another kind, a kind
without a record) is refused rather than stored.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session

from bot.config.schema import DiscordSettings
from bot.core.outbox import OtherPayload, parse_payload
from bot.store.outbox import enqueue_payload, payload_kind


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
    """Enqueue ``payload`` under ``kind`` as its typed record; True when it was added."""
    record = parse_payload(kind, payload)
    if isinstance(record, OtherPayload):
        raise ValueError(f"no writer writes {kind!r} rows")
    if payload_kind(record) != kind:
        raise ValueError(f"a {kind!r} row whose payload names {payload_kind(record)!r}")
    assert record.to_json() == payload  # the row stored is the one given
    return enqueue_payload(
        session, key=key, record=record, route=route, at=at, discord=discord, due=due
    )
