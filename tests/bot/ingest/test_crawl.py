"""Crawling end to end over loopback: what is stored, what is posted, and why."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlmodel import Session, select

from bot.config.schema import Settings
from bot.ingest.crawl import Crawler, UnknownFeed
from bot.ingest.fetch import Fetcher
from bot.ingest.workers import Workers, extract_page_job, parse_feed_job, summary_job
from bot.store.models import (
    Article,
    Claim,
    Decision,
    DecisionLog,
    Entry,
    Feed,
    FeedEvent,
    Mention,
    OutboxMessage,
)
from bot.time_text import TimeText, stamp
from tests.fakes import jobs
from tests.fakes.feeds import Item, article_page, now_utc, rss, story_text
from tests.fakes.web import FakeWeb, Listener, Response

NOW = now_utc()


class Clock:
    def __init__(self):
        self.now = NOW

    def __call__(self):
        return self.now

    def advance(self, **kwargs):
        self.now += timedelta(**kwargs)


@pytest.fixture
def workers():
    with Workers(-1) as pool:
        yield pool


def make_settings(web: FakeWeb, feeds: list[dict], **extra) -> Settings:
    values = {
        "http": {
            "allow_private": True,
            "timeout": {"connect": "2s", "read": "2s", "total": "5s"},
        },
        "feeds": feeds,
        "discord": {"channels": {"news": 333}, "routes": {"research": 444}},
    }
    values.update(extra)
    return Settings.model_validate(values)


class Harness:
    """A crawler over an engine, with helpers to read back what it stored."""

    def __init__(self, settings, engine, workers, clock, exempt=frozenset()):
        self.settings, self.engine, self.workers, self.clock = settings, engine, workers, clock
        self.exempt = exempt

    async def crawl(self, names=None):
        async with Fetcher(self.settings.http, exempt_hosts=self.exempt) as fetcher:
            crawler = Crawler(self.settings, self.engine, fetcher, self.workers, clock=self.clock)
            return await crawler.crawl(names)

    def all(self, model, *where):
        with Session(self.engine) as session:
            return list(session.exec(select(model).where(*where)))

    def decisions(self, kind=None):
        rows = self.all(DecisionLog)
        return [r for r in rows if kind is None or r.decision == kind]

    def feed(self, name):
        return self.all(Feed, Feed.name == name)[0]


@pytest.fixture
def harness(engine, workers, web):
    def build(feeds, exempt=frozenset(), **extra):
        return Harness(make_settings(web, feeds, **extra), engine, workers, Clock(), exempt)

    return build


def items(web, *slugs, hours_ago=1):
    return [
        Item(
            title=f"Story {slug}",
            link=web.url(f"/news/{slug}"),
            guid=f"tag:loopback,2026:{slug}",
            published=NOW - timedelta(hours=hours_ago),
            summary=f"Summary of {slug}.",
        )
        for slug in slugs
    ]


def serve_pages(web, *slugs):
    for slug in slugs:
        web.add(
            f"/news/{slug}",
            Response(body=article_page(slug), headers={"Content-Type": "text/html"}),
        )


async def test_first_fetch_is_a_baseline_then_new_items_are_posted(web, harness):
    serve_pages(web, "qwen-milestone", "funding-round", "glm-release")
    web.add("/feed", Response(body=rss(items(web, "qwen-milestone", "funding-round"))))
    h = harness([{"name": "Daily", "url": web.url("/feed")}])

    summary = (await h.crawl()).as_json()
    assert summary["entries_new"] == 2 and summary["articles_stored"] == 2
    assert {d.decision for d in h.decisions()} == {Decision.BASELINE}
    assert h.all(OutboxMessage) == []
    articles = h.all(Article)
    assert all(a.text_source == "full_text" for a in articles)
    assert "700 million cumulative downloads" in next(a.text for a in articles if "qwen" in a.title)

    web.add(
        "/feed", Response(body=rss(items(web, "qwen-milestone", "funding-round", "glm-release")))
    )
    h.clock.advance(hours=1)
    summary = (await h.crawl()).as_json()
    assert summary["entries_seen"] == 3 and summary["entries_new"] == 1
    [message] = h.all(OutboxMessage)
    assert message.kind == "news" and message.route == "news" and message.channel_id == 333
    assert message.payload["title"] == "Story glm-release"
    assert message.payload["link"] == web.url("/news/glm-release")
    assert [d.detail for d in h.decisions(Decision.NEW)] == ["new item"]


async def test_backfill_posts_the_newest_items_of_a_new_feed(web, harness):
    feed_items = items(web, "qwen-milestone", "funding-round", "glm-release")
    for age, item in enumerate(feed_items):
        item.published = NOW - timedelta(hours=age + 1)
    web.add("/feed", Response(body=rss(feed_items)))
    h = harness(
        [
            {
                "name": "Daily",
                "url": web.url("/feed"),
                "backfill": 2,
                "full_text": False,
                "channel": "research",
            }
        ]
    )
    await h.crawl()
    posted = {m.payload["title"] for m in h.all(OutboxMessage)}
    assert posted == {"Story qwen-milestone", "Story funding-round"}
    assert {m.channel_id for m in h.all(OutboxMessage)} == {444}
    assert len(h.decisions(Decision.BASELINE)) == 1


async def test_304_costs_no_parsing_and_counts_as_success(web, harness, workers, monkeypatch):
    def handler(request):
        if request.headers.get("if-none-match") == '"etag-1"':
            return Response(304)
        return Response(body=rss(items(web, "qwen-milestone")), headers={"ETag": '"etag-1"'})

    web.add("/feed", handler)
    h = harness([{"name": "Daily", "url": web.url("/feed"), "full_text": False}])
    await h.crawl()
    assert h.feed("Daily").etag == '"etag-1"'
    calls = []
    original = workers.run
    monkeypatch.setattr(workers, "run", lambda fn, *a: calls.append(fn) or original(fn, *a))
    summary = (await h.crawl(["Daily"])).as_json()
    assert summary["not_modified"] == 1 and summary["entries_seen"] == 0
    assert calls == []
    assert h.feed("Daily").health == "ok"
    assert web.requests[-1].headers["if-none-match"] == '"etag-1"'


async def test_a_publisher_rewriting_pubdate_causes_no_repost(web, harness):
    feed_items = items(web, "qwen-milestone")
    web.add("/feed", Response(body=rss(feed_items)))
    h = harness([{"name": "Daily", "url": web.url("/feed"), "full_text": False}])
    await h.crawl()
    feed_items[0].published = NOW - timedelta(minutes=5)
    web.add("/feed", Response(body=rss(feed_items)))
    await h.crawl(["Daily"])
    await h.crawl(["Daily"])  # the same rewrite seen twice is noted once
    assert len(h.all(Entry)) == 1
    assert h.all(OutboxMessage) == []
    [rewrite] = h.decisions(Decision.DUPLICATE_ID)
    # an instant `why` can show in the configured zone (bot.time_text.stamp), not bare UTC
    was, now = stamp(NOW - timedelta(hours=1)), stamp(NOW - timedelta(minutes=5))
    assert rewrite.detail.startswith(f"seen again with date {now} (was {was}); same identity")
    kolkata = TimeText.of("Asia/Kolkata", NOW)
    shown = kolkata.text(rewrite.detail)
    assert shown.startswith(f"seen again with date {kolkata.dated(NOW - timedelta(minutes=5))}")
    assert "UTC" not in shown


async def test_duplicate_and_missing_guids(web, harness):
    feed_items = [
        Item("One", link=web.url("/a?utm_source=rss"), guid="same", published=NOW),
        Item("Two", link=web.url("/b"), guid="same", published=NOW),
        Item("Three", link=web.url("/c#comments"), published=NOW),
        Item("Four", published=NOW, summary="No link, no guid."),
        Item("Three again", link=web.url("/c"), published=NOW),  # same link as Three
    ]
    web.add("/feed", Response(body=rss(feed_items)))
    h = harness([{"name": "Daily", "url": web.url("/feed"), "full_text": False}])
    summary = (await h.crawl()).as_json()
    assert summary["entries_seen"] == 4
    assert sorted(e.title for e in h.all(Entry)) == ["Four", "One", "Three", "Two"]
    [repeat] = h.decisions(Decision.DUPLICATE_ID)  # "Three again": same link, said so
    assert "same link as another item" in repeat.detail
    # the shared guid is not trusted: the two items are told apart by their links
    web.add("/feed", Response(body=rss([*feed_items, Item("Five", link=web.url("/e"))])))
    summary = (await h.crawl(["Daily"])).as_json()
    assert summary["entries_new"] == 1


async def test_the_same_story_in_two_feeds_is_stored_once_with_both_sources(web, harness):
    canonical = "https://news.example/2026/11/qwen-700m"
    web.add(
        "/a/qwen",
        Response(
            body=article_page("qwen-milestone", canonical=canonical),
            headers={"Content-Type": "text/html"},
        ),
    )
    web.add(
        "/b/qwen",
        Response(
            body=article_page("qwen-milestone", canonical=canonical),
            headers={"Content-Type": "text/html"},
        ),
    )
    web.add("/feed-a", Response(body=rss([])))
    web.add("/feed-b", Response(body=rss([])))
    h = harness(
        [
            {"name": "Outlet A", "url": web.url("/feed-a")},
            {"name": "Outlet B", "url": web.url("/feed-b")},
        ]
    )
    await h.crawl()  # baselines of two empty feeds
    web.add(
        "/feed-a",
        Response(
            body=rss([Item("Qwen at 700M", link=web.url("/a/qwen"), guid="a1", published=NOW)])
        ),
    )
    web.add(
        "/feed-b",
        Response(
            body=rss([Item("Qwen hits 700M", link=web.url("/b/qwen"), guid="b1", published=NOW)])
        ),
    )
    h.clock.advance(hours=1)
    await h.crawl()
    [article] = h.all(Article)
    assert article.canonical_url == canonical
    assert {e.article_id for e in h.all(Entry)} == {article.id}
    assert len(h.all(Entry)) == 2
    assert len(h.all(OutboxMessage)) == 1
    [duplicate] = h.decisions(Decision.DUPLICATE_STORY)
    assert "canonical URL" in duplicate.detail


async def test_a_syndicated_copy_with_near_identical_text_is_one_story(web, harness):
    web.add(
        "/orig", Response(body=article_page("funding-round"), headers={"Content-Type": "text/html"})
    )
    web.add(
        "/copy",
        Response(
            body=article_page(
                "funding-round",
                byline="Wire Service",
                site="Another Outlet",
                extra_paragraphs=("This story was first published by Loopback AI Daily.",),
            ),
            headers={"Content-Type": "text/html"},
        ),
    )
    web.add(
        "/other", Response(body=article_page("glm-release"), headers={"Content-Type": "text/html"})
    )
    web.add("/feed-a", Response(body=rss([])))
    web.add("/feed-b", Response(body=rss([])))
    h = harness(
        [
            {"name": "Outlet A", "url": web.url("/feed-a")},
            {"name": "Outlet B", "url": web.url("/feed-b")},
        ]
    )
    await h.crawl()
    web.add(
        "/feed-a",
        Response(
            body=rss(
                [
                    Item("Moonshot raises $600M", link=web.url("/orig"), guid="a1", published=NOW),
                    Item("GLM-4.5-Air is out", link=web.url("/other"), guid="a2", published=NOW),
                ]
            )
        ),
    )
    h.clock.advance(hours=1)
    await h.crawl(["Outlet A"])
    web.add(
        "/feed-b",
        Response(
            body=rss(
                [
                    Item(
                        "Kimi maker valued at $4B", link=web.url("/copy"), guid="b1", published=NOW
                    ),
                ]
            )
        ),
    )
    await h.crawl(["Outlet B"])
    assert len(h.all(Article)) == 2  # the copy is not a third article
    [duplicate] = h.decisions(Decision.DUPLICATE_STORY)
    assert "near-identical text" in duplicate.detail
    assert len(h.all(OutboxMessage)) == 2


async def test_extraction_fallbacks_are_recorded(web, harness):
    web.add(
        "/thin",
        Response(
            body=b"<html><body><p>Short.</p></body></html>", headers={"Content-Type": "text/html"}
        ),
    )
    web.add("/pdf", Response(body=b"%PDF-1.7", headers={"Content-Type": "application/pdf"}))
    feed_items = [
        Item("Thin page", link=web.url("/thin"), guid="1", published=NOW, summary="Thin summary."),
        Item(
            "Missing page",
            link=web.url("/missing"),
            guid="2",
            published=NOW,
            summary="Missing summary.",
        ),
        Item("A PDF", link=web.url("/pdf"), guid="3", published=NOW, summary="PDF summary."),
    ]
    web.add("/feed", Response(body=rss(feed_items)))
    h = harness([{"name": "Daily", "url": web.url("/feed")}])
    await h.crawl()
    articles = {a.title: a for a in h.all(Article)}
    assert {a.text_source for a in articles.values()} == {"summary"}
    assert articles["Missing page"].text == "Missing summary."
    [fetch_error] = h.decisions(Decision.FETCH_ERROR)
    assert fetch_error.http_status == 404
    fallbacks = sorted(d.detail for d in h.decisions(Decision.EXTRACTION_FALLBACK))
    assert "application/pdf" in fallbacks[0]
    assert "extraction found" in fallbacks[1]


async def test_items_older_than_the_limit_are_stored_not_posted(web, harness):
    web.add("/feed", Response(body=rss([])))
    h = harness(
        [{"name": "Daily", "url": web.url("/feed"), "full_text": False}],
        crawl={"max_item_age": "1d"},
    )
    await h.crawl()
    web.add("/feed", Response(body=rss(items(web, "qwen-milestone", hours_ago=50))))
    await h.crawl(["Daily"])
    [old] = h.decisions(Decision.TOO_OLD)
    assert "over the 1 day" in old.detail
    assert h.all(OutboxMessage) == [] and len(h.all(Article)) == 1


async def test_failures_back_off_report_health_and_recover(web, harness):
    web.add("/feed", Response(500))
    h = harness(
        [{"name": "Daily", "url": web.url("/feed"), "interval": "10m"}],
        crawl={"failed_after": 2, "retry_base": "1h"},
    )
    await h.crawl()
    feed = h.feed("Daily")
    assert (feed.health, feed.failure_count, feed.last_status) == ("failing", 1, 500)
    assert feed.last_error == "HTTP 500 Internal Server Error"
    assert timedelta(minutes=50) <= feed.next_due_at - h.clock.now <= timedelta(minutes=70)
    assert (await h.crawl()).as_json()["feeds"] == 0  # not due yet
    h.clock.advance(hours=2)
    await h.crawl()
    assert h.feed("Daily").health == "failed"
    assert timedelta(hours=1, minutes=40) <= h.feed("Daily").next_due_at - h.clock.now
    web.add("/feed", Response(body=rss([])))
    h.clock.advance(hours=3)
    await h.crawl()
    assert (h.feed("Daily").health, h.feed("Daily").failure_count) == ("ok", 0)
    events = [(e.health_from, e.health_to) for e in h.all(FeedEvent)]
    assert events == [("ok", "failing"), ("failing", "failed"), ("failed", "ok")]
    [error] = h.decisions(Decision.FETCH_ERROR)[:1]
    assert error.http_status == 500


async def test_410_stops_polling_and_says_so(web, harness):
    web.add("/feed", Response(410))
    h = harness([{"name": "Daily", "url": web.url("/feed")}])
    await h.crawl()
    feed = h.feed("Daily")
    assert feed.health == "failed" and feed.next_due_at is None
    assert "polling stopped" in feed.last_error
    [event] = h.all(FeedEvent)
    assert event.health_to == "failed" and "410" in event.message
    h.clock.advance(days=3)
    assert (await h.crawl()).as_json()["feeds"] == 0
    assert len(web.hits("/feed")) == 1
    await h.crawl(["Daily"])  # an admin can still ask for it by name
    assert len(web.hits("/feed")) == 2


async def test_retry_after_pushes_the_next_poll(web, harness):
    web.add("/feed", Response(429, headers={"Retry-After": "7200"}))
    h = harness([{"name": "Daily", "url": web.url("/feed"), "interval": "5m"}])
    await h.crawl()
    assert h.feed("Daily").next_due_at >= h.clock.now + timedelta(seconds=7190)


async def test_301_updates_the_stored_url_302_does_not(web, harness):
    web.add("/old", Response(301, headers={"Location": "/new"}))
    web.add("/temp", Response(302, headers={"Location": "/new"}))
    web.add("/new", Response(body=rss([])))
    h = harness(
        [
            {"name": "Moved", "url": web.url("/old"), "full_text": False},
            {"name": "Temp", "url": web.url("/temp"), "full_text": False},
        ]
    )
    await h.crawl()
    assert h.feed("Moved").url == web.url("/new")
    assert h.feed("Temp").url == web.url("/temp")
    await h.crawl(["Moved"])
    assert len(web.hits("/old")) == 1  # the second poll went straight to the new URL


async def test_an_html_page_is_not_a_feed(web, harness):
    web.add(
        "/feed",
        Response(
            body=b"<!DOCTYPE html><html><body>Welcome</body></html>",
            headers={"Content-Type": "text/html; charset=utf-8"},
        ),
    )
    h = harness([{"name": "Daily", "url": web.url("/feed")}])
    summary = (await h.crawl()).as_json()
    [error] = summary["errors"]
    assert error["feed"] == "Daily"
    assert web.url("/feed") in error["error"] and "an HTML page (text/html" in error["error"]
    assert h.feed("Daily").health == "failing"


async def test_malformed_xml_with_entries_is_accepted(web, harness):
    broken = rss(items(web, "qwen-milestone")).replace(b"</channel></rss>", b"<item><title>x")
    web.add("/feed", Response(body=broken))
    h = harness([{"name": "Daily", "url": web.url("/feed"), "full_text": False}])
    summary = (await h.crawl()).as_json()
    assert summary["failed"] == 0 and summary["entries_new"] >= 1


async def test_declared_and_mislabelled_encodings(web, harness):
    title = "Mistral’s café model — 12 € per million"
    latin = [Item("Café crème for Mistral", link=web.url("/l"), guid="l", published=NOW)]
    web.add(
        "/cp1252",
        Response(
            body=rss(
                [Item(title, link=web.url("/x"), guid="x", published=NOW)], encoding="windows-1252"
            )
        ),
    )
    # the header claims UTF-8, the bytes are Latin-1 (and the XML prolog says so)
    web.add(
        "/liar",
        Response(
            body=rss(latin, encoding="iso-8859-1"),
            headers={"Content-Type": "application/rss+xml; charset=utf-8"},
        ),
    )
    h = harness(
        [
            {"name": "cp1252", "url": web.url("/cp1252"), "full_text": False},
            {"name": "liar", "url": web.url("/liar"), "full_text": False},
        ]
    )
    summary = (await h.crawl()).as_json()
    assert summary["failed"] == 0
    titles = {e.title for e in h.all(Entry)}
    assert title in titles
    assert "Café crème for Mistral" in titles


async def test_article_links_to_private_addresses_are_refused(web, harness):
    target = await Listener().start()
    try:
        web.add(
            "/feed",
            Response(
                body=rss(
                    [
                        Item(
                            "Internal",
                            link=f"http://127.0.0.1:{target.port}/admin",
                            guid="1",
                            published=NOW,
                            summary="Looks like news.",
                        ),
                        Item(
                            "Metadata",
                            link="http://169.254.169.254/latest/meta-data/",
                            guid="2",
                            published=NOW,
                            summary="Also looks like news.",
                        ),
                    ]
                )
            ),
        )
        h = harness(
            [{"name": "Daily", "url": web.url("/feed")}],
            exempt=frozenset({f"127.0.0.1:{web.port}"}),
            http={"allow_private": False},
        )
        await h.crawl()
        errors = h.decisions(Decision.FETCH_ERROR)
        assert len(errors) == 2
        assert all("allow_private is false" in e.detail for e in errors)
        assert {a.text_source for a in h.all(Article)} == {"summary"}
        assert target.connections == 0
    finally:
        await target.stop()


async def test_unknown_feed_name_is_an_error(web, harness):
    h = harness([{"name": "Daily", "url": web.url("/feed")}])
    with pytest.raises(UnknownFeed, match="Nope"):
        await h.crawl(["Nope"])


async def test_an_edited_feed_url_starts_with_a_new_baseline(web, harness, engine, workers):
    web.add("/one", Response(body=rss(items(web, "qwen-milestone"))))
    web.add("/two", Response(body=rss(items(web, "funding-round", "glm-release"))))
    h = harness([{"name": "Daily", "url": web.url("/one"), "full_text": False}])
    await h.crawl()
    edited = Harness(
        make_settings(web, [{"name": "Daily", "url": web.url("/two"), "full_text": False}]),
        engine,
        workers,
        h.clock,
    )
    await edited.crawl(["Daily"])
    assert edited.all(OutboxMessage) == []
    assert len(edited.decisions(Decision.BASELINE)) == 3


async def test_real_process_pool(web, engine):
    serve_pages(web, "glm-release")
    web.add("/feed", Response(body=rss(items(web, "glm-release"))))
    settings = make_settings(web, [{"name": "Daily", "url": web.url("/feed")}])
    with Workers(1) as pool:
        h = Harness(settings, engine, pool, Clock())
        summary = (await h.crawl()).as_json()
    assert summary["articles_stored"] == 1
    [article] = h.all(Article)
    assert article.text_source == "full_text"
    assert "128K tokens" in article.text
    assert article.fingerprint is not None
    assert story_text("glm-release")[:40] in article.text
    # the workers ran the extractor: mentions and claims are stored with the article
    mentions = {(m.kind, m.text, m.hub_id) for m in h.all(Mention)}
    assert ("model", "GLM-4.5-Air", "zai-org/GLM-4.5-Air") in mentions
    assert ("org", "Zhipu AI", None) in mentions
    claims = {c.text: c for c in h.all(Claim)}
    context = claims["128K tokens"]
    assert (context.value, context.unit, context.metric) == (128_000, "tokens", "context_length")
    assert context.subject_hub_id == "zai-org/GLM-4.5-Air"
    assert article.text[context.start : context.end] == "128K tokens"


async def test_a_hung_extraction_is_stopped_the_item_kept_and_the_crawl_goes_on(web, engine):
    """A page that hangs the extractor costs that page its full text, not the crawl."""
    serve_pages(web, "qwen-milestone", "funding-round", "glm-release")
    web.add("/feed", Response(body=rss(items(web, "qwen-milestone", "funding-round"))))
    feeds = [{"name": "Daily", "url": web.url("/feed")}]
    settings = make_settings(web, feeds, crawl={"job_timeout": "10s"})
    limits = set()
    with Workers(1) as pool:
        original = pool.run

        async def hang_on_qwen(fn, *args, timeout=None):
            limits.add(timeout)
            if fn is extract_page_job and args[1].endswith("/qwen-milestone"):
                return await original(jobs.hang, *args, timeout=2)  # quicker than 10 s
            # every other job: a limit no loaded machine reaches (a fresh worker builds spaCy)
            return await original(fn, *args, timeout=120)

        pool.run = hang_on_qwen
        h = Harness(settings, engine, pool, Clock())
        summary = (await h.crawl()).as_json()
        assert limits == {10.0}  # crawl.job_timeout, for every job
        assert summary["articles_stored"] == 2 and summary["errors"] == []
        articles = {a.title: a for a in h.all(Article)}
        hung = articles["Story qwen-milestone"]
        assert (hung.text_source, hung.text) == ("summary", "Summary of qwen-milestone.")
        [timeout] = h.decisions(Decision.EXTRACTION_TIMEOUT)
        assert timeout.article_id == hung.id and timeout.http_status == 200
        assert timeout.detail == (
            "extracting the article page took longer than 10s (crawl.job_timeout); "
            "the worker was replaced; using the feed summary"
        )
        # the page waiting behind the hung one was extracted by the new worker
        assert articles["Story funding-round"].text_source == "full_text"
        assert pool.rebuilds == 1

        web.add(
            "/feed",
            Response(body=rss(items(web, "qwen-milestone", "funding-round", "glm-release"))),
        )
        h.clock.advance(hours=1)
        summary = (await h.crawl()).as_json()  # the next crawl works as usual
    assert summary["articles_stored"] == 1
    [glm] = [a for a in h.all(Article) if a.title == "Story glm-release"]
    assert glm.text_source == "full_text" and "128K tokens" in glm.text
    assert [d.detail for d in h.decisions(Decision.NEW)] == ["new item"]


async def test_a_hung_feed_parse_fails_the_poll_and_a_hung_summary_is_stored_plain(
    web, harness, workers
):
    web.add("/slow-feed", Response(body=rss(items(web, "funding-round"))))
    no_link = Item("No link", link=None, guid="n1", published=NOW, summary="Qwen passed 1B.")
    web.add("/feed", Response(body=rss([no_link])))
    h = harness(
        [
            {"name": "Slow", "url": web.url("/slow-feed")},
            {"name": "Daily", "url": web.url("/feed")},
        ],
        crawl={"job_timeout": "10s"},
    )
    original = workers.run

    async def stalling(fn, *args, timeout=None):
        assert timeout == 10.0
        slow_feed = fn is parse_feed_job and args[1].endswith("/slow-feed")
        if slow_feed or fn is summary_job:  # a thread cannot be killed: it ends after 0.5 s
            return await original(jobs.stall, 0.5, timeout=0.05)
        return await original(fn, *args, timeout=60)

    workers.run = stalling
    reports = {r.feed: r for r in (await h.crawl()).reports}
    message = "parsing the feed took longer than 10s (crawl.job_timeout); the worker was replaced"
    assert (reports["Slow"].status, reports["Slow"].error) == ("failed", message)
    assert h.feed("Slow").last_error == message
    assert h.all(Entry, Entry.feed_id == h.feed("Slow").id) == []
    [article] = h.all(Article)
    assert (article.text, article.fingerprint) == ("Qwen passed 1B.", None)
    assert h.all(Claim) == []
    [timeout] = h.decisions(Decision.EXTRACTION_TIMEOUT)
    assert timeout.detail.startswith("analysing the feed summary took longer than 10s")
    assert timeout.detail.endswith("; stored without its entities")


def test_job_timeout_defaults_to_a_minute_and_needs_at_least_ten_seconds():
    """Less left a fresh worker on a loaded machine too little time for its first page."""
    from pydantic import ValidationError

    assert Settings.model_validate({}).crawl.job_timeout == timedelta(seconds=60)
    assert Settings.model_validate({"crawl": {"job_timeout": "5m"}}).crawl.job_timeout == (
        timedelta(minutes=5)
    )
    assert Settings.model_validate({"crawl": {"job_timeout": "10s"}}).crawl.job_timeout == (
        timedelta(seconds=10)
    )
    for short in ("500ms", "1s", "9s"):
        with pytest.raises(ValidationError, match="a job needs at least 10s"):
            Settings.model_validate({"crawl": {"job_timeout": short}})


async def test_pages_beside_hung_ones_keep_their_full_text_however_many_pools_break(
    web, engine, tmp_path
):
    """Each hung page killed breaks the whole pool under the pages beside it: one that
    met a second break failed as an item, with BrokenProcessPool, until the next poll."""
    slugs = ("qwen-milestone", "funding-round", "glm-release")
    serve_pages(web, *slugs)
    web.add("/feed", Response(body=rss(items(web, *slugs))))
    settings = make_settings(web, [{"name": "Daily", "url": web.url("/feed")}])
    started, go = tmp_path / "started", tmp_path / "go"
    first_hung = asyncio.Event()

    def runs() -> int:
        return len(started.read_text().split()) if started.exists() else 0

    async def wait_for(condition) -> None:
        for _ in range(2400):  # 120 s: only a stuck test waits that long
            if condition():
                return
            await asyncio.sleep(0.05)
        go.touch()  # let the held page go, so the crawl ends and the test fails
        raise AssertionError("the crawl got stuck")

    with Workers(2) as pool:
        original = pool.run

        async def two_hangs_in_turn(fn, *args, timeout=None):
            if fn is not extract_page_job:
                return await original(fn, *args, timeout=120)
            if args[1].endswith("/qwen-milestone"):  # hangs first, beside glm-release
                await wait_for(lambda: runs() >= 1)
                try:
                    return await original(jobs.hang, timeout=1)
                finally:
                    first_hung.set()
            if args[1].endswith("/funding-round"):  # then hangs while glm-release is retried
                await first_hung.wait()
                await wait_for(lambda: runs() >= 2)
                try:
                    return await original(jobs.hang, timeout=1)
                finally:
                    go.touch()
            # glm-release: busy in its worker through both breaks, then extracted
            return await original(jobs.held, str(started), str(go), fn, *args, timeout=120)

        pool.run = two_hangs_in_turn
        h = Harness(settings, engine, pool, Clock())
        summary = (await h.crawl()).as_json()
        assert pool.rebuilds == 2 and runs() == 3  # glm-release ran in three pools
    assert summary["articles_stored"] == 3 and summary["errors"] == []
    articles = {a.title: a for a in h.all(Article)}
    assert articles["Story glm-release"].text_source == "full_text"
    assert "128K tokens" in articles["Story glm-release"].text
    hung = {"Story qwen-milestone", "Story funding-round"}
    assert {a.title for a in articles.values() if a.text_source == "summary"} == hung
    assert len(h.decisions(Decision.EXTRACTION_TIMEOUT)) == 2
    assert not [d for d in h.decisions() if "BrokenProcessPool" in (d.detail or "")]


async def test_a_feed_whose_parsing_kills_its_worker_fails_its_poll_with_one_line(web, engine):
    web.add("/feed", Response(body=rss(items(web, "funding-round"))))
    settings = make_settings(web, [{"name": "Daily", "url": web.url("/feed")}])
    with Workers(1) as pool:
        original = pool.run

        async def dying(fn, *args, timeout=None):
            return await original(jobs.die if fn is parse_feed_job else fn, *args, timeout=120)

        pool.run = dying
        h = Harness(settings, engine, pool, Clock())
        [report] = (await h.crawl()).reports
    message = "parsing the feed: its worker process died (2 times)"
    assert (report.status, report.error) == ("failed", message)
    assert h.feed("Daily").last_error == message


async def test_pages_in_flight_are_bounded(web, harness, workers):
    """A long feed does not hold every fetched page in memory at once."""
    from bot.ingest.workers import extract_page_job

    slugs = [f"s{i}" for i in range(30)]
    for slug in slugs:
        web.add(
            f"/news/{slug}",
            Response(body=article_page("glm-release"), headers={"Content-Type": "text/html"}),
        )
    web.add("/feed", Response(body=rss(items(web, *slugs))))
    h = harness([{"name": "Daily", "url": web.url("/feed")}])
    active = peak = 0
    original = workers.run

    async def counting(fn, *args, **kwargs):
        nonlocal active, peak
        if fn is not extract_page_job:
            return await original(fn, *args, **kwargs)
        active += 1
        peak = max(peak, active)
        try:
            await asyncio.sleep(0.01)
            return await original(fn, *args, **kwargs)
        finally:
            active -= 1

    workers.run = counting
    await h.crawl()
    assert len(h.all(Entry)) == 30
    assert len(h.all(Article)) == 1  # thirty copies of one page are one story
    assert peak == 4  # the bound (4 per worker; the tests' thread pool counts as one) held


async def test_one_failing_item_does_not_cost_the_feed_its_other_items(web, harness, workers):
    from bot.ingest.workers import extract_page_job

    serve_pages(web, "qwen-milestone", "funding-round", "glm-release")
    web.add("/feed", Response(body=rss([])))
    h = harness([{"name": "Daily", "url": web.url("/feed")}])
    await h.crawl()  # baseline of an empty feed
    web.add(
        "/feed", Response(body=rss(items(web, "qwen-milestone", "funding-round", "glm-release")))
    )
    original = workers.run

    async def failing(fn, *args, **kwargs):
        if fn is extract_page_job and args[1].endswith("/funding-round"):
            raise RuntimeError("worker crashed")
        return await original(fn, *args, **kwargs)

    workers.run = failing
    report = (await h.crawl(["Daily"])).reports[0]
    assert (report.status, report.articles_stored, report.failed_items) == ("ok", 2, 1)
    [failure] = h.decisions(Decision.FETCH_ERROR)
    assert "worker crashed" in failure.detail and "retried next poll" in failure.detail
    workers.run = original
    await h.crawl(["Daily"])  # the failed item was not remembered: it is stored now
    assert len(h.all(Article)) == 3 and len(h.all(OutboxMessage)) == 3


async def test_a_baseline_story_is_posted_when_another_feed_brings_it_as_new(web, harness):
    canonical = "https://news.example/2026/11/qwen-700m"
    page = Response(
        body=article_page("qwen-milestone", canonical=canonical),
        headers={"Content-Type": "text/html"},
    )
    web.add("/a/qwen", page)
    web.add("/b/qwen", page)
    web.add(
        "/feed-a",
        Response(
            body=rss([Item("Qwen at 700M", link=web.url("/a/qwen"), guid="a1", published=NOW)])
        ),
    )
    web.add("/feed-b", Response(body=rss([])))
    h = harness(
        [
            {"name": "New outlet", "url": web.url("/feed-a")},
            {"name": "Established", "url": web.url("/feed-b")},
        ]
    )
    await h.crawl()  # the new outlet's first fetch stores the story as a baseline
    assert h.all(OutboxMessage) == []
    web.add(
        "/feed-b",
        Response(
            body=rss([Item("Qwen hits 700M", link=web.url("/b/qwen"), guid="b1", published=NOW)])
        ),
    )
    await h.crawl(["Established"])
    [message] = h.all(OutboxMessage)
    assert message.payload["feed"] == "Established"
    [duplicate] = h.decisions(Decision.DUPLICATE_STORY)
    assert "posted now" in duplicate.detail


async def test_a_front_page_canonical_does_not_merge_a_site_s_articles(web, harness):
    for slug in ("qwen-milestone", "glm-release"):
        web.add(
            f"/news/{slug}",
            Response(
                body=article_page(slug, canonical="https://news.example/"),
                headers={"Content-Type": "text/html"},
            ),
        )
    web.add("/feed", Response(body=rss(items(web, "qwen-milestone", "glm-release"))))
    h = harness([{"name": "Daily", "url": web.url("/feed")}])
    await h.crawl()
    assert len(h.all(Article)) == 2
    assert h.decisions(Decision.DUPLICATE_STORY) == []


async def test_a_huge_feed_is_taken_in_slices(web, harness):
    slugs = [f"n{i}" for i in range(7)]
    web.add("/feed", Response(body=rss(items(web, *slugs))))
    h = harness(
        [{"name": "Daily", "url": web.url("/feed"), "full_text": False}],
        crawl={"max_items_per_poll": 3},
    )
    assert (await h.crawl()).as_json()["entries_new"] == 3
    assert h.feed("Daily").baseline_at is None  # the first fetch is not over yet
    await h.crawl(["Daily"])
    await h.crawl(["Daily"])
    assert len(h.all(Entry)) == 7
    assert {d.decision for d in h.decisions()} == {Decision.BASELINE}  # nothing flooded out
    assert h.feed("Daily").baseline_at is not None


async def test_filters_route_matching_items_to_more_channels(web, harness):
    serve_pages(web, "qwen-milestone", "funding-round", "glm-release")
    feed_items = items(web, "qwen-milestone", "funding-round", "glm-release")
    feed_items[1].title = "Lab closes a GGUF-only funding round"
    web.add("/feed", Response(body=rss(feed_items)))
    h = harness(
        [{"name": "Daily", "url": web.url("/feed"), "backfill": 3}],
        discord={
            "channels": {"news": 333},
            "routes": {"research": 444, "open": 555},
            "filters": [
                {"route": "open", "entities": ["Qwen"]},
                {"route": "research", "keywords": ["gguf"]},
                {"route": 777, "keywords": ["nothing-matches-this"]},
            ],
        },
    )
    await h.crawl()
    routes = {(m.payload["title"], m.route, m.channel_id) for m in h.all(OutboxMessage)}
    assert routes == {
        ("Story qwen-milestone", "news", 333),
        ("Story qwen-milestone", "open", 555),  # the page names Qwen
        ("Lab closes a GGUF-only funding round", "news", 333),
        ("Lab closes a GGUF-only funding round", "research", 444),  # keyword, any case
        ("Story glm-release", "news", 333),
    }


async def test_routes_to_the_same_channel_post_an_item_once(web, harness):
    serve_pages(web, "qwen-milestone")
    web.add("/feed", Response(body=rss(items(web, "qwen-milestone"))))
    h = harness(
        [{"name": "Daily", "url": web.url("/feed"), "backfill": 1}],
        discord={
            "channels": {"news": 333},
            "routes": {"open": 333},
            "filters": [
                {"route": "open", "entities": ["Qwen"]},
                {"route": 333, "keywords": ["qwen"]},
            ],
        },
    )
    await h.crawl()
    assert [(m.route, m.channel_id) for m in h.all(OutboxMessage)] == [("news", 333)]


# -- database errors during a pass ------------------------------------------------------

NO_SQL = ("[SQL", "SELECT", "INSERT", "parameters:")


async def test_a_database_error_that_is_no_outage_is_one_line_without_sql(
    web, harness, monkeypatch, caplog, capsys
):
    import json
    import logging

    from sqlalchemy import text

    from bot.cli.crawl import print_summary
    from bot.store import ingest

    serve_pages(web, "qwen-milestone", "funding-round")
    web.add("/feed", Response(body=rss([])))
    web.add("/other", Response(body=rss([])))
    h = harness(
        [{"name": "Daily", "url": web.url("/feed")}, {"name": "Other", "url": web.url("/other")}]
    )
    await h.crawl()  # baselines of two empty feeds
    web.add("/feed", Response(body=rss(items(web, "qwen-milestone", "funding-round"))))
    web.add("/other", Response(body=rss(items(web, "glm-release"))))
    store, known = ingest.store_item, ingest.known_identities
    other = h.feed("Other").id

    def store_item(session, **job):  # a constraint the schema enforces: an IntegrityError
        if job["item"].link.endswith("/funding-round"):
            session.execute(text("INSERT INTO feeds (name) VALUES (:name)"), {"name": "x"})
        return store(session, **job)

    def known_identities(session, feed_id, identities):  # a table gone from the schema
        if feed_id == other:
            session.execute(text("SELECT * FROM no_such_table WHERE id = :id"), {"id": feed_id})
        return known(session, feed_id, identities)

    monkeypatch.setattr(ingest, "store_item", store_item)
    monkeypatch.setattr(ingest, "known_identities", known_identities)
    caplog.set_level(logging.DEBUG)
    h.clock.advance(hours=1)
    summary = await h.crawl()
    print_summary(summary)  # the table `crawl --once` prints
    reports = {r.feed: r for r in summary.reports}
    assert (reports["Daily"].status, reports["Daily"].failed_items) == ("ok", 1)
    assert reports["Other"].status == "failed"
    assert reports["Other"].error.startswith("internal error: database error: ")
    [item] = [d.detail for d in h.decisions(Decision.FETCH_ERROR) if "/funding-round" in d.link]
    assert item.startswith("not stored: database error: ") and "null" in item.lower()
    assert "no_such_table" in h.feed("Other").last_error
    shown = [
        json.dumps(summary.as_json()),
        json.dumps(summary.rows()),
        capsys.readouterr().out,
        caplog.text,
        *(d.detail for d in h.decisions()),
        *(f.last_error or "" for f in h.all(Feed)),
        *(e.message for e in h.all(FeedEvent)),
    ]
    for text_shown in shown:
        for word in NO_SQL:
            assert word not in text_shown, text_shown


@pytest.fixture
def short_busy_timeout(monkeypatch):
    """Locks are waited out for 0.2 s, not 30: set before the engine is made."""
    from bot.store import db

    monkeypatch.setattr(db, "SQLITE_BUSY_TIMEOUT_MS", 200)


async def test_a_lock_taken_mid_crawl_ends_the_pass_and_fails_no_feed(
    web, workers, tmp_path, short_busy_timeout
):
    import sqlite3

    from bot.store import open_database
    from bot.store.db import DatabaseUnavailable, faults

    path = tmp_path / "bot.db"
    engine = open_database(f"sqlite:///{path}")
    holder = sqlite3.connect(path, isolation_level=None)
    heard: list[DatabaseUnavailable] = []
    faults(engine).listen(heard.append)
    taken: list[bool] = []

    def page_taking_the_lock(slug):
        def handler(request):
            if not taken:  # another process starts a long write, once
                taken.append(True)
                holder.execute("BEGIN EXCLUSIVE")
            return Response(body=article_page(slug), headers={"Content-Type": "text/html"})

        return handler

    slugs = ("qwen-milestone", "funding-round", "glm-release")
    web.add("/feed", Response(body=rss([])))
    web.add("/slow", Response(body=rss([])))
    feeds = [{"name": "Daily", "url": web.url("/feed")}, {"name": "Slow", "url": web.url("/slow")}]
    h = Harness(make_settings(web, feeds), engine, workers, Clock())
    try:
        await h.crawl()  # baselines
        before = h.feed("Slow").last_fetch_at
        for slug in slugs:
            web.add(f"/news/{slug}", page_taking_the_lock(slug))
        web.add("/feed", Response(body=rss(items(web, *slugs))))
        web.add("/slow", Response(body=rss(items(web, "slow-story")), delay=5))  # still coming
        h.clock.advance(hours=1)
        with pytest.raises(DatabaseUnavailable) as caught:
            await h.crawl()
        assert caught.value.kind == "locked"
        # the first write that met the lock ended the pass: no write after it waited too
        assert heard == [caught.value]
        holder.execute("ROLLBACK")
        for name in ("Daily", "Slow"):  # nothing recorded against the feeds
            feed = h.feed(name)
            assert (feed.health, feed.failure_count, feed.last_error) == ("ok", 0, None)
        assert h.feed("Slow").last_fetch_at == before  # its poll was cancelled, not recorded
        assert h.all(FeedEvent) == [] and h.decisions(Decision.FETCH_ERROR) == []
        assert h.all(Entry) == []
        await h.crawl(["Daily"])  # the lock is gone: everything is stored now
        assert len(h.all(Entry)) == 3 and len(h.all(OutboxMessage)) == 3
        assert h.all(FeedEvent) == []
    finally:
        holder.close()
        engine.dispose()
