"""Whether the database can serve now: the gate the jobs pass, and the wait at start.

A database that goes away (SQLite read-only, full or locked; PostgreSQL down) is
an outage to wait out, not an exit: one line when it goes, one when it is back,
and the jobs skip their turns meanwhile. :class:`DatabaseGate` is the service's
view of that while it runs; :func:`open_when_available` is the same wait before
there is an engine at all (a reboot that starts trendbot before PostgreSQL).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy.engine import Engine

from bot.backoff import attempt_wait
from bot.config.durations import format_duration
from bot.daemon_thread import in_daemon_thread
from bot.store.db import DatabaseError, DatabaseUnavailable, check_writable, describe, faults

log = logging.getLogger("trendbot.service")

# waits between attempts: doubling from the first, never longer than the cap
DATABASE_RETRY_FIRST = timedelta(seconds=2)
DATABASE_RETRY_MAX = timedelta(minutes=5)


class DatabaseGate:
    """Whether the jobs may use the database now, and the wait for it to come back.

    Every fault the engine meets (in any job, in any thread, even one the job
    swallowed: the engine's fault watch calls ``fault``) closes the gate; the first
    is logged, the others while it is closed are not, so an outage is one line, not
    one per job and attempt. A write probe, retried with capped backoff, opens it
    again, with one line saying so. A database that fails again soon after it came
    back goes on with the longer waits instead of starting over.
    """

    def __init__(
        self,
        engine: Engine,
        *,
        first: timedelta = DATABASE_RETRY_FIRST,
        cap: timedelta = DATABASE_RETRY_MAX,
        on_back: Callable[[], None] | None = None,
    ) -> None:
        self.engine = engine
        self.first, self.cap = first, cap
        self.on_back = on_back
        self.down: DatabaseUnavailable | None = None
        self._attempts = 0
        self._back_at: datetime | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._probe: asyncio.Task | None = None
        self._closed = False
        faults(engine).listen(self.fault)

    def is_open(self) -> bool:
        return self.down is None

    def bind(self, loop: asyncio.AbstractEventLoop) -> None:
        """The loop the gate lives on; faults met in threads are handed to it."""
        self._loop = loop

    def fault(self, fault: DatabaseUnavailable) -> None:
        """A job met ``fault`` (called in the thread that met it)."""
        loop = self._loop
        if loop is None or loop.is_closed() or self._closed:
            return
        try:
            here = asyncio.get_running_loop()
        except RuntimeError:
            here = None
        if here is loop:
            self._close(fault)
        else:
            loop.call_soon_threadsafe(self._close, fault)

    def _close(self, fault: DatabaseUnavailable) -> None:
        if self.down is not None or self._closed:
            return
        self.down = fault
        now = datetime.now(UTC)
        if self._back_at is None or now - self._back_at > self.cap:
            self._attempts = 0  # it had been fine for a while: a new outage
        delay = attempt_wait(self._attempts + 1, self.first, self.cap)
        log.error(
            "%s; jobs paused until it is back (next check in %s)", fault, format_duration(delay)
        )
        self._probe = asyncio.get_running_loop().create_task(self._wait_until_back())

    async def _wait_until_back(self) -> None:
        while True:
            self._attempts += 1
            await asyncio.sleep(attempt_wait(self._attempts, self.first, self.cap).total_seconds())
            try:
                # a daemon thread: a probe waiting out a lock must not hold up a SIGTERM
                await in_daemon_thread(check_writable, self.engine)
            except DatabaseError:
                continue
            except Exception as exc:  # a bug in the probe must not end the wait silently
                log.warning("database check failed: %s: %s", type(exc).__name__, exc)
                continue
            break
        self.down = None
        self._back_at = datetime.now(UTC)
        log.info("database %s is back; jobs resumed", describe(self.engine.url))
        if self.on_back is not None:
            self.on_back()

    def close(self) -> None:
        """Stop waiting (the service is stopping)."""
        self._closed = True
        if self._probe is not None:
            self._probe.cancel()


async def open_when_available(database: str, stop: asyncio.Event) -> Engine | None:
    """The service's engine, waiting (capped backoff) while the database cannot serve.

    A reboot can start trendbot before PostgreSQL, or find the SQLite file read-only
    or locked: that is reported once and waited out, not an exit. None when told to
    stop meanwhile. A database that cannot work at all (a bad URL, a wrong password,
    an uncreatable folder) is still a ``DatabaseError``: waiting would not help.
    """
    from bot.store import open_database

    stopper = asyncio.ensure_future(stop.wait())
    attempt = 0
    try:
        while True:
            # a daemon thread: an attempt waiting out a lock must not hold up a SIGTERM
            opening = in_daemon_thread(open_database, database, write=True)
            done, _ = await asyncio.wait({opening, stopper}, return_when=asyncio.FIRST_COMPLETED)
            if opening not in done:
                opening.add_done_callback(_quietly)
                return None
            try:
                engine = opening.result()
            except DatabaseUnavailable as exc:
                attempt += 1
                delay = attempt_wait(attempt, DATABASE_RETRY_FIRST, DATABASE_RETRY_MAX)
                if attempt == 1:
                    log.error("%s; waiting for it (next check in %s)", exc, format_duration(delay))
                if await _stopped_within(stop, delay):
                    return None
                continue
            if attempt:
                log.info("database %s is available; starting", describe(engine.url))
            return engine
    finally:
        stopper.cancel()


def _quietly(future: asyncio.Future) -> None:
    if not future.cancelled():
        future.exception()  # retrieved: an abandoned attempt's error is not logged


async def _stopped_within(stop: asyncio.Event, delay: timedelta) -> bool:
    try:
        await asyncio.wait_for(stop.wait(), delay.total_seconds())
    except TimeoutError:
        return False
    return True
