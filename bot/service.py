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
"""

from __future__ import annotations

import asyncio
import logging
import signal
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TypeVar

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.engine import Engine

from bot.config.schema import Settings
from bot.config.watch import ConfigWatcher

log = logging.getLogger("trendbot.service")
T = TypeVar("T")

CRAWL_EVERY = timedelta(seconds=10)
FIRST_SNAPSHOT_AFTER = timedelta(minutes=1)
CONSOLE_SEND_EVERY = timedelta(seconds=2)
WATCH_EVERY = timedelta(seconds=5)
STOP_GRACE = timedelta(seconds=7)  # SIGTERM to exit stays under 10 s


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
            loop.call_soon_threadsafe(_settle, future, None, exc)
        else:
            loop.call_soon_threadsafe(_settle, future, result, None)

    threading.Thread(target=work, name=f"trendbot-{function.__name__}", daemon=True).start()
    return future


def _settle(future: asyncio.Future, result: object, error: BaseException | None) -> None:
    if future.done():
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(result)


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

    async def wind_down(self) -> None:
        """No new jobs; a crawl in flight gets STOP_GRACE to finish, a snapshot is cut short."""
        self.stopping.set()
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

        if self._crawl_lock.locked():
            return
        async with self._crawl_lock:
            try:
                summary = await Crawler(self.settings, self.engine, fetcher, workers).crawl()
            except asyncio.CancelledError:  # stopping: what was stored stays, the rest resumes
                log.info("crawl abandoned: trendbot is stopping")
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

        if not self.settings.hub.authors:
            return
        try:
            report = await in_daemon_thread(
                take_snapshot, self.settings, self.engine, stop=self.stopping
            )
        except asyncio.CancelledError:  # the service is stopping: nothing was committed
            log.info("Hub snapshot abandoned: trendbot is stopping")
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

        try:
            outcome = await in_daemon_thread(post_digest, self.settings, self.engine)
        except asyncio.CancelledError:  # the service is stopping: nothing was committed
            log.info("digest abandoned: trendbot is stopping")
            return
        except Exception:
            log.exception("digest failed")
            return
        log.info("digest %s posted=%s", outcome.key, outcome.posted)

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
                console_sender.deliver,
                IntervalTrigger(seconds=CONSOLE_SEND_EVERY.total_seconds()),
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

        with Session(self.engine) as session:
            last = latest_run(session)
        due = now + FIRST_SNAPSHOT_AFTER
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


async def run_service(settings: Settings, config_path: Path | None, token: str | None) -> int:
    """Run until SIGINT/SIGTERM; returns the exit status."""
    from bot.fetch import Fetcher
    from bot.sender import ConsoleSink, Sender
    from bot.store import open_database
    from bot.store.knowledge import known_links
    from bot.workers import Workers

    engine = open_database(settings.database)
    await asyncio.to_thread(spread_due_feeds, settings, engine)
    service = Service(settings, engine, config_path)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    entities = settings.entities.model_dump()
    hub_ids, names = known_links(settings.database)
    bot = None
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
                        service.schedule(workers, fetcher)
                        service.scheduler.start()
                        runner = asyncio.create_task(bot.start(token))
                        stopper = asyncio.create_task(stop.wait())
                        done, _pending = await asyncio.wait(
                            {runner, stopper}, return_when=asyncio.FIRST_COMPLETED
                        )
                        if runner in done and runner.exception() is not None:
                            raise runner.exception()  # type: ignore[misc]
                    else:
                        sender = Sender(settings, engine, ConsoleSink())
                        service.schedule(workers, fetcher, console_sender=sender)
                        service.scheduler.start()
                        log.info("no Discord token: posting to the terminal")
                        await stop.wait()
                finally:
                    # still inside the fetcher and the workers: a crawl in flight can finish
                    await service.wind_down()
    finally:
        if bot is not None and not bot.is_closed():
            await bot.close()
        engine.dispose()
    return 0
