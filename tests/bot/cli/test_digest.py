"""`trendbot digest --print` shows the digest; `trendbot digest` queues it once per period."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import Session

from bot.config.load import parse_settings
from bot.core.hub import Listing, ModelStats
from bot.delivery.digest_job import preview_digest
from bot.hub.job import take_snapshot
from bot.store.db import create_db_engine
from bot.store.migrate import upgrade
from bot.store.models import Article, Entry, Feed
from tests.bot.cli.helpers import trendbot, write_config
from tests.fakes.feeds import Item, article_page, now_utc, rss
from tests.fakes.web import Response


async def test_digest_print_then_queue_once(tmp_path):
    config = tmp_path / "config.yaml"
    config.write_text(
        "database: sqlite:///state/trendbot.db\ndiscord: {channels: {digest: 111}}\n",
        encoding="utf-8",
    )
    (tmp_path / "state").mkdir()
    engine = create_db_engine(f"sqlite:///{tmp_path / 'state' / 'trendbot.db'}")
    upgrade(engine)
    with Session(engine) as session:
        feed = Feed(name="Wire", url="https://wire.example/feed", config_url="x")
        session.add(feed)
        session.flush()
        article = Article(
            identity_hash="1" * 64,
            canonical_url="https://wire.example/a",
            title="DeepSeek releases V4 **weights**",
            fetched_at=datetime.now(UTC) - timedelta(hours=1),
        )
        session.add(article)
        session.flush()
        session.add(Entry(feed_id=feed.id, identity_hash="e", article_id=article.id))
        session.commit()
    engine.dispose()

    ran = await trendbot("--config", str(config), "digest", "--print")
    assert ran.code == 0, ran.err
    assert "## Top stories" in ran.out
    assert "DeepSeek releases V4 **weights**" in ran.out  # escapes are shown as read
    assert "1 source: Wire" in ran.out

    first = await trendbot("--config", str(config), "digest")
    again = await trendbot("--config", str(config), "digest")
    assert first.code == 0 and "queued for the digest channel" in first.out
    assert again.code == 0 and "was already queued; nothing to do" in again.out


async def test_a_bad_period_is_one_line_and_exit_2(tmp_path):
    config = tmp_path / "config.yaml"
    config.write_text("database: sqlite:///state/trendbot.db\n", encoding="utf-8")
    ran = await trendbot("--config", str(config), "digest", "--period", "soon")
    assert ran.code == 2
    assert ran.err.startswith("trendbot digest: --period:") and ran.err.count("\n") == 1


async def test_digest_print_right_after_a_crawl_shows_what_it_stored(web, tmp_path):
    web.add(
        "/news/glm",
        Response(body=article_page("glm-release"), headers={"Content-Type": "text/html"}),
    )
    item = Item("GLM-4.5-Air ships", link=web.url("/news/glm"), guid="g1", published=now_utc())
    web.add("/feed", Response(body=rss([item])))
    config = write_config(tmp_path, f"  - {{name: Daily, url: '{web.url('/feed')}'}}\n")
    crawled = await trendbot("--config", str(config), "crawl", "--once", "--json")
    assert crawled.code == 0, crawled.err
    ran = await trendbot("--config", str(config), "digest", "--print")
    assert ran.code == 0, ran.err
    assert "GLM-4.5-Air ships" in ran.out and "1 source: Daily" in ran.out


def test_the_printed_digest_ends_now_not_at_the_start_of_the_minute(engine):
    """A crawl a few seconds ago stored its articles in the current minute: they are shown,
    and so is the Hub snapshot taken in that minute."""
    now = datetime(2026, 3, 3, 10, 42, 30, tzinfo=UTC)
    just_now = now - timedelta(seconds=20)  # 10:42:10
    settings = parse_settings("hub: {authors: [Qwen]}\n")
    stats = [ModelStats("Qwen/Qwen3-8B", "Qwen", 9_000_000, 702_000_000, 900, 50)]
    take_snapshot(settings, engine, Listing(["Qwen"], just_now, just_now, stats))
    with Session(engine) as session:
        feed = Feed(name="Wire", url="https://wire.example/feed", config_url="x")
        session.add(feed)
        session.flush()
        article = Article(
            identity_hash="1" * 64,
            canonical_url="https://wire.example/a",
            title="Stored seconds ago",
            fetched_at=just_now,
        )
        session.add(article)
        session.flush()
        session.add(Entry(feed_id=feed.id, identity_hash="e", article_id=article.id))
        session.commit()
    text = preview_digest(settings, engine, timedelta(days=1), now=now).text()
    assert "Stored seconds ago" in text
    assert "1. Qwen: 702 million" in text
    assert "2 Mar 10:42 to 3 Mar 10:42 (UTC)" in text
