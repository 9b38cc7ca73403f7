"""`trendbot run`: the one composition root. It builds every edge once and owns the jobs.

:class:`Service` holds the running settings (replaced whole on a reload), the
scheduler, the one config watcher and the one sender, in every mode. With a
Discord token the bot is an adapter (:mod:`bot.discord.bot`): its sink receives
the sender's drafts, its slash commands ask the service through ``Control``;
without a token the same sender posts the same drafts to the terminal.

Everything runs on one asyncio event loop (the Discord bot's, when there is a
token): APScheduler's ``AsyncIOScheduler`` fires the jobs, CPU-bound work goes to
the worker processes and blocking database or Hub calls to threads, so the loop
stays free to answer Discord.

Jobs, each with ``max_instances=1`` and ``coalesce=True`` (a job that falls behind
runs once, not once per missed slot):

- crawl: every 10 s, the feeds that are due (each feed's interval, backoff and
  ``Retry-After`` live in the database, so a restart resumes them);
- hub: every ``hub.snapshot_interval``, first a minute after start;
- digest: on ``schedule.digest`` (cron, in ``schedule.timezone``);
- outbox: every 2 s, once the sink can take messages (Discord: once logged in);
- config: every 5 s, a hand edit of config.yaml applied, an invalid one reported.

Outages do not stop it. Discord unreachable at start (a reboot during an outage):
the jobs run and the outbox fills while the login is retried with capped backoff
(:mod:`bot.discord.login`); only a token Discord rejects is fatal. The database
read-only, full, locked or down: reported once, the jobs skip their turns while
:class:`~bot.store.gate.DatabaseGate` retries a write probe, and once it passes
they resume (a digest or snapshot that was skipped runs then). Each job's work is
one transaction or a few, so what was stored stays stored.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.engine import Engine

from bot.config.schema import Settings
from bot.config.watch import ConfigWatcher
from bot.daemon_thread import in_daemon_thread
from bot.store.db import DatabaseError, DatabaseUnavailable
from bot.store.gate import DatabaseGate, open_when_available

if TYPE_CHECKING:
    from bot.delivery.digest_job import DigestOutcome
    from bot.delivery.sender import Sender
    from bot.discord.bot import TrendBot
    from bot.ingest.fetch import Fetcher
    from bot.ingest.workers import Workers

log = logging.getLogger("trendbot.service")

CRAWL_EVERY = timedelta(seconds=10)
FIRST_SNAPSHOT_AFTER = timedelta(minutes=1)
SEND_EVERY = timedelta(seconds=2)
WATCH_EVERY = timedelta(seconds=5)
STOP_GRACE = timedelta(seconds=7)  # SIGTERM to exit stays under 10 s
CATCH_UP_JOBS = ("hub", "digest")  # skipped while the database was away: run once it is back


@dataclass
class Service:
    """What the jobs share: the current settings (replaced on reload) and the edges.

    The crawler's worker pool and fetcher are handed over once they are open
    (``workers``, ``fetcher``); the sender with :meth:`deliver_to`. Every job reads
    them from here, so a reload rebuilds the schedule and nothing else.
    """

    settings: Settings
    engine: Engine
    config_path: Path | None
    workers: Workers | None = None
    fetcher: Fetcher | None = None
    scheduler: AsyncIOScheduler = field(init=False)
    _crawl_lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    def __post_init__(self) -> None:
        self.scheduler = AsyncIOScheduler(timezone=UTC)
        self.stopping = threading.Event()  # read by the Hub listing between pages
        self.watcher = ConfigWatcher(self.config_path)
        self.gate = DatabaseGate(self.engine, on_back=self._catch_up)
        self.sender: Sender | None = None
        self._sink_ready: Callable[[], bool] = lambda: True
        self._missed: set[str] = set()

    def deliver_to(self, sender: Sender, ready: Callable[[], bool] = lambda: True) -> None:
        """The one sender; ``ready`` says when its sink can take messages (Discord: logged in)."""
        self.sender = sender
        self._sink_ready = ready

    def with_discord(self, **options: Any) -> TrendBot:
        """The Discord adapter for this service, its sink wired to the service's sender.

        ``options`` go to :class:`~bot.discord.bot.TrendBot` (tests shorten its waits).
        """
        from bot.delivery.sender import Sender
        from bot.discord.bot import TrendBot

        bot = TrendBot(self, **options)
        self.deliver_to(Sender(self.settings, self.engine, bot.sink), ready=bot.is_ready)
        return bot

    def start(self) -> None:
        """Start the scheduler on the running loop (the gate hands faults to it)."""
        self.gate.bind(asyncio.get_running_loop())
        self.scheduler.start()

    def database_ready(self) -> bool:
        return self.gate.is_open()

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

    async def crawl_due(self) -> None:
        from bot.ingest.crawl import Crawler

        if self._crawl_lock.locked() or self._paused("crawl"):
            return
        async with self._crawl_lock:
            try:
                crawler = Crawler(self.settings, self.engine, self.fetcher, self.workers)
                summary = await crawler.crawl()
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
        from bot.hub.job import take_snapshot

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
        from bot.delivery.digest_job import post_digest

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

    async def post_digest_now(self) -> DigestOutcome:
        """The digest of the period since the last one, queued now (``/digest now``)."""
        from bot.delivery.digest_job import post_digest

        return await asyncio.to_thread(post_digest, self.settings, self.engine)

    async def deliver(self) -> None:
        """One outbox pass through the one sender, once its sink can take messages."""
        if self.sender is None or not self._sink_ready() or self._paused("outbox"):
            return
        try:
            await self.sender.deliver()
        except asyncio.CancelledError:  # stopping: a row in flight is found or resent next start
            log.info("outbox pass abandoned: trendbot is stopping")
            return
        except DatabaseError as exc:
            self._database_failed("outbox", exc)
        except Exception:  # the job must survive anything; the row stays pending
            log.exception("outbox delivery pass failed")

    async def wake_outbox(self) -> None:
        """Discord is back: what waited for it goes now, not at the end of its backoff."""
        if self.sender is None or not self.gate.is_open():
            return
        try:
            woken = await asyncio.to_thread(self.sender.retry_unreachable_now)
        except DatabaseError:
            return  # the gate has reported it; the rows wait for their own time
        if woken:
            log.info("Discord is reachable again: %s deferred messages are due now", woken)

    def schedule(self) -> None:
        """(Re)build every job from the current settings, without duplicates."""
        settings = self.settings
        common = {"max_instances": 1, "coalesce": True, "replace_existing": True}
        now = datetime.now(UTC)
        self.scheduler.add_job(
            self.crawl_due,
            IntervalTrigger(seconds=CRAWL_EVERY.total_seconds()),
            id="crawl",
            next_run_time=now + timedelta(seconds=2),
            misfire_grace_time=60,
            **common,
        )
        self.scheduler.add_job(
            self.snapshot,
            IntervalTrigger(seconds=settings.hub.snapshot_interval.total_seconds()),
            id="hub",
            next_run_time=self._next_snapshot(now, settings.hub.snapshot_interval),
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
        if self.sender is not None:
            self.scheduler.add_job(
                self.deliver,
                IntervalTrigger(seconds=SEND_EVERY.total_seconds()),
                id="outbox",
                **common,
            )
        if self.config_path is not None:
            self.scheduler.add_job(
                self.watch_config,
                IntervalTrigger(seconds=WATCH_EVERY.total_seconds()),
                id="config",
                **common,
            )

    def _next_snapshot(self, now: datetime, interval: timedelta) -> datetime:
        """A minute after start, or when the last snapshot's interval ends if that is later.

        A reload that keeps the interval keeps the hub job's next run, which is already
        that time: looking it up again would be a query on the event loop at every edit
        of config.yaml.
        """
        job = self.scheduler.get_job("hub")
        kept = job is not None and getattr(job.trigger, "interval", None) == interval
        if kept and job.next_run_time is not None:
            return job.next_run_time
        from sqlmodel import Session

        from bot.store.hub import latest_run

        due = now + FIRST_SNAPSHOT_AFTER
        try:
            with Session(self.engine) as session:
                last = latest_run(session)
        except DatabaseError:  # away for now (the gate says so): the job waits for it anyway
            return due
        if last is not None:
            due = max(due, last.started_at + interval)
        return due

    async def watch_config(self) -> None:
        """The config job: apply a hand edit of config.yaml, never stop watching."""
        try:
            await self.reload_config(only_if_changed=True)
        except DatabaseError as exc:  # the problems are in the log; queuing them must wait
            self._database_failed("config", exc)
        except Exception:
            log.exception("applying config.yaml failed; the running configuration is kept")

    async def reload_config(self, only_if_changed: bool = False) -> list[str]:
        """Apply config.yaml (if it changed); keep the running settings if it is invalid.

        Returns the problems found (empty when the file was applied or unchanged).
        Invalid edits are logged and queued for the admins once per version of the file.
        """
        settings, problems = await self.watcher.check(force=not only_if_changed)
        if problems:
            await asyncio.to_thread(self._report_config_problems, problems)
        elif settings is not None:
            self.apply(settings)
        return problems

    def _report_config_problems(self, problems: list[str]) -> None:
        from sqlmodel import Session

        from bot.store.outbox import enqueue_config_problems

        # logged first: with the database down the admins hear of it from the log alone
        log.warning("config.yaml invalid, kept the running configuration: %s", "; ".join(problems))
        with Session(self.engine) as session:
            version = self.watcher.version or 0
            now = datetime.now(UTC)
            enqueue_config_problems(session, self.settings.discord, problems, version, now)
            session.commit()

    def apply(self, settings: Settings) -> None:
        """Run on ``settings`` from now on: the jobs rebuilt first, then the sender.

        If the jobs cannot be rebuilt, nothing has changed: the old configuration
        keeps running and the error is raised to the caller.
        """
        previous = self.settings
        self.settings = settings
        try:
            self.schedule()
        except Exception:
            self.settings = previous  # the jobs keep running on the old configuration
            raise
        if self.sender is not None:
            self.sender.settings = settings
            self.sender.broken.clear()  # an admin may have fixed a channel
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
    from bot.delivery.sender import ConsoleSink, Sender
    from bot.ingest.fetch import Fetcher
    from bot.ingest.workers import Workers
    from bot.store.knowledge import known_links

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
    bot: TrendBot | None = None
    runner: asyncio.Task | None = None
    try:
        with Workers(
            settings.crawl.workers, entities=entities, hub_ids=hub_ids, names=names
        ) as workers:
            async with Fetcher(settings.http) as fetcher:
                service.workers, service.fetcher = workers, fetcher
                try:
                    if token:
                        from bot.discord.bot import point_at

                        point_at(settings)
                        bot = service.with_discord()
                    else:
                        service.deliver_to(Sender(settings, engine, ConsoleSink()))
                    # the jobs first: crawling and queueing go on while Discord is away
                    service.schedule()
                    service.start()
                    if bot is not None and token:
                        from bot.discord.login import connect_discord

                        runner = asyncio.create_task(connect_discord(bot, token))
                        stopper = asyncio.create_task(stop.wait())
                        done, _pending = await asyncio.wait(
                            {runner, stopper}, return_when=asyncio.FIRST_COMPLETED
                        )
                        stopper.cancel()
                        if runner in done and (failure := runner.exception()) is not None:
                            raise failure
                    else:
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
