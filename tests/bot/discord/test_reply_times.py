"""Slash-command replies give their times in the configured zone (simcord's simulated Discord)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlmodel import Session

from bot.config.load import parse_settings
from bot.service import Service
from bot.store.models import Article, DecisionLog, Entry, Feed

# 31 Dec 2020 20:00 UTC is already 1 Jan 2021, 01:30, in Kolkata
FETCHED = datetime(2020, 12, 31, 20, tzinfo=UTC)
SHOWN = "1 Jan 2021 01:30"
CONFIG = "http: {allow_private: true}\nschedule: {timezone: Asia/Kolkata}\n"


@pytest.fixture
def simcord_bot(engine):
    with Session(engine) as session:
        feed = Feed(
            name="Wire",
            url="https://wire.example/feed",
            config_url="x",
            last_fetch_at=FETCHED,
        )
        session.add(feed)
        session.flush()
        article = Article(
            identity_hash="1" * 64,
            canonical_url="https://wire.example/a",
            title="A story",
            published_at=FETCHED,
            fetched_at=datetime.now(UTC),
        )
        session.add(article)
        session.flush()
        session.add(Entry(feed_id=feed.id, identity_hash="e", article_id=article.id))
        session.add(
            DecisionLog(
                at=FETCHED,
                feed_id=feed.id,
                article_id=article.id,
                link="https://wire.example/a",
                decision="new",
                detail="new item",
            )
        )
        session.commit()
    service = Service(parse_settings(CONFIG), engine, None)
    return service.with_discord(guild_ready_timeout=0.1)


async def test_status_feeds_news_and_why_answer_in_the_configured_zone(simcord_env):
    guild = simcord_env.create_guild()
    channel = guild.create_text_channel("general")
    member = guild.add_member(simcord_env.create_user("reader"))

    status = await member.slash(channel, "status")
    fields = {f.name: f.value for f in status.response.embeds[0].fields}
    assert fields["Last crawl"] == SHOWN

    feeds = await member.slash(channel, "feeds list")
    assert f"last fetch {SHOWN}" in feeds.response.embeds[0].fields[0].value

    news = await member.slash(channel, "news")
    assert news.response.embeds[0].fields[0].value.startswith(f"Wire · {SHOWN}")

    why = await member.slash(channel, "why", url="https://wire.example/a")
    assert f"{SHOWN} Wire: new: new item" in why.response.embeds[0].description
