from datetime import UTC, datetime, timedelta

from bot.ingest.decisions import decide
from bot.store.models import Decision
from extractors.feed import FeedItem

NOW = datetime(2026, 11, 23, 12, tzinfo=UTC)


def item(key: str, hours_ago: float | None) -> FeedItem:
    published = NOW - timedelta(hours=hours_ago) if hours_ago is not None else None
    return FeedItem(key, "guid", key, None, key, "", published)


def test_first_fetch_is_all_baseline_without_backfill():
    out = decide(
        [item("a", 1), item("b", 2)],
        known=set(),
        first_fetch=True,
        backfill=0,
        max_age=timedelta(days=2),
        now=NOW,
    )
    assert [d.decision for d in out] == [Decision.BASELINE, Decision.BASELINE]
    assert not any(d.post for d in out)


def test_backfill_takes_the_newest_dated_items_first():
    items = [item("old", 30), item("undated", None), item("newest", 1), item("middle", 5)]
    out = decide(
        items, known=set(), first_fetch=True, backfill=2, max_age=timedelta(days=2), now=NOW
    )
    posted = {d.item.identity for d in out if d.post}
    assert posted == {"newest", "middle"}


def test_later_fetches_post_new_items_and_skip_known_and_old_ones():
    items = [item("known", 1), item("fresh", 1), item("stale", 72), item("undated", None)]
    out = decide(
        items, known={"known"}, first_fetch=False, backfill=5, max_age=timedelta(days=2), now=NOW
    )
    assert {d.item.identity: d.decision for d in out} == {
        "fresh": Decision.NEW,
        "stale": Decision.TOO_OLD,
        "undated": Decision.NEW,
    }
    assert "3d 0h ago" in next(d.detail for d in out if d.decision == Decision.TOO_OLD)
