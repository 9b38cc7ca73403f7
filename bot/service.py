"""`trendbot run`: the scheduler, the crawler, the Hub job, digests and delivery, in one loop.

Everything runs on one asyncio event loop (the Discord bot's, when there is a
token): APScheduler's ``AsyncIOScheduler`` fires the jobs, CPU-bound work goes to
the worker processes and blocking database or Hub calls to threads, so the loop
stays free to answer Discord. Without a token the same jobs run and the outbox
is delivered to the terminal instead (the same drafts).

Jobs, each with ``max_instances=1`` and ``coalesce=True`` (a job that falls behind
runs once, not once per missed slot):

- crawl: every 10 s, the feeds that are due (each feed's interval, backoff and
  ``Retry-After`` live in the database, so a restart resumes them);
- hub: every ``hub.snapshot_interval``, first a minute after start;
- digest: on ``schedule.digest`` (cron, in ``schedule.timezone``);
- outbox and config watcher: the bot's own loops with Discord, jobs here without.

Outages do not stop it. Discord unreachable at start (a reboot during an outage):
the jobs run and the outbox fills while the login is retried with capped backoff,
one log line per attempt; only a token Discord rejects is fatal. The database
read-only, full, locked or down: reported once, the jobs skip their turns while a
write probe is retried with capped backoff, and once it passes they resume (a
digest or snapshot that was skipped runs then). Each job's work is one transaction
or a few, so what was stored stays stored.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.engine import Engine

from bot.backoff import capped_doubling
from bot.config.durations import format_duration
from bot.config.schema import Settings
from bot.config.watch import ConfigWatcher
from bot.store.db import (
    DatabaseError,
    DatabaseUnavailable,
    check_writable,
    describe,
    error_line,
    faults,
)

if TYPE_CHECKING:
    from bot.discord.bot import TrendBot
    from bot.sender import Sender

log = logging.getLogger("trendbot.service")
T = TypeVar("T")

CRAWL_EVERY = timedelta(seconds=10)
FIRST_SNAPSHOT_AFTER = timedelta(minutes=1)
CONSOLE_SEND_EVERY = timedelta(seconds=2)
WATCH_EVERY = timedelta(seconds=5)
STOP_GRACE = timedelta(seconds=7)  # SIGTERM to exit stays under 10 s
# waits between attempts: doubling from the first, never longer than the cap
DISCORD_RETRY_FIRST = timedelta(seconds=1)
DISCORD_RETRY_MAX = timedelta(minutes=2)
DATABASE_RETRY_FIRST = timedelta(seconds=2)
DATABASE_RETRY_MAX = timedelta(minutes=5)
CATCH_UP_JOBS = ("hub", "digest")  # skipped while the database was away: run once it is back


def backoff(attempt: int, first: timedelta, cap: timedelta) -> timedelta:
    """The wait before retry number ``attempt`` (1, 2, ...): ``first`` doubled each time,
    at most ``cap``. No jitter: one bot is not a thundering herd, and a fixed series
    is one the admin can read in the log."""
    return capped_doubling(first, cap, max(attempt, 1) - 1)


def in_daemon_thread(function: Callable[..., T], *args: object, **kwargs: object) -> Awaitable[T]:
    """Run a long blocking job (a Hub snapshot, a digest) in a daemon thread.

    ``asyncio.to_thread`` threads are joined when the loop closes, so a snapshot
    waiting on a slow Hub would hold a SIGTERM hostage; a daemon thread is simply
    left behind, and its transaction, never committed, leaves the database as it was.
    """
    loop = asyncio.get_running_loop()
    future: asyncio.Future[T] = loop.create_future()

    def work() -> None:
        try:
            result = function(*args, **kwargs)
        except BaseException as exc:  # handed to the awaiting coroutine
            outcome: tuple[object, BaseException | None] = (None, exc)
        else:
            outcome = (result, None)
        # the loop may be gone: the service stopped and left this thread behind
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(_settle, future, *outcome)

    threading.Thread(target=work, name=f"trendbot-{function.__name__}", daemon=True).start()
    return future


def _settle(future: asyncio.Future, result: object, error: BaseException | None) -> None:
    if future.done():
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(result)


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
        delay = backoff(self._attempts + 1, self.first, self.cap)
        log.error(
            "%s; jobs paused until it is back (next check in %s)", fault, format_duration(delay)
        )
        self._probe = asyncio.get_running_loop().create_task(self._wait_until_back())

    async def _wait_until_back(self) -> None:
        while True:
            self._attempts += 1
            await asyncio.sleep(backoff(self._attempts, self.first, self.cap).total_seconds())
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


@dataclass
class Service:
    """What the jobs share: the current settings (replaced on reload) and the edges."""

    settings: Settings
    engine: Engine
    config_path: Path | None
    scheduler: AsyncIOScheduler = field(init=False)
    _crawl_lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    def __post_init__(self) -> None:
        self.scheduler = AsyncIOScheduler(timezone=UTC)
        self.stopping = threading.Event()  # read by the Hub listing between pages
        self.watcher = ConfigWatcher(self.config_path)
        self.gate = DatabaseGate(self.engine, on_back=self._catch_up)
        self._missed: set[str] = set()

    def start(self) -> None:
        """Start the scheduler on the running loop (the gate hands faults to it)."""
        self.gate.bind(asyncio.get_running_loop())
        self.scheduler.start()

    def _paused(self, job: str) -> bool:
        """True while the database is away; the job's turn is then remembered."""
        if self.gate.is_open():
            return False
        self._missed.add(job)
        return True

    def _database_failed(self, job: str, exc: DatabaseError) -> None:
        if isinstance(exc, DatabaseUnavailable):
            self.gate.fault(exc)  # logged once by the gate, however many jobs meet it
            self._missed.add(job)
        else:
            log.error("%s failed: %s", job, exc)

    def _catch_up(self) -> None:
        """The database is back: a digest or snapshot skipped meanwhile runs now."""
        now = datetime.now(UTC)
        for job_id in CATCH_UP_JOBS:
            if job_id in self._missed and self.scheduler.get_job(job_id) is not None:
                self.scheduler.modify_job(job_id, next_run_time=now)
        self._missed.clear()

    async def wind_down(self) -> None:
        """No new jobs; a crawl in flight gets STOP_GRACE to finish, a snapshot is cut short."""
        self.stopping.set()
        self.gate.close()
        if not self.scheduler.running:
            return
        self.scheduler.pause()
        try:
            async with asyncio.timeout(STOP_GRACE.total_seconds()):
                async with self._crawl_lock:
                    pass
        except TimeoutError:
            log.warning("stopping in the middle of a crawl; it resumes from the database")
        self.scheduler.shutdown(wait=False)

    # -- jobs ------------------------------------------------------------------------

    async def crawl_due(self, workers, fetcher) -> None:
        from bot.crawl import Crawler

        if self._crawl_lock.locked() or self._paused("crawl"):
            return
        async with self._crawl_lock:
            try:
                summary = await Crawler(self.settings, self.engine, fetcher, workers).crawl()
            except asyncio.CancelledError:  # stopping: what was stored stays, the rest resumes
                log.info("crawl abandoned: trendbot is stopping")
                return
            except DatabaseError as exc:
                self._database_failed("crawl", exc)
                return
            except Exception:
                log.exception("crawl pass failed")
                return
            totals = summary.as_json()
            if totals["feeds"]:
                log.info(
                    "crawl feeds=%s new=%s stored=%s failed=%s",
                    totals["feeds"],
                    totals["entries_new"],
                    totals["articles_stored"],
                    totals["failed"],
                )

    async def snapshot(self) -> None:
        from bot.snapshot_job import take_snapshot

        if not self.settings.hub.authors or self._paused("hub"):
            return
        try:
            report = await in_daemon_thread(
                take_snapshot, self.settings, self.engine, stop=self.stopping
            )
        except asyncio.CancelledError:  # the service is stopping: nothing was committed
            log.info("Hub snapshot abandoned: trendbot is stopping")
            return
        except DatabaseError as exc:
            self._database_failed("hub", exc)
            return
        except Exception:
            log.exception("Hub snapshot failed")
            return
        log.info(
            "hub snapshot complete=%s models=%s requests=%s alerts=%s",
            report.complete,
            report.models,
            report.requests,
            len(report.alerts),
        )

    async def digest(self) -> None:
        from bot.digest_job import post_digest

        if self._paused("digest"):
            return
        try:
            outcome = await in_daemon_thread(post_digest, self.settings, self.engine)
        except asyncio.CancelledError:  # the service is stopping: nothing was committed
            log.info("digest abandoned: trendbot is stopping")
            return
        except DatabaseError as exc:
            self._database_failed("digest", exc)
            return
        except Exception:
            log.exception("digest failed")
            return
        log.info("digest %s posted=%s", outcome.key, outcome.posted)

    async def deliver(self, sender: Sender) -> None:
        """One outbox pass on the terminal (with Discord the bot's own loop does this)."""
        if self._paused("outbox"):
            return
        try:
            await sender.deliver()
        except DatabaseError as exc:
            self._database_failed("outbox", exc)
        except Exception:  # the job must survive anything; the row stays pending
            log.exception("outbox delivery pass failed")

    def schedule(self, workers, fetcher, *, console_sender=None) -> None:
        """(Re)build every job from the current settings, without duplicates."""
        settings = self.settings
        common = {"max_instances": 1, "coalesce": True, "replace_existing": True}
        now = datetime.now(UTC)
        self.scheduler.add_job(
            self.crawl_due,
            IntervalTrigger(seconds=CRAWL_EVERY.total_seconds()),
            args=(workers, fetcher),
            id="crawl",
            next_run_time=now + timedelta(seconds=2),
            misfire_grace_time=60,
            **common,
        )
        self.scheduler.add_job(
            self.snapshot,
            IntervalTrigger(seconds=settings.hub.snapshot_interval.total_seconds()),
            id="hub",
            next_run_time=self._next_snapshot(now),
            misfire_grace_time=int(settings.hub.snapshot_interval.total_seconds() // 2),
            **common,
        )
        self.scheduler.add_job(
            self.digest,
            CronTrigger.from_crontab(settings.schedule.digest, timezone=settings.schedule.timezone),
            id="digest",
            misfire_grace_time=3600,  # a digest a little late beats no digest
            **common,
        )
        if console_sender is not None:
            self.scheduler.add_job(
                self.deliver,
                IntervalTrigger(seconds=CONSOLE_SEND_EVERY.total_seconds()),
                args=(console_sender,),
                id="outbox",
                **common,
            )
            self.scheduler.add_job(
                self.watch_config,
                IntervalTrigger(seconds=WATCH_EVERY.total_seconds()),
                args=(workers, fetcher, console_sender),
                id="config",
                **common,
            )

    def _next_snapshot(self, now: datetime) -> datetime:
        """A minute after start, or when the last snapshot's interval ends if that is later."""
        from sqlmodel import Session

        from bot.store.hub import latest_run

        due = now + FIRST_SNAPSHOT_AFTER
        try:
            with Session(self.engine) as session:
                last = latest_run(session)
        except DatabaseError:  # away for now (the gate says so): the job waits for it anyway
            return due
        if last is not None:
            due = max(due, last.started_at + self.settings.hub.snapshot_interval)
        return due

    async def watch_config(self, workers, fetcher, console_sender) -> None:
        """Apply a hand edit of config.yaml; keep the running settings if it is invalid."""
        from sqlmodel import Session

        from bot.outbox import enqueue_config_problems

        try:
            settings, problems = await self.watcher.check()
            if problems:
                log.warning("config.yaml invalid, running configuration kept: %s", problems)

                def report() -> None:
                    with Session(self.engine) as session:
                        version = self.watcher.version or 0
                        now = datetime.now(UTC)
                        discord = self.settings.discord
                        enqueue_config_problems(session, discord, problems, version, now)
                        session.commit()

                await asyncio.to_thread(report)
            elif settings is not None:
                self.apply(settings, workers, fetcher, console_sender=console_sender)
        except DatabaseError as exc:  # the problems are in the log; queuing them must wait
            self._database_failed("config", exc)
        except Exception:
            log.exception("applying config.yaml failed; the running configuration is kept")

    def apply(self, settings: Settings, workers, fetcher, *, console_sender=None) -> None:
        previous = self.settings
        self.settings = settings
        try:
            self.schedule(workers, fetcher, console_sender=console_sender)
        except Exception:
            self.settings = previous  # the jobs keep running on the old configuration
            raise
        if console_sender is not None:
            console_sender.settings = settings
        log.info("configuration applied: %s feeds", len(settings.feeds))


def spread_due_feeds(settings: Settings, engine: Engine) -> int:
    """At start, give each due feed its own slot within ``crawl.start_spread``."""
    from sqlmodel import Session

    from bot.store import ingest

    window = settings.crawl.start_spread
    if window.total_seconds() <= 0:
        return 0
    now = datetime.now(UTC)
    with Session(engine) as session:
        ingest.sync_feeds(session, settings.feeds, now)
        moved = ingest.stagger_due(session, settings.feeds, now, window, seed=now.second)
        session.commit()
    if moved:
        log.info("spreading the first polls of %s feeds over %s", moved, window)
    return moved


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
                delay = backoff(attempt, DATABASE_RETRY_FIRST, DATABASE_RETRY_MAX)
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


async def connect_discord(bot: TrendBot, token: str) -> None:
    """Log in, retrying with capped backoff while Discord cannot be reached, then stay on.

    Every failed attempt is one log line. Only a token Discord rejects (401 on login,
    or close code 4004 from the gateway) raises ``discord.LoginFailure``: nothing
    but a new token can help. Once logged in, discord.py's own loop reconnects after
    a dropped connection (each reconnect one line too, see bot.logs).
    """
    import aiohttp
    import discord

    api = bot.settings.discord.api_base
    attempt = 0
    while True:
        try:
            await bot.login(token)
            break
        except discord.LoginFailure:
            raise
        except (discord.DiscordException, aiohttp.ClientError, OSError, TimeoutError) as exc:
            attempt += 1
            delay = backoff(attempt, DISCORD_RETRY_FIRST, DISCORD_RETRY_MAX)
            log.warning(
                "cannot reach Discord at %s (attempt %s): %s; retrying in %s",
                api,
                attempt,
                error_line(exc),
                format_duration(delay),
            )
            await bot.forget_login()
            await asyncio.sleep(delay.total_seconds())
    if attempt:
        log.info("logged in to Discord after %s failed attempts", attempt)
    try:
        await bot.connect(reconnect=True)
    except discord.ConnectionClosed as exc:
        if exc.code == 4004:  # "authentication failed": the token was revoked meanwhile
            raise discord.LoginFailure("Discord's gateway rejected the token") from None
        raise


async def run_service(settings: Settings, config_path: Path | None, token: str | None) -> int:
    """Run until SIGINT/SIGTERM; returns the exit status."""
    from bot.fetch import Fetcher
    from bot.sender import ConsoleSink, Sender
    from bot.store.knowledge import known_links
    from bot.workers import Workers

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    engine = await open_when_available(settings.database, stop)
    if engine is None:
        return 0  # stopped while waiting for the database
    service = Service(settings, engine, config_path)
    service.gate.bind(loop)
    try:
        await asyncio.to_thread(spread_due_feeds, settings, engine)
    except DatabaseError as exc:  # gone again already: the gate waits for it
        service._database_failed("spread", exc)
    entities = settings.entities.model_dump()
    hub_ids, names = known_links(settings.database)
    bot = None
    runner: asyncio.Task | None = None
    try:
        with Workers(
            settings.crawl.workers, entities=entities, hub_ids=hub_ids, names=names
        ) as workers:
            async with Fetcher(settings.http) as fetcher:
                try:
                    if token:
                        from bot.discord.bot import TrendBot, point_at

                        point_at(settings)
                        bot = TrendBot(settings, engine, config_path=config_path)
                        bot.on_settings = lambda new: service.apply(new, workers, fetcher)
                        bot.database_ready = service.gate.is_open
                        # the jobs first: crawling and queueing go on while Discord is away
                        service.schedule(workers, fetcher)
                        service.start()
                        bot.start_watching()
                        runner = asyncio.create_task(connect_discord(bot, token))
                        stopper = asyncio.create_task(stop.wait())
                        done, _pending = await asyncio.wait(
                            {runner, stopper}, return_when=asyncio.FIRST_COMPLETED
                        )
                        stopper.cancel()
                        if runner in done and runner.exception() is not None:
                            raise runner.exception()  # type: ignore[misc]
                    else:
                        sender = Sender(settings, engine, ConsoleSink())
                        service.schedule(workers, fetcher, console_sender=sender)
                        service.start()
                        log.info("no Discord token: posting to the terminal")
                        await stop.wait()
                finally:
                    # still inside the fetcher and the workers: a crawl in flight can finish
                    await service.wind_down()
    finally:
        if runner is not None and not runner.done():
            runner.cancel()  # a login still being retried, or the gateway loop
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await runner
        if bot is not None and not bot.is_closed():
            await bot.close()
        engine.dispose()
    return 0
