"""The service through outages: Discord unreachable at start or dropping mid-run, and a
database that goes away and comes back. It keeps crawling and queueing, retries with
capped backoff, logs one line per event (no traceback, no SQL) and loses nothing."""

from __future__ import annotations

import asyncio
import logging
import socket
import sqlite3
import sys
from datetime import UTC, datetime, timedelta

import pytest
from aiohttp import web as aioweb
from sqlmodel import Session, select

from bot.cli.run import EXIT_TOKEN_REFUSED
from bot.config.load import load_settings, parse_settings
from bot.delivery.sender import UNREACHABLE, Sender
from bot.service import Service
from bot.store import open_database
from bot.store.gate import DatabaseGate
from bot.store.models import OutboxMessage
from tests.bot.cli.helpers import environment
from tests.bot.discord.test_transport import start_bot, stop_bot
from tests.conftest import ROOT
from tests.fakes.discord import GUILD_ID, FakeDiscord
from tests.fakes.feeds import Item, article_page, now_utc, rss
from tests.fakes.web import Response
from tests.outbox_rows import enqueue

STORIES = 2


def closed_port() -> int:
    """A loopback port nothing listens on (yet): Discord unreachable."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def serve(web) -> None:
    items = []
    for index, slug in enumerate(("glm-release", "funding-round")[:STORIES]):
        path = f"/news/{index}"
        web.add(path, Response(body=article_page(slug), headers={"Content-Type": "text/html"}))
        items.append(
            Item(
                f"Story {index}",
                link=web.url(path),
                guid=f"g{index}",
                published=now_utc() - timedelta(minutes=index + 1),
            )
        )
    web.add("/feed", Response(body=rss(items)))


def write_config(folder, web, port: int) -> str:
    path = folder / "config.yaml"
    path.write_text(
        "database: sqlite:///state/trendbot.db\n"
        "http: {allow_private: true, timeout: {connect: 2s, read: 5s, total: 10s}}\n"
        "crawl: {workers: 1, start_spread: 0s, near_duplicate: 0.99}\n"
        + (
            f"feeds:\n  - {{name: Loopback, url: '{web.url('/feed')}', backfill: {STORIES}}}\n"
            if web is not None
            else "feeds: []\n"
        )
        + "hub: {authors: []}\n"
        "discord:\n"
        f"  guild_id: {GUILD_ID}\n"
        "  channels: {news: 900000000000000103, alerts: 900000000000000102}\n"
        f"  api_base: http://127.0.0.1:{port}/api/v10\n"
        f"  gateway_url: ws://127.0.0.1:{port}/\n",
        encoding="utf-8",
    )
    return str(path)


def outbox(engine) -> list[OutboxMessage]:
    with Session(engine) as session:
        return list(session.exec(select(OutboxMessage)).all())


async def until(predicate, timeout: float, what: str) -> None:
    for _ in range(int(timeout / 0.1)):
        if predicate():
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


async def opened_by_the_service(config: str):
    """The service's database, once the service has created and migrated it."""
    from bot.store.db import DatabaseError

    database = load_settings(config, environ={}).database
    for _ in range(300):
        try:
            return open_database(database, create=False)
        except DatabaseError:  # not there yet, or being migrated
            await asyncio.sleep(0.1)
    raise AssertionError("the service did not create its database")


def log_lines(text: str) -> list[str]:
    lines = text.splitlines()
    # every line is a log record (key=value) or trendbot's own one-line error: no traceback
    strays = [line for line in lines if not line.startswith(("time=", "trendbot"))]
    assert not strays, text
    assert "Traceback" not in text
    return lines


async def test_the_wait_in_the_log_is_written_as_config_durations_are(tmp_path, caplog):
    engine = open_database(f"sqlite:///{tmp_path / 'bot.db'}")
    gate = DatabaseGate(engine, first=timedelta(seconds=90), cap=timedelta(minutes=5))
    gate.bind(asyncio.get_running_loop())
    caplog.set_level(logging.INFO, logger="trendbot.service")
    try:
        gate.fault(db_fault(tmp_path))
    finally:
        gate.close()
        engine.dispose()
    [line] = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert line.endswith("(next check in 1m30s)")  # as config.yaml writes 90 s, not "90 s"


async def test_discord_unreachable_at_start_then_back(web, tmp_path):
    """The service crawls and queues while Discord is away, retries once per backoff step
    with one line each, and delivers the queue once Discord answers."""
    serve(web)
    port = closed_port()
    config = write_config(tmp_path, web, port)
    log_path = tmp_path / "bot.log"
    log = log_path.open("wb")
    process = await start_bot(config, log)
    fake = FakeDiscord()
    engine = None
    try:
        engine = await opened_by_the_service(config)
        # crawled and queued meanwhile: Discord's absence held nothing up
        await until(lambda: len(outbox(engine)) == STORIES, 60, "the crawl to queue its news")
        assert process.returncode is None  # still running
        assert all(row.status == "pending" and row.attempts == 0 for row in outbox(engine))
        await until(lambda: "(attempt 2)" in log_path.read_text(), 30, "a second attempt")

        await fake.start(port)  # Discord is back
        await fake.wait_for(lambda: len(fake.in_channel("news")) == STORIES, timeout=60)
        assert fake.identified == 1
        await until(
            lambda: all(row.status == "delivered" for row in outbox(engine)), 10, "delivery"
        )
    finally:
        code, output = await stop_bot(process, log_path)
        log.close()
        await fake.stop()
        if engine is not None:
            engine.dispose()
    assert code == 0, output
    lines = log_lines(output)
    attempts = [line for line in lines if "cannot reach Discord at http://127.0.0.1" in line]
    assert len(attempts) >= 2
    for number, line in enumerate(attempts, start=1):  # one line per attempt, numbered
        assert f"(attempt {number}): ClientConnectorError" in line
        assert "level=warning" in line
    assert sorted(m.embeds[0]["title"] for m in fake.in_channel("news")) == [
        f"Story {i}" for i in range(STORIES)
    ]
    # a quiet start: no migration chatter, no warnings about voice, which is never used
    for noise in ("alembic", "PyNaCl", "davey", "voice will NOT"):
        assert noise not in output


async def test_a_dropped_connection_reconnects_in_one_line_each_and_delivers(tmp_path):
    port = closed_port()
    config = write_config(tmp_path, None, port)
    fake = await FakeDiscord().start(port)
    log_path = tmp_path / "bot.log"
    log = log_path.open("wb")
    process = await start_bot(config, log)
    settings = load_settings(config, environ={})
    engine = None
    back = FakeDiscord()
    try:
        await fake.wait_for(lambda: fake.identified == 1 and fake.commands_synced)
        await fake.stop()  # Discord goes away under a connected bot
        engine = open_database(settings.database, create=False)
        with Session(engine) as session:  # something to post during the outage
            enqueue(
                session,
                key="milestone:Qwen:1000000000",
                kind="milestone",
                route="alerts",
                payload={"kind": "milestone", "subject": "Qwen", "text": "Qwen passed 1 billion."},
                at=datetime.now(UTC),
                discord=settings.discord,
            )
            session.commit()
        await until(
            lambda: log_path.read_text().count("Attempting a reconnect") >= 2, 30, "reconnects"
        )

        def deferred() -> bool:
            [row] = outbox(engine)
            return (row.last_error or "").startswith(UNREACHABLE)

        await until(deferred, 30, "a failed attempt during the outage")
        [row] = outbox(engine)
        retry_at = row.next_attempt_at.replace(tzinfo=UTC)  # its backoff: 30 s or more
        await back.start(port)
        await back.wait_for(lambda: back.resumed + back.identified >= 1, timeout=60)
        await back.wait_for(lambda: back.in_channel("alerts"), timeout=30)
        assert datetime.now(UTC) < retry_at  # sent on reconnecting, not at the end of its wait
    finally:
        code, output = await stop_bot(process, log_path)
        log.close()
        await back.stop()
        if engine is not None:
            engine.dispose()
    assert code == 0, output
    lines = log_lines(output)
    reconnects = [line for line in lines if "Attempting a reconnect" in line]
    assert len(reconnects) >= 2
    assert all("error=" not in line for line in reconnects)  # no traceback field either
    assert "Discord is reachable again: 1 deferred messages are due now" in output
    engine = open_database(settings.database, create=False)
    [row] = outbox(engine)
    engine.dispose()
    assert row.status == "delivered" and len(back.in_channel("alerts")) == 1


class RejectingDiscord(FakeDiscord):
    """Discord answering every login with 401: the token was revoked."""

    async def _rest(self, request: aioweb.Request) -> aioweb.StreamResponse:
        if request.match_info["tail"] == "users/@me":
            return aioweb.json_response({"message": "401: Unauthorized", "code": 0}, status=401)
        return await super()._rest(request)


async def test_only_a_rejected_token_is_fatal(tmp_path):
    fake = await RejectingDiscord().start()
    config = write_config(tmp_path, None, fake.port)
    log_path = tmp_path / "bot.log"
    log = log_path.open("wb")
    process = await start_bot(config, log)
    try:
        await asyncio.wait_for(process.wait(), 30)
    finally:
        if process.returncode is None:
            process.kill()
        log.close()
        await fake.stop()
    output = log_path.read_text()
    assert process.returncode == EXIT_TOKEN_REFUSED == 4, output  # the unit does not restart it
    assert log_lines(output)[-1] == "trendbot run: Discord refused the token in $DISCORD_TOKEN"
    assert "cannot reach Discord" not in output  # refused is not unreachable: no retry


async def test_the_gateway_rejecting_the_token_is_fatal_too(tmp_path):
    """Close code 4004 ("authentication failed"): the token was revoked after the login."""
    fake = await FakeDiscord(close_on_identify=4004).start()
    config = write_config(tmp_path, None, fake.port)
    log_path = tmp_path / "bot.log"
    log = log_path.open("wb")
    process = await start_bot(config, log)
    try:
        await asyncio.wait_for(process.wait(), 30)
    finally:
        if process.returncode is None:
            process.kill()
        log.close()
        await fake.stop()
    output = log_path.read_text()
    assert process.returncode == EXIT_TOKEN_REFUSED, output  # as for a 401 on login
    assert ("GET", "users/@me") in fake.requests and fake.identified == 0  # refused at IDENTIFY
    assert log_lines(output)[-1] == "trendbot run: Discord refused the token in $DISCORD_TOKEN"
    assert "cannot reach Discord" not in output and "Attempting a reconnect" not in output


async def test_postgresql_down_at_start_is_waited_for_not_fatal(tmp_path):
    config = tmp_path / "config.yaml"
    config.write_text("feeds: []\nhub: {authors: []}\n", encoding="utf-8")
    env = environment()
    env["DATABASE_URL"] = f"postgresql://bot:hunter2@127.0.0.1:{closed_port()}/trendbot"
    env.pop("DISCORD_TOKEN", None)
    log_path = tmp_path / "bot.log"
    with log_path.open("wb") as log:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "--config", str(config), "run",
            cwd=ROOT, env=env, stdout=log, stderr=log,
        )  # fmt: skip
        try:
            await until(lambda: "cannot open database" in log_path.read_text(), 30, "the report")
            await asyncio.sleep(3)  # a few more attempts: not one more line
            assert process.returncode is None  # waiting, not dead
        finally:
            code, output = await stop_bot(process, log_path)
    assert code == 0, output
    [line] = log_lines(output)
    assert "level=error" in line and "waiting for it" in line
    assert "postgresql+psycopg://bot:***@127.0.0.1" in line and "hunter2" not in output


# -- the database going away under the running service ---------------------------------


class Recording:
    """A sink that keeps what it was given."""

    def __init__(self) -> None:
        self.sent: list[str] = []

    async def send(self, channel_id, route, draft, nonce):
        self.sent.append(draft.text())
        return len(self.sent)

    async def find_sent(self, channel_id, route, draft, nonce, since=None):
        return None


async def test_the_service_pauses_for_a_locked_database_and_resumes(tmp_path, monkeypatch, caplog):
    from bot.store import db

    monkeypatch.setattr(db, "SQLITE_BUSY_TIMEOUT_MS", 200)
    path = tmp_path / "bot.db"
    settings = parse_settings("feeds: []\nhub: {authors: []}\ndiscord: {channels: {alerts: 1}}\n")
    engine = open_database(f"sqlite:///{path}")
    with Session(engine) as session:  # stored before the outage
        enqueue(
            session,
            key="milestone:Qwen:700000000",
            kind="milestone",
            route="alerts",
            payload={"kind": "milestone", "subject": "Qwen", "text": "Qwen passed 700 million."},
            at=datetime.now(UTC),
            discord=settings.discord,
        )
        session.commit()
    service = Service(settings, engine, None)
    service.gate.first, service.gate.cap = timedelta(seconds=0.1), timedelta(seconds=0.4)
    sink = Recording()
    sender = Sender(settings, engine, sink)
    caplog.set_level(logging.INFO, logger="trendbot.service")
    service.start()
    service.deliver_to(sender)
    service.schedule()
    service.scheduler.pause()  # the jobs are called by hand here
    holder = sqlite3.connect(path, isolation_level=None)
    try:
        holder.execute("BEGIN EXCLUSIVE")  # another process holds the database
        await service.deliver()  # meets the lock: the gate closes
        await asyncio.sleep(0)
        assert not service.gate.is_open()
        for _ in range(3):  # every job skips its turn, and says nothing more
            await service.deliver()
            await service.digest()
            await service.crawl_due()
        await asyncio.sleep(0.6)  # probes fail meanwhile (the lock is still held)
        assert not service.gate.is_open() and sink.sent == []
        holder.execute("ROLLBACK")
        await until(service.gate.is_open, 10, "the database to be back")
        digest_due = service.scheduler.get_job("digest").next_run_time
        assert digest_due <= datetime.now(UTC) + timedelta(seconds=1)  # the skipped digest runs
        await service.deliver()
    finally:
        holder.close()
        await service.wind_down()
    [row] = outbox(engine)
    engine.dispose()
    assert row.status == "delivered" and len(sink.sent) == 1  # nothing lost, nothing twice
    records = [r for r in caplog.records if r.name == "trendbot.service"]
    errors = [r for r in records if r.levelno >= logging.WARNING]
    assert len(errors) == 1, [r.getMessage() for r in errors]  # reported once
    assert errors[0].exc_info is None
    message = errors[0].getMessage()
    assert f"database {path} is locked by another process" in message
    assert "jobs paused" in message and "SELECT" not in message and "UPDATE" not in message
    assert any(f"database {path} is back; jobs resumed" in r.getMessage() for r in records)


async def test_a_gate_that_flaps_keeps_its_longer_waits(tmp_path):
    engine = open_database(f"sqlite:///{tmp_path / 'bot.db'}")
    gate = DatabaseGate(engine, first=timedelta(seconds=0.05), cap=timedelta(seconds=30))
    gate.bind(asyncio.get_running_loop())
    fault = db_fault(tmp_path)
    try:
        gate.fault(fault)
        await until(gate.is_open, 5, "the first recovery")  # writable: back after one probe
        gate.fault(fault)  # again right away: a flapping database
        assert gate._attempts == 1  # the waits go on from where they were
        await until(gate.is_open, 5, "the second recovery")
        assert gate._attempts == 2
    finally:
        gate.close()
        engine.dispose()


def db_fault(tmp_path):
    from bot.store.db import DatabaseUnavailable

    return DatabaseUnavailable(
        f"cannot write to database {tmp_path}: the disk is full", "disk_full"
    )


# -- the database failing in the middle of a crawl ----------------------------------------


def publish(web, stories: int, pages: dict | None = None) -> None:
    """The loopback feed with ``stories`` items; ``pages`` replaces some article pages."""
    feed_items = []
    for index in range(stories):
        path = f"/news/{index}"
        page = Response(body=article_page(SLUGS[index]), headers={"Content-Type": "text/html"})
        web.add(path, (pages or {}).get(index, page))
        feed_items.append(
            Item(f"Story {index}", link=web.url(path), guid=f"g{index}", published=now_utc())
        )
    web.add("/feed", Response(body=rss(feed_items)))


SLUGS = ("glm-release", "funding-round")


def rows(engine, model) -> list:
    with Session(engine) as session:
        return list(session.exec(select(model)).all())


def make_due(engine) -> None:
    from bot.store.models import Feed

    with Session(engine) as session:
        for feed in session.exec(select(Feed)).all():
            feed.next_due_at = datetime.now(UTC) - timedelta(minutes=1)
            session.add(feed)
        session.commit()


async def crawl_through_a_fault(
    web, engine, begin, end, caplog, *, lasting: bool = True
) -> list[logging.LogRecord]:
    """The service crawls a baseline, then a new story while ``begin()`` has broken the
    database, skips its turns until ``end()`` mends it (``lasting``: the probes fail
    until then), and crawls again. Returns the errors the service logged, once it has
    checked that nothing was lost or counted against the feed."""
    from bot.ingest.fetch import Fetcher
    from bot.ingest.workers import Workers
    from bot.store.models import DecisionLog, Entry, Feed, FeedEvent

    settings = parse_settings(
        "http: {allow_private: true, timeout: {connect: 2s, read: 5s, total: 10s}}\n"
        f"feeds:\n  - {{name: Loopback, url: '{web.url('/feed')}'}}\n"
        "hub: {authors: []}\ndiscord: {channels: {news: 1, alerts: 2}}\n"
    )
    service = Service(settings, engine, None)
    service.gate.first, service.gate.cap = timedelta(seconds=0.1), timedelta(seconds=0.4)
    caplog.set_level(logging.INFO, logger="trendbot.service")
    publish(web, 1)
    with Workers(-1) as workers:
        async with Fetcher(settings.http) as fetcher:
            service.workers, service.fetcher = workers, fetcher
            service.start()
            try:
                await service.crawl_due()  # the baseline: story 0
                assert len(rows(engine, Entry)) == 1 and service.gate.is_open()
                publish(web, 2)
                make_due(engine)
                await begin()
                await service.crawl_due()  # story 1 meets the fault
                assert not service.gate.is_open()
                polls = len(web.hits("/feed"))
                await service.crawl_due()  # paused: skips its turn
                assert len(web.hits("/feed")) == polls
                if lasting:
                    await asyncio.sleep(0.6)  # probes fail meanwhile
                    assert not service.gate.is_open()
                await end()
                await until(service.gate.is_open, 15, "the database to be back")
                await service.crawl_due()
            finally:
                await service.wind_down()
    assert sorted(entry.link for entry in rows(engine, Entry)) == [
        web.url("/news/0"),
        web.url("/news/1"),
    ]
    [news] = rows(engine, OutboxMessage)  # the new story is posted; the admins hear nothing
    assert (news.kind, news.payload["title"]) == ("news", "Story 1")
    [feed] = rows(engine, Feed)
    assert (feed.health, feed.failure_count, feed.last_error) == ("ok", 0, None)
    assert rows(engine, FeedEvent) == []
    assert [d for d in rows(engine, DecisionLog) if d.decision == "fetch_error"] == []
    records = [r for r in caplog.records if r.name == "trendbot.service"]
    errors = [r for r in records if r.levelno >= logging.WARNING]
    assert len(errors) == 1, [r.getMessage() for r in errors]  # reported once
    assert errors[0].exc_info is None and "jobs paused" in errors[0].getMessage()
    for word in ("[SQL", "SELECT", "INSERT", "UPDATE", "parameters"):
        assert word not in caplog.text
    messages = [r.getMessage() for r in records]
    assert any("is back; jobs resumed" in m for m in messages)
    # the baseline, then story 1 once it was back; the crawl the fault cut short logs nothing
    assert messages.count("crawl feeds=1 new=1 stored=1 failed=0") == 2
    return errors


async def test_a_lock_taken_mid_crawl_pauses_the_service_and_fails_no_feed(
    web, tmp_path, monkeypatch, caplog
):
    """Another process writes for longer than the busy timeout, and is done just after:
    had the crawl gone on, its next writes would have passed and recorded failures."""
    from bot.store import db

    monkeypatch.setattr(db, "SQLITE_BUSY_TIMEOUT_MS", 200)
    path = tmp_path / "bot.db"
    engine = open_database(f"sqlite:///{path}")
    holder = sqlite3.connect(path, isolation_level=None)
    taken: list[bool] = []
    loop = asyncio.get_running_loop()

    def page_taking_the_lock(request):
        if not taken:  # another process starts a long write while the page is fetched
            taken.append(True)
            holder.execute("BEGIN EXCLUSIVE")
        return Response(body=article_page(SLUGS[1]), headers={"Content-Type": "text/html"})

    def release_soon(fault) -> None:  # its write ends 50 ms after trendbot's gave up
        if len(taken) == 1:  # called in trendbot's thread: the holder lives on the loop's
            taken.append(False)
            loop.call_soon_threadsafe(loop.call_later, 0.05, holder.execute, "ROLLBACK")

    db.faults(engine).listen(release_soon)

    async def begin() -> None:
        publish(web, 2, pages={1: page_taking_the_lock})

    async def end() -> None:
        await until(lambda: not holder.in_transaction, 5, "the other write to end")

    try:
        [error] = await crawl_through_a_fault(web, engine, begin, end, caplog, lasting=False)
    finally:
        holder.close()
        engine.dispose()
    assert f"database {path} is locked by another process" in error.getMessage()


async def test_a_database_turning_read_only_while_running_pauses_the_service(web, tmp_path, caplog):
    """New connections open the file read-only, as SQLite does with a file it may no
    longer write (``mode=ro``: root ignores file permissions), then read-write again."""
    from sqlalchemy import event

    path = tmp_path / "bot.db"
    engine = open_database(f"sqlite:///{path}")
    read_only: list[bool] = []

    @event.listens_for(engine, "do_connect")
    def connect(dialect, record, cargs, cparams):
        if read_only:
            return sqlite3.connect(f"file:{path}?mode=ro", uri=True, **cparams)
        return None

    async def begin() -> None:
        read_only.append(True)
        engine.dispose()  # the connections opened from now on are read-only

    async def end() -> None:
        read_only.clear()
        engine.dispose()

    try:
        [error] = await crawl_through_a_fault(web, engine, begin, end, caplog)
    finally:
        engine.dispose()
    assert f"cannot write to database {path}: it is read-only" in error.getMessage()


@pytest.mark.postgres
async def test_postgresql_terminating_the_connections_mid_crawl_pauses_the_service(
    web, postgres_url, caplog
):
    """What a restart of PostgreSQL does to every connection of the service, at the worst
    moment: while a crawl is writing a story."""
    from sqlalchemy import create_engine, event, text
    from sqlalchemy.engine import make_url

    name = "trendbot-outage-test"
    url = make_url(postgres_url).update_query_dict({"application_name": name})
    engine = open_database(url.render_as_string(hide_password=False))
    admin = create_engine(make_url(postgres_url).set(drivername="postgresql+psycopg"))
    armed: list[bool] = []

    @event.listens_for(engine, "before_cursor_execute")
    def terminate(connection, cursor, statement, parameters, context, executemany):
        if armed and statement.startswith("INSERT INTO entries"):
            armed.clear()
            with admin.begin() as other:
                other.execute(
                    text(
                        "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity"
                        " WHERE application_name = :name"
                    ),
                    {"name": name},
                )

    async def begin() -> None:
        armed.append(True)

    async def end() -> None:
        pass  # the server is there again: the next connection is a new one

    try:
        [error] = await crawl_through_a_fault(web, engine, begin, end, caplog, lasting=False)
    finally:
        admin.dispose()
        engine.dispose()
    assert error.getMessage().startswith("lost the connection to database postgresql+psycopg")


def test_rows_deferred_for_an_unreachable_discord_are_due_when_it_is_back(tmp_path):
    settings = parse_settings("discord: {channels: {alerts: 1}}\n")
    engine = open_database(f"sqlite:///{tmp_path / 'bot.db'}")
    now = datetime.now(UTC)
    later = now + timedelta(hours=1)
    try:
        with Session(engine) as session:
            for key, error in (("a", f"{UNREACHABLE}: ClientConnectorError: refused"),
                               ("b", "rate limited for 3600 s")):  # fmt: skip
                enqueue(
                    session,
                    key=key,
                    kind="admin",
                    route="alerts",
                    payload={"text": key},
                    at=now,
                    discord=settings.discord,
                )
                session.flush()
                row = session.exec(
                    select(OutboxMessage).where(OutboxMessage.dedupe_key == key)
                ).one()
                row.next_attempt_at, row.last_error, row.attempts = later, error, 3
                session.add(row)
            session.commit()
        sender = Sender(settings, engine, Recording(), clock=lambda: now)
        assert sender.retry_unreachable_now() == 1
        due = {row.dedupe_key: row.next_attempt_at.replace(tzinfo=UTC) for row in outbox(engine)}
        assert due["a"] == now  # Discord is back: now
        assert due["b"] == later  # a rate limit is still a rate limit
    finally:
        engine.dispose()


@pytest.fixture(autouse=True)
def _no_database_url(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
