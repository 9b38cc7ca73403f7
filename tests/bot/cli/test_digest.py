"""`trendbot digest --print` shows the digest; `trendbot digest` queues it once per period."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import Session

from bot.store.db import create_db_engine
from bot.store.migrate import upgrade
from bot.store.models import Article, Entry, Feed
from tests.bot.cli.helpers import trendbot


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
