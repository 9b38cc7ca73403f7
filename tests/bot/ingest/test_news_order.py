"""News is posted oldest first: a crawl's stories reach the channel in the order they happened.

A feed lists its newest item first and the crawler stores items as their pages
arrive, so neither says in which order to post. The poll's news is held until the
poll is recorded, then the sender takes it in published order.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event
from sqlmodel import Session, select

from bot.config.schema import Settings
from bot.delivery.sender import Sender
from bot.ingest.crawl import Crawler
from bot.ingest.fetch import Fetcher
from bot.ingest.workers import Workers, extract_page_job
from bot.store.models import Article, OutboxMessage
from bot.store.outbox import NEWS_HOLD, posting_order, release_news
from tests.fakes.feeds import Item, article_page, now_utc, rss
from tests.fakes.web import Response
from tests.outbox_rows import enqueue

NOW = datetime(2026, 3, 2, 9, tzinfo=UTC)


class Recorder:
    """A sink that remembers the titles it posted, in order."""

    def __init__(self) -> None:
        self.titles: list[str] = []

    async def send(self, channel_id, route, draft, nonce):
        self.titles.append(draft.embeds[0].title if draft.embeds else draft.content)
        return len(self.titles)

    async def find_sent(self, channel_id, route, draft, nonce, since=None):
        return None


@pytest.fixture
async def workers():
    with Workers(-1) as pool:
        # the extractor is built on first use: built now, each page takes milliseconds and
        # the pages' delays alone decide the order the crawler stores them in
        await pool.run(extract_page_job, article_page("glm-release"), "http://127.0.0.1/", False)
        yield pool


def settings_for(web) -> Settings:
    return Settings.model_validate(
        {
            "http": {
                "allow_private": True,
                "timeout": {"connect": "2s", "read": "5s", "total": "10s"},
            },
            "feeds": [{"name": "Daily", "url": web.url("/feed"), "backfill": 3}],
            "discord": {"channels": {"news": 333, "alerts": 222}},
        }
    )


def serve(web, slowest: float = 1.2) -> None:
    """Three stories, newest first as feeds list them; the newest page answers first, so
    the crawler stores them newest first too."""
    now = now_utc()
    stories = [  # (slug, hours ago, page delay)
        ("glm-release", 1, 0.0),
        ("funding-round", 2, slowest / 2),
        ("qwen-milestone", 3, slowest),
    ]
    items = []
    for slug, hours, delay in stories:
        web.add(
            f"/news/{slug}",
            Response(body=article_page(slug), headers={"Content-Type": "text/html"}, delay=delay),
        )
        items.append(
            Item(
                f"{hours} h ago: {slug}",
                link=web.url(f"/news/{slug}"),
                guid=slug,
                published=now - timedelta(hours=hours),
            )
        )
    web.add("/feed", Response(body=rss(items)))


async def crawl(settings, engine, workers) -> None:
    async with Fetcher(settings.http) as fetcher:
        await Crawler(settings, engine, fetcher, workers).crawl()


def stored(engine) -> int:
    with Session(engine) as session:
        return len(session.exec(select(Article)).all())


async def test_one_crawls_news_is_posted_oldest_first(web, engine, workers):
    serve(web)
    settings = settings_for(web)
    await crawl(settings, engine, workers)
    with Session(engine) as session:
        queued = session.exec(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    # stored as the pages came in: newest first
    assert [row.payload["title"] for row in queued] == [
        "1 h ago: glm-release",
        "2 h ago: funding-round",
        "3 h ago: qwen-milestone",
    ]

    sink = Recorder()
    report = await Sender(settings, engine, sink).deliver()
    assert report.delivered == 3
    assert sink.titles == [
        "3 h ago: qwen-milestone",
        "2 h ago: funding-round",
        "1 h ago: glm-release",
    ]


async def test_news_waits_until_its_poll_is_recorded(web, engine, workers):
    """A sender pass in the middle of a crawl must not post the pages that came in first."""
    serve(web, slowest=2.4)
    settings = settings_for(web)
    sink = Recorder()
    sender = Sender(settings, engine, sink)
    running = asyncio.create_task(crawl(settings, engine, workers))
    for _ in range(200):
        if stored(engine) >= 2:
            break
        await asyncio.sleep(0.02)
    assert stored(engine) == 2 and not running.done()
    report = await sender.deliver()
    assert report.delivered == 0 and sink.titles == []
    await running
    await sender.deliver()
    assert [title.split(":")[0] for title in sink.titles] == ["3 h ago", "2 h ago", "1 h ago"]


def news(session, key: str, published: str | None, feed: str = "Daily", due=None) -> None:
    enqueue(
        session,
        key=key,
        kind="news",
        route="news",
        payload={"feed": feed, "title": key, "published": published},
        at=NOW,
        due=due,
        discord=Settings.model_validate({"discord": {"channels": {"news": 333}}}).discord,
    )


def test_release_frees_only_that_feeds_held_and_untried_news(engine):
    held = NOW + NEWS_HOLD
    with Session(engine) as session:
        news(session, "mine", None, due=held)
        news(session, "other feed", None, feed="Weekly", due=held)
        news(session, "backing off", None, due=held)
        session.commit()
        backing_off = session.exec(
            select(OutboxMessage).where(OutboxMessage.dedupe_key == "backing off")
        ).one()
        backing_off.attempts = 1  # an earlier delivery failed: its backoff stands
        session.add(backing_off)
        session.commit()
        assert release_news(session, "Daily", NOW) == 1
        session.commit()
        due = {r.dedupe_key: r.next_attempt_at for r in session.exec(select(OutboxMessage))}
    assert due == {"mine": NOW, "other feed": held, "backing off": held}


async def test_news_of_a_poll_that_never_finished_goes_out_after_the_hold(engine):
    with Session(engine) as session:
        news(session, "orphan", None, due=NOW + NEWS_HOLD)
        session.commit()
    settings = Settings.model_validate({"discord": {"channels": {"news": 333}}})
    clock = [NOW + timedelta(minutes=1)]
    sink = Recorder()
    sender = Sender(settings, engine, sink, clock=lambda: clock[0])
    assert (await sender.deliver()).delivered == 0
    clock[0] = NOW + NEWS_HOLD
    assert (await sender.deliver()).delivered == 1 and sink.titles == ["orphan"]


def story(session, key: str, published: str | None, queued: datetime, kind: str = "news") -> None:
    enqueue(
        session,
        key=key,
        kind=kind,
        route="news" if kind == "news" else "alerts",
        payload={"feed": "Daily", "title": key, "published": published}
        if kind == "news"
        else {"kind": kind, "subject": "Qwen", "text": key},
        at=queued,
        discord=Settings.model_validate(
            {"discord": {"channels": {"news": 333, "alerts": 222}}}
        ).discord,
    )


BACKLOG = [  # queued in this order (as the pages came in); the stories happened in another
    ("08:00", "2026-03-02T08:00:00+00:00", -60),
    ("07:30 (09:30 at +02:00)", "2026-03-02T09:30:00+02:00", -60),
    ("undated, queued 06:30", None, -150),
    ("undated, queued 08:30", None, -30),
    ("06:00", "2026-03-02T06:00:00+00:00", -60),
    ("07:00", "2026-03-02T07:00:00.250000+00:00", -60),
]
OLDEST_FIRST = [
    "06:00",
    "undated, queued 06:30",
    "07:00",
    "07:30 (09:30 at +02:00)",
    "08:00",
    "undated, queued 08:30",
]


@pytest.mark.parametrize("batch", [1, 2, 100])
async def test_a_backlog_comes_out_oldest_first_across_batches(engine, batch):
    """After an outage the sender works through the backlog a batch at a time: each batch
    is the oldest stories left, not the first rows queued."""
    with Session(engine) as session:
        for title, published, minutes in BACKLOG:
            story(session, title, published, NOW + timedelta(minutes=minutes))
        story(session, "alert queued last", None, NOW, kind="milestone")
        session.commit()
    sink = Recorder()
    sender = Sender(Settings.model_validate({}), engine, sink, clock=lambda: NOW)
    for _ in range(len(BACKLOG) + 1):
        await sender.deliver(limit=batch)
    assert sink.titles[0] == "Milestone: Qwen"  # not behind the news backlog
    assert sink.titles[1:] == OLDEST_FIRST


async def test_news_is_held_through_a_slow_poll(engine):
    """A poll of hundreds of slow pages can take longer than 15 minutes: its news waits
    for the poll, not for a clock, and only a poll never recorded lets the hold expire."""
    with Session(engine) as session:
        news(session, "early page", None, due=NOW + NEWS_HOLD)
        session.commit()
    settings = Settings.model_validate({"discord": {"channels": {"news": 333}}})
    clock = [NOW + timedelta(minutes=40)]  # the poll is still running
    sink = Recorder()
    sender = Sender(settings, engine, sink, clock=lambda: clock[0])
    assert (await sender.deliver()).delivered == 0
    with Session(engine) as session:
        assert release_news(session, "Daily", clock[0]) == 1  # the poll is recorded
        session.commit()
    assert (await sender.deliver()).delivered == 1 and sink.titles == ["early page"]
    assert timedelta(hours=1) <= NEWS_HOLD


def test_release_loads_only_that_feeds_news(engine):
    """The feed is matched in SQL: the held news of other feeds is not read at all."""
    with Session(engine) as session:
        news(session, "mine", None, due=NOW + NEWS_HOLD)
        for index in range(5):
            news(session, f"other {index}", None, feed="Weekly", due=NOW + NEWS_HOLD)
        session.commit()
    loaded: list[str] = []

    def on_load(row, _context) -> None:
        loaded.append(row.dedupe_key)

    event.listen(OutboxMessage, "load", on_load)
    try:
        with Session(engine) as session:
            assert release_news(session, "Daily", NOW) == 1
            session.commit()
    finally:
        event.remove(OutboxMessage, "load", on_load)
    assert loaded == ["mine"]


def test_the_query_puts_other_messages_first_then_news_oldest_first(engine):
    """Offsets, undated stories and bad dates included."""
    with Session(engine) as session:
        for title, published, minutes in [*BACKLOG, ("bad date", "not a date", -20)]:
            story(session, title, published, NOW + timedelta(minutes=minutes))
        story(session, "alert", None, NOW, kind="milestone")
        session.commit()
        by_query = session.exec(select(OutboxMessage).order_by(*posting_order())).all()
        assert [row.dedupe_key for row in by_query] == ["alert", *OLDEST_FIRST, "bad date"]
