"""The service as a process: a kill -9 mid-crawl loses nothing and repeats nothing; status."""

from __future__ import annotations

import asyncio
import json
import os
import signal
from datetime import timedelta

import pytest
from sqlmodel import Session, select

from bot.config.load import load_settings
from bot.store import open_database
from bot.store.models import Article, OutboxMessage
from tests.bot.cli.helpers import trendbot
from tests.bot.discord.test_transport import start_bot, stop_bot
from tests.fakes.discord import GUILD_ID, FakeDiscord
from tests.fakes.feeds import Item, article_page, now_utc, rss
from tests.fakes.web import Response

PAGES = 8


@pytest.fixture
async def discord_server():
    server = await FakeDiscord().start()
    yield server
    await server.stop()


def serve(web) -> None:
    items = []
    labs = ("Qwen", "DeepSeek", "Mistral", "Moonshot AI", "Zhipu AI", "MiniMax", "Ai2", "Nvidia")
    for index in range(PAGES):
        lab = labs[index]
        path = f"/news/{index}"
        paragraphs = tuple(
            f"{lab} report {index}, part {part}: the lab said its newest checkpoint drew "
            f"{index * 7 + part} million downloads in week {part + index}, and that "
            f"{lab} engineers in team {index}-{part} retrained tokenizer {part * 3 + index}."
            for part in range(6)
        )
        web.add(
            path,
            Response(
                body=article_page("funding-round", extra_paragraphs=paragraphs),
                headers={"Content-Type": "text/html"},
                delay=0.4,  # slow pages: the kill lands in the middle of the crawl
            ),
        )
        items.append(
            Item(
                f"Story {index}",
                link=web.url(path),
                guid=f"g{index}",
                published=now_utc() - timedelta(minutes=index + 1),
            )
        )
    web.add("/feed", Response(body=rss(items)))


def write_config(folder, web, fake: FakeDiscord) -> str:
    path = folder / "config.yaml"
    path.write_text(
        "database: sqlite:///state/trendbot.db\n"
        "http: {allow_private: true, per_host_concurrency: 1,"
        " timeout: {connect: 2s, read: 5s, total: 10s}}\n"
        "crawl: {workers: 1, start_spread: 0s, near_duplicate: 0.99}\n"
        f"feeds:\n  - {{name: Loopback, url: '{web.url('/feed')}', backfill: {PAGES}}}\n"
        "hub: {authors: []}\n"
        "discord:\n"
        f"  guild_id: {GUILD_ID}\n"
        f"  channels: {{news: {fake.channels['news']}, alerts: {fake.channels['alerts']}}}\n"
        f"  api_base: {fake.api_base}\n"
        f"  gateway_url: {fake.gateway_url}\n",
        encoding="utf-8",
    )
    return str(path)


def count(engine, model) -> int:
    with Session(engine) as session:
        return len(session.exec(select(model)).all())


async def test_kill_9_mid_crawl_then_restart_stores_and_posts_each_item_once(
    web, discord_server, tmp_path
):
    fake = discord_server
    serve(web)
    config = write_config(tmp_path, web, fake)
    log_path = tmp_path / "bot.log"
    log = log_path.open("wb")
    process = await start_bot(config, log)
    engine = open_database(load_settings(config, environ={}).database)
    try:
        for _ in range(300):  # until the crawl is under way, but not done
            if count(engine, Article) >= 1:
                break
            await asyncio.sleep(0.05)
        os.kill(process.pid, signal.SIGKILL)
        await process.wait()
        stored_before = count(engine, Article)
        assert 1 <= stored_before < PAGES, log_path.read_text()

        process = await start_bot(config, log)
        await fake.wait_for(lambda: len(fake.in_channel("news")) >= PAGES, timeout=60)
        await asyncio.sleep(1)  # time for any duplicate to show up
        code, output = await stop_bot(process, log_path)
    finally:
        if process.returncode is None:
            process.kill()
        log.close()
    assert code == 0, output
    with Session(engine) as session:
        titles = [a.title for a in session.exec(select(Article)).all()]
        messages = session.exec(select(OutboxMessage)).all()
    engine.dispose()
    assert sorted(titles) == sorted(f"Story {i}" for i in range(PAGES))  # each stored once
    assert len(messages) == PAGES and all(m.status == "delivered" for m in messages)
    posted = [m.embeds[0]["title"] for m in fake.in_channel("news")]
    assert sorted(posted) == sorted(f"Story {i}" for i in range(PAGES))  # each posted once

    ran = await trendbot("--config", config, "status", "--json")
    assert ran.code == 0, ran.err
    [status] = ran.json_lines()
    assert status["outbox"] == {"pending": 0, "failed": 0}
    assert [f["health"] for f in status["feeds"]] == ["ok"]
    assert status["next"]["crawl"] is not None and status["next"]["digest"] is not None
    assert status["last_snapshot"]["at"] is None
    json.dumps(status)


def test_a_reload_rebuilds_the_jobs_without_duplicates(engine):
    from datetime import timedelta as td

    from bot.config.load import parse_settings
    from bot.service import Service

    settings = parse_settings("hub: {authors: [Qwen], snapshot_interval: 1h}\n")
    service = Service(settings, engine, None)

    async def run():
        service.scheduler.start(paused=True)
        service.schedule()
        wider = parse_settings(
            "hub: {authors: [Qwen], snapshot_interval: 2h}\nschedule: {digest: '0 7 * * 1'}\n"
        )
        service.apply(wider)
        jobs = {job.id: job for job in service.scheduler.get_jobs()}
        service.scheduler.shutdown(wait=False)
        return jobs

    jobs = asyncio.run(run())
    assert sorted(jobs) == ["crawl", "digest", "hub"]  # one of each, not two
    assert jobs["hub"].trigger.interval == td(hours=2)
    assert str(jobs["digest"].trigger).startswith("cron[month='*', day='*', day_of_week='1'")
    assert all(job.max_instances == 1 and job.coalesce for job in jobs.values())


# -- one composition root -----------------------------------------------------------------


class Counting:
    """A sender stand-in that counts the passes it was asked for."""

    def __init__(self) -> None:
        self.passes = 0

    async def deliver(self) -> None:
        self.passes += 1


def test_with_discord_the_service_still_owns_the_watcher_the_sender_and_their_jobs(
    engine, tmp_path
):
    from bot.config.load import parse_settings
    from bot.service import Service

    config = tmp_path / "config.yaml"
    config.write_text("feeds: []\n")
    service = Service(parse_settings(config.read_text()), engine, config)
    bot = service.with_discord(guild_ready_timeout=0.1)

    async def run():
        service.scheduler.start(paused=True)
        service.schedule()
        jobs = sorted(job.id for job in service.scheduler.get_jobs())
        service.scheduler.shutdown(wait=False)
        return jobs

    # the outbox and config jobs are the service's in the Discord mode too
    assert asyncio.run(run()) == ["config", "crawl", "digest", "hub", "outbox"]
    assert bot.sender is service.sender and service.sender.sink is bot.sink
    assert bot.settings is service.settings and bot.config_path == config
    wider = parse_settings("feeds:\n  - {name: A, url: 'https://a.example/f'}\n")
    service.apply(wider)  # what the admin commands and the watcher call
    assert bot.settings is wider and service.sender.settings is wider


def test_the_outbox_job_waits_for_the_sink_and_for_the_database(engine):
    from bot.config.load import parse_settings
    from bot.service import Service

    service = Service(parse_settings("{}"), engine, None)
    sender, ready = Counting(), [False]
    service.deliver_to(sender, ready=lambda: ready[0])
    asyncio.run(service.deliver())
    assert sender.passes == 0  # Discord not logged in yet: nothing is tried
    ready[0] = True
    asyncio.run(service.deliver())
    assert sender.passes == 1
    service.gate.down = object()  # the database is away
    asyncio.run(service.deliver())
    assert sender.passes == 1


def test_the_discord_adapter_holds_no_job_and_no_watcher():
    """The bot module neither schedules nor watches config.yaml: the service does both."""
    import ast
    from pathlib import Path

    source = Path(__file__).resolve().parents[2] / "bot" / "discord" / "bot.py"
    tree = ast.parse(source.read_text())
    built = {
        n.func.id
        for n in ast.walk(tree)
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
    }
    attributes = {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
    imported = {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    }
    assert "ConfigWatcher" not in built | imported
    assert "tasks" not in imported and "loop" not in attributes  # no discord.ext.tasks loops
    assert "Sender" not in built  # the type only; the service builds the one sender
    assert "DiscordSink" in built  # what the bot does provide: the sink for drafts


def test_the_cogs_run_every_read_model_through_the_bots_one_read_helper():
    """Off the loop, a cog runs a read model (a ranking, a chart, a card) only through
    ``TrendBot.read``; ``asyncio.to_thread`` is left for config.yaml edits, not reads."""
    import ast
    from pathlib import Path

    cogs = Path(__file__).resolve().parents[2] / "bot" / "discord" / "cogs"
    threaded = set()
    for path in cogs.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "to_thread"
                and node.args
                and isinstance(node.args[0], ast.Name)
            ):
                threaded.add(node.args[0].id)
    assert threaded <= {"add_feed", "remove_feed"}, threaded


def test_a_reload_that_keeps_the_interval_keeps_the_next_snapshot_without_a_query(engine):
    """The hub job's next run is only looked up in the database at start and when the
    interval changes, not at every edit of config.yaml (that query runs on the loop)."""
    from sqlalchemy import event

    from bot.config.load import parse_settings
    from bot.service import Service

    service = Service(
        parse_settings("hub: {authors: [Qwen], snapshot_interval: 1h}\n"), engine, None
    )
    queries = []

    def count(*_args):
        queries.append(1)

    async def run():
        service.scheduler.start(paused=True)
        service.schedule()
        first = service.scheduler.get_job("hub").next_run_time
        event.listen(engine, "before_cursor_execute", count)
        try:
            service.apply(parse_settings("hub: {authors: [Qwen, google], snapshot_interval: 1h}\n"))
            kept = service.scheduler.get_job("hub").next_run_time
            quiet = len(queries)
            service.apply(parse_settings("hub: {authors: [Qwen], snapshot_interval: 2h}\n"))
        finally:
            event.remove(engine, "before_cursor_execute", count)
            service.scheduler.shutdown(wait=False)
        return first, kept, quiet, len(queries)

    first, kept, quiet, after_change = asyncio.run(run())
    assert kept == first and quiet == 0
    assert after_change > 0  # a new interval is looked up again
