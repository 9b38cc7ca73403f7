"""The real bot in a subprocess against a fake Discord on loopback: the whole transport."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session, select

from bot.config.load import load_settings
from bot.core.hub import Listing, ModelStats
from bot.delivery.digest_job import post_digest
from bot.hub.job import take_snapshot
from bot.store import open_database
from bot.store.models import OutboxMessage
from tests.bot.cli.helpers import environment
from tests.conftest import ROOT
from tests.fakes.discord import GUILD_ID, FakeDiscord
from tests.outbox_rows import enqueue


@pytest.fixture
async def discord_server():
    server = await FakeDiscord().start()
    yield server
    await server.stop()


def write_config(folder, fake: FakeDiscord) -> str:
    path = folder / "config.yaml"
    ids = fake.channels
    path.write_text(
        "database: sqlite:///state/trendbot.db\n"
        "feeds: []\n"
        "hub:\n  authors: [Qwen, meta-llama]\n"
        "  families:\n    Qwen: {authors: [Qwen]}\n    Llama: {authors: [meta-llama]}\n"
        "discord:\n"
        f"  guild_id: {GUILD_ID}\n"
        f"  channels: {{digest: {ids['digest']}, alerts: {ids['alerts']}, news: {ids['news']}}}\n"
        f"  api_base: {fake.api_base}\n"
        f"  gateway_url: {fake.gateway_url}\n",
        encoding="utf-8",
    )
    return str(path)


async def start_bot(config: str, log) -> asyncio.subprocess.Process:
    """The bot as a service; its output goes to a file, not a pipe, because the worker
    processes it starts inherit the pipes and would keep them open after a kill -9."""
    env = environment()
    env["DISCORD_TOKEN"] = "fake-token-for-the-loopback-discord"
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "--config",
        config,
        "run",
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=log,
    )


async def stop_bot(process: asyncio.subprocess.Process, log_path) -> tuple[int, str]:
    process.send_signal(signal.SIGTERM)
    await asyncio.wait_for(process.wait(), 10)  # exits within 10 s
    return process.returncode or 0, log_path.read_text(encoding="utf-8", errors="replace")


def seed(config: str) -> None:
    settings = load_settings(config, environ={})
    engine = open_database(settings.database)
    now = datetime.now(UTC)
    for minutes, qwen in ((90, 690_000_000), (30, 702_000_000)):
        take_snapshot(
            settings,
            engine,
            Listing(
                authors=["Qwen", "meta-llama"],
                started_at=now - timedelta(minutes=minutes),
                finished_at=now,
                models=[
                    ModelStats("Qwen/Qwen3-8B", "Qwen", 9_000_000, qwen, 0, 0),
                    ModelStats("meta-llama/Llama-3.1-8B", "meta-llama", 5, 650_000_000, 0, 0),
                ],
            ),
        )
    with Session(engine) as session:
        enqueue(
            session,
            key="news:news:1",
            kind="news",
            route="news",
            payload={
                "title": "@everyone <script>alert(1)</script> Qwen 4 is out",
                "link": "https://example.com/qwen4",
                "summary": "<@&123456789012345678> ping",
                "feed": "Hostile feed",
            },
            at=now,
            discord=settings.discord,
        )
        session.commit()
    post_digest(settings, engine)
    engine.dispose()


async def test_the_bot_posts_once_to_the_right_channels_and_answers(discord_server, tmp_path):
    fake = discord_server
    config = write_config(tmp_path, fake)
    seed(config)
    fake.rate_limit_next[fake.channels["news"]] = 0.5  # the first news post gets a 429
    log_path = tmp_path / "bot.log"
    log = log_path.open("wb")
    process = await start_bot(config, log)
    try:
        await fake.wait_for(
            lambda: (
                fake.in_channel("alerts") and fake.in_channel("digest") and fake.in_channel("news")
            )
        )
        assert fake.identified == 1
        assert {c["name"] for c in fake.commands_synced} >= {"rankings", "news", "claims"}
        titles = sorted(m.embeds[0]["title"] for m in fake.in_channel("alerts"))
        assert titles == ["Milestone: Qwen", "Milestone: Qwen/Qwen3-8B"]  # family and model
        [digest] = fake.in_channel("digest")
        assert digest.embeds[0]["title"].startswith("trendbot digest")
        [chart] = digest.body["_files"]  # the ranking chart travels with the digest
        assert chart["name"] == "ranking-family-alltime.png" and 1000 < chart["size"] < 1_000_000
        [news] = fake.in_channel("news")  # the 429 was waited out, and posted once
        news_posts = [
            r for r in fake.requests if r == ("POST", f"channels/{fake.channels['news']}/messages")
        ]
        assert len(news_posts) == 2
        assert news.body["allowed_mentions"] == {"parse": []}
        assert "@\u200beveryone" in news.embeds[0]["title"]
        assert "<\u200b@\u200b&123456789012345678>" in news.embeds[0]["description"]

        await fake.interact("rankings")
        await fake.wait_for(lambda: fake.interaction_replies)
        reply = fake.interaction_replies[0]
        assert reply["type"] == 4
        embed = reply["data"]["embeds"][0]
        assert embed["title"] == "Ranking by family: all-time downloads"
        assert embed["description"].startswith("**1.** Qwen: 702 million")
    finally:
        code, err = await stop_bot(process, log_path)
        log.close()
    assert code == 0, err
    assert "Traceback" not in err


async def test_a_kill_9_mid_delivery_then_a_restart_posts_exactly_once(discord_server, tmp_path):
    fake = discord_server
    config = write_config(tmp_path, fake)
    settings = load_settings(config, environ={})
    engine = open_database(settings.database)
    with Session(engine) as session:
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
    fake.hang_next.add(fake.channels["alerts"])  # Discord stores it; the answer never comes
    log_path = tmp_path / "bot.log"
    log = log_path.open("wb")
    process = await start_bot(config, log)
    await fake.wait_for(lambda: fake.in_channel("alerts"))
    os.kill(process.pid, signal.SIGKILL)
    await process.wait()
    with Session(engine) as session:
        row = session.exec(select(OutboxMessage)).one()
        assert (row.status, row.attempts) == ("pending", 1)  # sent, but not known to be

    process = await start_bot(config, log)
    try:
        for _ in range(200):
            with Session(engine) as session:
                row = session.exec(select(OutboxMessage)).one()
            if row.status == "delivered":
                break
            await asyncio.sleep(0.1)
        assert row.status == "delivered"
        assert len(fake.in_channel("alerts")) == 1
        assert row.message_id == fake.in_channel("alerts")[0].id
    finally:
        await stop_bot(process, log_path)
        log.close()
        engine.dispose()
