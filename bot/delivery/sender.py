"""Delivering the outbox: each message exactly once, to Discord or to the terminal.

A row is marked as attempted (and committed) before anything is sent, so after a
crash the sender knows a message may already be out. Two things then stop a
duplicate: the nonce each part is sent with (derived from the dedupe key; Discord
returns the first message for a repeated nonce within minutes), and, for a row
that was attempted before, a look at the channel's recent messages before sending
again. A sink raises a :class:`~bot.core.send_errors.SendError`, and the failure is
sorted by its class (the tree is drawn in :mod:`bot.core.send_errors`):

- a 5xx, a timeout, Discord unreachable or a long rate-limit wait (``SendError``,
  ``Unreachable``, ``RateLimited``): the row goes back to the outbox with a later
  ``next_attempt_at`` (backoff, or the wait Discord named), nothing is lost;
- a message Discord will never accept (``Refused``, a 400): that row alone fails,
  the admins are told, and its route goes on;
- 403 or 404 (missing permission, deleted channel; ``RouteBroken``): that route
  stops for this process, the row is marked failed with the reason, the admins are
  told, and every other route goes on;
- a route with no channel configured yet (``NoChannel``) stops the same way, but
  its messages wait in the outbox for the channel to be set.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Protocol, TextIO

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from bot.backoff import capped_doubling
from bot.config.schema import Settings
from bot.core.outbox import AdminPayload
from bot.core.send_errors import (
    UNREACHABLE,
    NoChannel,
    RateLimited,
    Refused,
    RouteBroken,
    SendError,
)
from bot.delivery.messages import Draft, draft_for, fit
from bot.store.models import OutboxMessage, OutboxStatus
from bot.store.outbox import enqueue_feed_events, enqueue_payload, posting_order
from bot.time_text import TimeText

log = logging.getLogger("trendbot.sender")

BACKOFF_BASE = timedelta(seconds=30)
BACKOFF_MAX = timedelta(hours=1)
FIND_SLACK = timedelta(minutes=1)  # clock differences between us and Discord


class Sink(Protocol):
    """Where drafts go: Discord, the terminal, a test.

    A send that does not happen raises a :class:`~bot.core.send_errors.SendError`
    (of the class that says why); anything else is a bug and propagates.
    """

    async def send(
        self, channel_id: int | None, route: str, draft: Draft, nonce: str
    ) -> int | None:
        """Post one message; return its id (None where ids do not exist)."""

    async def find_sent(
        self,
        channel_id: int | None,
        route: str,
        draft: Draft,
        nonce: str,
        since: datetime | None = None,
    ) -> int | None:
        """The id of this message if an earlier attempt already posted it (after ``since``)."""


def nonce_for(key: str, part: int) -> str:
    """A nonce Discord accepts (at most 25 characters) that a repeat reproduces exactly."""
    digest = hashlib.sha256(f"{key}#{part}".encode()).digest()
    return str(int.from_bytes(digest[:8], "big") & (2**63 - 1))


@dataclass
class DeliveryReport:
    delivered: int = 0
    deferred: int = 0
    failed: int = 0
    broken_routes: list[str] = field(default_factory=list)


class Sender:
    """Delivers pending outbox rows through a sink; one instance per running service."""

    def __init__(
        self,
        settings: Settings,
        engine: Engine,
        sink: Sink,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.settings = settings
        self.engine = engine
        self.sink = sink
        self.clock = clock
        self.broken: dict[str, str] = {}  # route -> why it stopped

    # Every database step runs in a thread with a short session of its own: the
    # sender shares the event loop with Discord's gateway, and a write waiting for
    # SQLite's lock must not stall the loop (Discord drops a bot that stops answering).

    def _due(self, limit: int) -> list[OutboxMessage]:
        now = self.clock()
        with Session(self.engine, expire_on_commit=False) as session:
            if enqueue_feed_events(session, self.settings.discord, now):
                session.commit()
            query = select(OutboxMessage).where(
                col(OutboxMessage.status) == OutboxStatus.PENDING,
                col(OutboxMessage.next_attempt_at) <= now,
            )
            if self.broken:  # a stopped route's backlog must not crowd out the others
                query = query.where(col(OutboxMessage.route).not_in(list(self.broken)))
            # news oldest first across batches too, not only within this one
            return list(session.exec(query.order_by(*posting_order()).limit(limit)).all())

    def _update(self, row_id: int, **values: object) -> None:
        with Session(self.engine) as session:
            row = session.get(OutboxMessage, row_id)
            if row is None:
                return
            for name, value in values.items():
                setattr(row, name, value)
            session.add(row)
            session.commit()

    def retry_unreachable_now(self) -> int:
        """Make the rows deferred because Discord could not be reached due now; how many.

        Their backoff grew while Discord was away (up to an hour); once the bot is
        connected again waiting it out would only delay what the outage held back.
        """
        now = self.clock()
        with Session(self.engine) as session:
            rows = session.exec(
                select(OutboxMessage).where(
                    col(OutboxMessage.status) == OutboxStatus.PENDING,
                    col(OutboxMessage.next_attempt_at) > now,
                    col(OutboxMessage.last_error).startswith(UNREACHABLE),
                )
            ).all()
            for row in rows:
                row.next_attempt_at = now
                session.add(row)
            session.commit()
        return len(rows)

    async def deliver(self, limit: int = 100) -> DeliveryReport:
        """Deliver what is due, oldest first; never raises for a delivery failure."""
        report = DeliveryReport()
        for row in await asyncio.to_thread(self._due, limit):
            if row.route in self.broken:
                continue
            await self._deliver_one(row, report)
        report.broken_routes = sorted(self.broken)
        return report

    async def _deliver_one(self, row: OutboxMessage, report: DeliveryReport) -> None:
        assert row.id is not None
        # its times read against the row's creation, so a retry renders the same text
        times = TimeText.of(self.settings.schedule.timezone, row.created_at)
        draft_parts = fit(draft_for(row.kind, row.payload, times))
        channel = self.settings.discord.channel_for(row.route)
        earlier_attempt = row.attempts > 0
        # from here on, a crash means "maybe sent": the next try looks before it sends
        await asyncio.to_thread(self._update, row.id, attempts=row.attempts + 1)
        sent_parts = list(row.payload.get("_sent_parts", []))
        try:
            for index, part in enumerate(draft_parts):
                if index < len(sent_parts):
                    continue
                nonce = nonce_for(row.dedupe_key, index)
                message_id = None
                if earlier_attempt:
                    message_id = await self.sink.find_sent(
                        channel, row.route, part, nonce, since=row.created_at - FIND_SLACK
                    )
                if message_id is None:
                    message_id = await self.sink.send(channel, row.route, part, nonce)
                sent_parts.append(message_id)
                if len(draft_parts) > 1:  # remember progress of a message sent in parts
                    payload = {**row.payload, "_sent_parts": list(sent_parts)}
                    await asyncio.to_thread(self._update, row.id, payload=payload)
        except SendError as exc:
            await asyncio.to_thread(self._failed, row, exc, report)
            return
        await asyncio.to_thread(
            self._update,
            row.id,
            status=OutboxStatus.DELIVERED,
            delivered_at=self.clock(),
            message_id=sent_parts[0] if sent_parts else None,
            last_error=None,
        )
        report.delivered += 1

    def _failed(self, row: OutboxMessage, exc: SendError, report: DeliveryReport) -> None:
        reason = str(exc)[:2000]
        values: dict[str, object] = {"last_error": reason}
        if isinstance(exc, Refused):
            values["status"] = OutboxStatus.FAILED
            report.failed += 1
            log.warning("message %s refused by Discord: %s", row.dedupe_key, reason)
        elif isinstance(exc, RouteBroken):
            if isinstance(exc, NoChannel):  # its messages wait for the channel to be set
                report.deferred += 1
            else:
                values["status"] = OutboxStatus.FAILED
                report.failed += 1
            self.broken[row.route] = reason
            log.warning("route %s stopped: %s", row.route, reason)
        else:
            delay = (
                timedelta(seconds=exc.retry_after)
                if isinstance(exc, RateLimited)
                else capped_doubling(BACKOFF_BASE, BACKOFF_MAX, row.attempts)
            )
            values["next_attempt_at"] = self.clock() + delay
            report.deferred += 1
            log.info("delivery of %s deferred by %s: %s", row.dedupe_key, delay, reason)
        assert row.id is not None
        self._update(row.id, **values)
        if isinstance(exc, RouteBroken | Refused):
            with Session(self.engine) as session:
                self._tell_admins(session, row, reason, refused=isinstance(exc, Refused))
                session.commit()

    def _tell_admins(
        self, session: Session, row: OutboxMessage, reason: str, *, refused: bool = False
    ) -> None:
        """A notice on the alerts route (or, when that is the broken one, only the log)."""
        if row.route == "alerts" or row.kind == "admin":
            return
        now = self.clock()
        if refused:
            key = f"message-refused:{row.dedupe_key}"[:200]
            text = (
                f"A {row.kind} message for route {row.route!r} was refused by Discord and "
                f"will not be retried: {reason}."
            )
        else:
            key = f"route-stopped:{row.route}:{now:%Y-%m-%d}"
            text = (
                f"Posting to route {row.route!r} stopped: {reason}. "
                "Fix the channel or its permissions, then restart or reload trendbot."
            )
        enqueue_payload(
            session,
            key=key,
            record=AdminPayload(text=text),
            route="alerts",
            at=now,
            discord=self.settings.discord,
        )


class ConsoleSink:
    """Prints what would be posted: the sink without a Discord token, and for the demo."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stdout

    async def send(
        self, channel_id: int | None, route: str, draft: Draft, nonce: str
    ) -> int | None:
        where = f"#{route}" + (f" ({channel_id})" if channel_id else "")
        text = re.sub(r"\\(.)", r"\1", draft.text())  # Discord escapes, shown as read
        self.stream.write(f"--- {where}\n{text}\n")
        self.stream.flush()
        return None

    async def find_sent(
        self,
        channel_id: int | None,
        route: str,
        draft: Draft,
        nonce: str,
        since: datetime | None = None,
    ) -> int | None:
        return None
