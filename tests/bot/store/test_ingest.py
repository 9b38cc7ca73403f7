"""Feed scheduling state written by the crawler's store."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import Session, select

from bot.config.schema import FeedSettings
from bot.store.ingest import stagger_due, sync_feeds
from bot.store.models import Feed

NOW = datetime(2026, 4, 1, 12, tzinfo=UTC)


def test_due_feeds_are_spread_over_the_window_not_polled_at_once(engine):
    feeds = [FeedSettings(name=f"Feed {i}", url=f"https://f{i}.example/rss") for i in range(6)]
    later = FeedSettings(name="Later", url="https://later.example/rss")
    with Session(engine) as session:
        sync_feeds(session, [*feeds, later], NOW)
        row = session.exec(select(Feed).where(Feed.name == "Later")).one()
        row.next_due_at = NOW + timedelta(minutes=20)  # not due: left alone
        session.add(row)
        session.commit()
        moved = stagger_due(session, [*feeds, later], NOW, timedelta(minutes=1))
        session.commit()
        rows = {r.name: r.next_due_at for r in session.exec(select(Feed)).all()}
    assert moved == 6
    slots = sorted(rows[f"Feed {i}"] for i in range(6))
    assert slots == [NOW + timedelta(seconds=10 * i) for i in range(6)]
    assert rows["Later"] == NOW + timedelta(minutes=20)
