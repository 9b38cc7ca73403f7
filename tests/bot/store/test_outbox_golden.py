"""Golden outbox: the exact rows every writer puts in the outbox, and how each is drawn.

The outbox is the seam between the jobs and delivery, and its payloads are free
dictionaries today (issue 14 wants typed payloads). These tests pin what is
written now, key by key, for a fixed input, by calling the real writers against
a SQLite database:

- news: :func:`bot.store.ingest.store_item`;
- feed health and the admins' notices: :mod:`bot.store.outbox` and :mod:`bot.delivery.sender`;
- alerts and the Hub's health: :mod:`bot.hub.job`;
- the digest: :mod:`bot.delivery.digest_job`;

and what :func:`bot.delivery.messages.draft_for` draws for a table of payloads, including
old or minimal ones (rows already in a database when the code changes) and a
kind it does not know. A refactor that renames a key, drops one, or changes a
dedupe key fails here; if the change is meant, the literal is updated with it.
"""

from __future__ import annotations

import base64
from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlmodel import Session, select

from bot.config.load import parse_settings
from bot.core.hub import HubError, HubErrorKind, Listing, ModelStats, Scope
from bot.core.send_errors import Refused, RouteBroken, SendError
from bot.delivery.digest_job import post_digest
from bot.delivery.messages import Draft, draft_for
from bot.delivery.sender import Sender
from bot.hub.job import take_snapshot
from bot.ingest.health import HealthUpdate
from bot.store.db import create_db_engine
from bot.store.ingest import PageOutcome, record_poll, store_item, sync_feeds
from bot.store.models import Article, Decision, Entry, Feed, FeedHealth, Mention, OutboxMessage
from bot.store.outbox import enqueue_config_problems, enqueue_feed_events
from bot.time_text import TimeText
from extractors.feed import FeedItem
from tests.factories import qwen_total_claim, verdict
from tests.outbox_rows import enqueue

NOW = datetime(2026, 3, 2, 9, tzinfo=UTC)
HUB = "http://127.0.0.1:9"  # nothing listens: the listings below are given, not fetched


@pytest.fixture
def engine(tmp_path):
    """SQLite only: the payloads are JSON, the same on either database."""
    from bot.store.migrate import upgrade

    engine = create_db_engine(f"sqlite:///{tmp_path / 'data' / 'trendbot.db'}")
    upgrade(engine)
    yield engine
    engine.dispose()


def outbox(engine) -> list[tuple[str, str, str, int | None, dict[str, Any]]]:
    """Every row as (dedupe key, kind, route, channel, payload), in the order written."""
    with Session(engine) as session:
        rows = session.exec(select(OutboxMessage).order_by(OutboxMessage.id)).all()
        return [(r.dedupe_key, r.kind, r.route, r.channel_id, r.payload) for r in rows]


# -- news ----------------------------------------------------------------------------

NEWS_SETTINGS = """
feeds:
  - {name: Lab blog, url: https://lab.example/feed}
  - {name: Wire, url: https://wire.example/feed, channel: research}
discord:
  channels: {news: 333, alerts: 222}
  routes: {research: 444, lab: 333}
  filters:
    - {route: research, keywords: [GGUF]}
    - {route: lab, keywords: [GGUF]}
    - {route: 555, keywords: [funding]}
"""


def item(slug: str, title: str, summary: str = "", published=None, link=True) -> FeedItem:
    return FeedItem(
        identity=slug * 64,
        identity_basis="guid",
        guid=f"tag:lab.example,2026:{slug}",
        link=f"https://lab.example/{slug}" if link else None,
        title=title,
        summary=summary,
        published=published,
    )


def test_news_rows(engine):
    settings = parse_settings(NEWS_SETTINGS)
    lab, wire = settings.feeds
    stories = [
        # a filter's keyword: also to research; the lab route is the news channel: once
        (
            lab,
            item("a", "Qwen3 GGUF builds", "Quantised weights.", NOW - timedelta(hours=2)),
            Decision.NEW,
            PageOutcome("Full text of a.", "full_text", canonical_url="https://lab.example/a"),
        ),
        # no title, summary, date or link in the feed: the page's title, the text cut
        (
            lab,
            item("b", "", link=False),
            Decision.BACKFILL,
            PageOutcome("x" * 600, "full_text", title="Page title of b"),
        ),
        # a feed routed to research; a filter routed to a raw channel id
        (
            wire,
            item("c", "Lab raises funding", "A round.", datetime(2026, 3, 1, 23, 30, tzinfo=UTC)),
            Decision.NEW,
            PageOutcome(None, "summary"),
        ),
        # a baseline is stored, not posted ...
        (
            lab,
            item("d", "Baseline story", "old"),
            Decision.BASELINE,
            PageOutcome("old story", "full_text", canonical_url="https://lab.example/d"),
        ),
        # ... until another feed carries the same story as new: the stored article's title
        (
            wire,
            item("e", "Baseline story again", "syndicated"),
            Decision.NEW,
            PageOutcome("old story", "full_text", canonical_url="https://lab.example/d"),
        ),
    ]
    with Session(engine) as session:
        ids = {state.name: state.id for state in sync_feeds(session, settings.feeds, NOW)}
        for feed, entry, decision, page in stories:
            store_item(
                session,
                settings=settings,
                feed=feed,
                feed_id=ids[feed.name],
                item=entry,
                decision=decision,
                detail="new item",
                page=page,
                now=NOW,
            )
    a = {
        "article_id": 1,
        "feed": "Lab blog",
        "title": "Qwen3 GGUF builds",
        "link": "https://lab.example/a",
        "summary": "Quantised weights.",
        "published": "2026-03-02T07:00:00+00:00",
    }
    c = {
        "article_id": 3,
        "feed": "Wire",
        "title": "Lab raises funding",
        "link": "https://lab.example/c",
        "summary": "A round.",
        "published": "2026-03-01T23:30:00+00:00",
    }
    assert outbox(engine) == [
        ("news:news:1", "news", "news", 333, a),
        ("news:research:1", "news", "research", 444, a),
        (
            "news:news:2",
            "news",
            "news",
            333,
            {
                "article_id": 2,
                "feed": "Lab blog",
                "title": "Page title of b",
                "link": None,
                "summary": "x" * 500,
                "published": None,
            },
        ),
        ("news:research:3", "news", "research", 444, c),
        ("news:channel:555:3", "news", "channel:555", 555, c),
        (
            "news:research:4",
            "news",
            "research",
            444,
            {
                "article_id": 4,
                "feed": "Wire",
                "title": "Baseline story",
                "link": "https://lab.example/e",
                "summary": "syndicated",
                "published": None,
            },
        ),
    ]


# -- feed health and the admins' notices -----------------------------------------------

SETTINGS = parse_settings(
    "discord: {channels: {alerts: 222, news: 333, digest: 111}, routes: {lab: 444}}\n"
)


def test_feed_health_and_config_rows(engine):
    with Session(engine) as session:
        feed = Feed(name="Lab blog", url="https://lab.example/feed", config_url="x")
        session.add(feed)
        session.commit()
        failing = HealthUpdate(
            FeedHealth.FAILING,
            3,
            NOW + timedelta(minutes=5),
            "HTTP 503",
            "Lab blog is failing (3 errors in a row): HTTP 503",
        )
        working = HealthUpdate(
            FeedHealth.OK, 0, NOW + timedelta(hours=2), None, "Lab blog is working again"
        )
        record_poll(session, feed.id, update=failing, now=NOW, status=503)
        record_poll(session, feed.id, update=working, now=NOW + timedelta(hours=1), status=200)
        assert enqueue_feed_events(session, SETTINGS.discord, NOW + timedelta(hours=1)) == 2
        problems = ["config.yaml:3:5: feeds.0.url: not a URL", "config.yaml:9:1: unknown key 'x'"]
        enqueue_config_problems(session, SETTINGS.discord, problems, 7, NOW)
        session.commit()
    assert outbox(engine) == [
        (
            "health:1",
            "health",
            "alerts",
            222,
            {
                "feed": "Lab blog",
                "health_from": "ok",
                "health_to": "failing",
                "message": "Lab blog is failing (3 errors in a row): HTTP 503",
            },
        ),
        (
            "health:2",
            "health",
            "alerts",
            222,
            {
                "feed": "Lab blog",
                "health_from": "failing",
                "health_to": "ok",
                "message": "Lab blog is working again",
            },
        ),
        (
            "config-invalid:7",
            "admin",
            "alerts",
            222,
            {
                "text": "config.yaml was changed but is invalid; the running configuration is "
                "kept:\nconfig.yaml:3:5: feeds.0.url: not a URL\n"
                "config.yaml:9:1: unknown key 'x'"
            },
        ),
    ]


class Sink:
    """Posts with ids from 1001; a route in ``fail`` raises, and so does a second part
    of a digest (the first part is out, the rest waits)."""

    def __init__(self, fail: dict[str, SendError]) -> None:
        self.fail, self.next_id, self.digest_parts = fail, 1000, 0

    async def send(self, channel_id, route, draft, nonce):
        if route in self.fail:
            raise self.fail[route]
        if route == "digest":
            self.digest_parts += 1
            if self.digest_parts > 1:
                raise SendError("HTTP 500")
        self.next_id += 1
        return self.next_id

    async def find_sent(self, channel_id, route, draft, nonce, since=None):
        return None


async def test_sender_rows(engine):
    with Session(engine) as session:
        for key, route, payload in [
            ("news:lab:1", "lab", {"title": "one"}),
            ("news:news:2", "news", {"title": "two"}),
            ("digest:111:x", "digest", {"content": "y" * 4500, "embeds": []}),
        ]:
            kind = key.split(":")[0]
            enqueue(
                session,
                key=key,
                kind=kind,
                route=route,
                payload=payload,
                at=NOW,
                discord=SETTINGS.discord,
            )
        session.commit()
    sink = Sink(
        {
            "lab": RouteBroken("HTTP 403 Missing Permissions"),
            "news": Refused("HTTP 400: Invalid Form Body (50035)"),
        }
    )
    await Sender(SETTINGS, engine, sink, clock=lambda: NOW).deliver()
    assert outbox(engine) == [
        ("news:lab:1", "news", "lab", 444, {"title": "one"}),
        ("news:news:2", "news", "news", 333, {"title": "two"}),
        # a message sent in parts remembers the parts already out
        (
            "digest:111:x",
            "digest",
            "digest",
            111,
            {"content": "y" * 4500, "embeds": [], "_sent_parts": [1001]},
        ),
        (
            "route-stopped:lab:2026-03-02",
            "admin",
            "alerts",
            222,
            {
                "text": "Posting to route 'lab' stopped: HTTP 403 Missing Permissions. Fix the "
                "channel or its permissions, then restart or reload trendbot."
            },
        ),
        (
            "message-refused:news:news:2",
            "admin",
            "alerts",
            222,
            {
                "text": "A news message for route 'news' was refused by Discord and will not be "
                "retried: HTTP 400: Invalid Form Body (50035)."
            },
        ),
    ]


# -- the Hub: alerts and its health ----------------------------------------------------

HUB_SETTINGS = f"""
hub:
  endpoint: {HUB}
  authors: [Qwen, meta-llama]
  families:
    Qwen: {{authors: [Qwen]}}
    Llama: {{authors: [meta-llama]}}
  milestones: [700000000]
  top_n: 3
  surge: {{sigma: 3.0, min_history: 3, min_rate: 0, cooldown: 24h}}
discord:
  channels: {{alerts: 222, digest: 111}}
"""


def model(repo: str, all_time: int, d30: int = 10, created=datetime(2024, 1, 1, tzinfo=UTC)):
    return ModelStats(
        repo_id=repo,
        author=repo.split("/")[0],
        downloads_30d=d30,
        downloads_all_time=all_time,
        likes=0,
        trending_score=0,
        created_at=created,
    )


def listing(hours: int, models: list[ModelStats], errors: tuple[HubError, ...] = ()) -> Listing:
    at = NOW + timedelta(hours=hours)
    return Listing(["Qwen", "meta-llama"], at, at, models, requests=2, failures=list(errors))


def test_alert_rows(engine):
    settings = parse_settings(HUB_SETTINGS)
    for hour in range(5):  # a steady 1,000 an hour each
        steady = [model("Qwen/a", 690_000_000 + 1000 * hour), model("meta-llama/x", 695_000_000)]
        take_snapshot(settings, engine, listing(hour, steady))
    jump = [
        model("Qwen/a", 702_400_000),
        model("meta-llama/x", 695_000_000),
        model("Qwen/new", 1000, d30=5_000_000, created=NOW + timedelta(hours=5, days=-3)),
    ]
    take_snapshot(settings, engine, listing(5, jump))
    assert outbox(engine) == [
        (
            "milestone:Qwen:700000000",
            "milestone",
            "alerts",
            222,
            {
                "kind": "milestone",
                "subject": "Qwen",
                "text": "Qwen passed 700 million all-time downloads on Hugging Face (now 702.4 "
                "million across 2 repos).",
                "data": {
                    "threshold": 700000000,
                    "value": 702401000,
                    "scope": "Hugging Face, author Qwen, 2 repos",
                },
                "run_id": 6,
            },
        ),
        (
            "milestone:Qwen/a:700000000",
            "milestone",
            "alerts",
            222,
            {
                "kind": "milestone",
                "subject": "Qwen/a",
                "text": "Qwen/a passed 700 million all-time downloads on Hugging Face (now "
                "702.4 million).",
                "data": {"threshold": 700000000, "value": 702400000},
                "run_id": 6,
            },
        ),
        (
            "overtake:all_time:Qwen:Llama:6",
            "overtake",
            "alerts",
            222,
            {
                "kind": "overtake",
                "subject": "Qwen",
                "text": "Qwen passed Llama in all-time downloads on Hugging Face (702.4 million "
                "vs 695 million).",
                "data": {
                    "metric": "all_time",
                    "other": "Llama",
                    "value": 702401000,
                    "other_value": 695000000,
                },
                "run_id": 6,
            },
        ),
        (
            "new_model:Qwen/new",
            "new_model",
            "alerts",
            222,
            {
                "kind": "new_model",
                "subject": "Qwen/new",
                "text": "New from Qwen: Qwen/new entered the author's top 3 on Hugging Face at "
                "#1 (5 million downloads in 30 days).",
                "data": {"position": 1, "d30": 5000000},
                "run_id": 6,
            },
        ),
        (
            "surge:Qwen:6",
            "surge",
            "alerts",
            222,
            {
                "kind": "surge",
                "subject": "Qwen",
                "text": "Download surge: Qwen gained 12.4 million downloads an hour on Hugging "
                "Face since the last snapshot, against a recent average of 1,000 an hour.",
                "data": {"rate": 12396000.0, "mean": 1000.0},
                "run_id": 6,
            },
        ),
        (
            "surge:Qwen/a:6",
            "surge",
            "alerts",
            222,
            {
                "kind": "surge",
                "subject": "Qwen/a",
                "text": "Download surge: Qwen/a gained 12.4 million downloads an hour on Hugging "
                "Face since the last snapshot, against a recent average of 1,000 an hour.",
                "data": {"rate": 12396000.0, "mean": 1000.0},
                "run_id": 6,
            },
        ),
    ]


def test_hub_health_rows(engine):
    settings = parse_settings(HUB_SETTINGS)
    ok = [model("Qwen/a", 690_000_000), model("meta-llama/x", 695_000_000)]
    refused = (
        HubError(
            Scope.AUTHOR,
            "Qwen",
            HubErrorKind.REFUSED,
            "ConnectError: [Errno 111] Connection refused",
        ),
    )
    take_snapshot(settings, engine, listing(0, ok))
    for hour in range(1, 5):
        take_snapshot(settings, engine, listing(hour, [], refused))
    take_snapshot(settings, engine, listing(5, ok))
    assert outbox(engine) == [
        (
            "hub-down:2",
            "hub_health",
            "alerts",
            222,
            {
                "state": "failing",
                "text": "No complete Hugging Face Hub snapshot for 3 h (3 failed in a row since "
                "2026-03-02 10:00 UTC): connection refused to http://127.0.0.1:9/api/models (1 "
                "of 2 authors failed). Rankings, alerts and claim checks use the last complete "
                "snapshot, of 2026-03-02 09:00 UTC.",
                "since": "2026-03-02T10:00:00+00:00",
                "failures": 3,
                "run_id": 4,
            },
        ),
        (
            "hub-recovered:2",
            "hub_health",
            "alerts",
            222,
            {
                "state": "working",
                "text": "Hugging Face Hub snapshots work again: the snapshot of 2026-03-02 14:00 "
                "UTC is complete, after 4 failed snapshots since 2026-03-02 10:00 UTC (4 h).",
                "since": "2026-03-02T10:00:00+00:00",
                "failures": 4,
                "run_id": 6,
            },
        ),
    ]


# -- the digest ------------------------------------------------------------------------

END = datetime(2026, 3, 3, 9, tzinfo=UTC)


def test_digest_row(engine):
    # no charts: a PNG's bytes depend on the plotting library's version
    settings = parse_settings(HUB_SETTINGS + "schedule: {digest_charts: []}\n")
    start = END - timedelta(days=1)
    before = [model("Qwen/a", 690_000_000), model("meta-llama/x", 695_000_000)]
    after = [model("Qwen/a", 702_000_000), model("meta-llama/x", 696_000_000)]
    for at, models in ((start - timedelta(hours=1), before), (END - timedelta(hours=1), after)):
        take_snapshot(settings, engine, Listing(["Qwen", "meta-llama"], at, at, models))
    with Session(engine) as session:
        feeds = [
            Feed(name=n, url=f"https://{n}.example/feed", config_url="x") for n in ("Wire", "Blog")
        ]
        session.add_all(feeds)
        session.flush()
        wide = Article(
            identity_hash="1" * 64,
            canonical_url="https://wire.example/qwen-700m",
            title="Qwen passes 700M downloads",
            text="Qwen passed 700 million downloads on Hugging Face.",
            fetched_at=END - timedelta(hours=3),
        )
        single = Article(
            identity_hash="2" * 64,
            canonical_url="https://blog.example/funding",
            title="@everyone Lab raises $1B",
            fetched_at=END - timedelta(hours=2),
        )
        session.add_all([wide, single])
        session.flush()
        for feed in feeds:
            session.add(Entry(feed_id=feed.id, identity_hash=f"e{feed.id}", article_id=wide.id))
        session.add(Entry(feed_id=feeds[1].id, identity_hash="e3", article_id=single.id))
        session.add(
            Mention(article_id=wide.id, kind="org", text="Qwen", start=0, end=4, canonical="Qwen")
        )
        claim = qwen_total_claim(session, wide.id)
        verdict(session, claim, "supported", "Hub all-time downloads: 702 million")
        session.commit()
    outcome = post_digest(settings, engine, END)
    assert outcome.key == "digest:111:20260302T0900:20260303T0900"
    [row] = [row for row in outbox(engine) if row[1] == "digest"]
    assert row == (
        "digest:111:20260302T0900:20260303T0900",
        "digest",
        "digest",
        111,
        {
            "content": "",
            "embeds": [
                {
                    "title": "trendbot digest, 3 Mar",
                    "description": "2 Mar 09:00 to 3 Mar 09:00 (UTC)\n"
                    "2 stories, 1 claims checked, 3 alerts",
                    "url": None,
                    "fields": [],
                    "footer": "",
                    "colour": 0x0EA5E9,
                    "image": None,
                },
                {
                    "title": "Top stories",
                    "description": "",
                    "url": None,
                    "fields": [
                        {
                            "name": "Qwen passes 700M downloads",
                            "value": "2 sources: Blog, Wire\nhttps://wire.example/qwen-700m",
                            "inline": False,
                        },
                        {
                            "name": "@\u200beveryone Lab raises $1B",
                            "value": "1 source: Blog\nhttps://blog.example/funding",
                            "inline": False,
                        },
                    ],
                    "footer": "",
                    "colour": 0x0EA5E9,
                    "image": None,
                },
                {
                    "title": "In the news",
                    "description": "Qwen: 1 (▲1)",
                    "url": None,
                    "fields": [],
                    "footer": "articles mentioning each, against the previous period",
                    "colour": None,
                    "image": None,
                },
                {
                    "title": "Claims checked against the Hub",
                    "description": "",
                    "url": None,
                    "fields": [
                        {
                            "name": "Qwen passes 700M downloads",
                            "value": "✅ supported Qwen: passed 700 million downloads",
                            "inline": False,
                        }
                    ],
                    "footer": "1 judged, 0 unverifiable; Hub figures as fetched, reasons in "
                    "/claims",
                    "colour": None,
                    "image": None,
                },
                {
                    "title": "Hub ranking: all-time downloads",
                    "description": "1. Qwen: 702 million (▲1)\n2. Llama: 696 million (▼1)",
                    "url": None,
                    "fields": [],
                    "footer": "Hugging Face, sums over the tracked authors' repos; as of 08:00",
                    "colour": None,
                    "image": None,
                },
                {
                    "title": "Alerts",
                    "description": "• Qwen passed 700 million all-time downloads on Hugging "
                    "Face (now 702 million across 1 repo).\n"
                    "• Qwen/a passed 700 million all-time downloads on Hugging Face (now 702 "
                    "million).\n"
                    "• Qwen passed Llama in all-time downloads on Hugging Face (702 million vs "
                    "696 million).",
                    "url": None,
                    "fields": [],
                    "footer": "",
                    "colour": None,
                    "image": None,
                },
            ],
            "files": [],
        },
    )


# -- drawing payloads ------------------------------------------------------------------

# Read in Berlin on the day the rows were queued: "2 Mar 10:00" is 09:00 UTC.
TIMES = TimeText.of("Europe/Berlin", NOW)
PNG = b"\x89PNG\r\n\x1a\n"


def drawn(draft: Draft) -> dict[str, Any]:
    """A draft as plain data: lists for tuples, every field of every embed."""

    def plain(value: Any) -> Any:
        if isinstance(value, dict):
            return {key: plain(v) for key, v in value.items()}
        if isinstance(value, list | tuple):
            return [plain(v) for v in value]
        return value

    return plain(asdict(draft))


def embed(**values: Any) -> dict[str, Any]:
    """One embed as :func:`drawn` gives it: the fields given, the defaults for the others."""
    defaults = {
        "title": "",
        "description": "",
        "url": None,
        "fields": [],
        "footer": "",
        "colour": None,
        "image": None,
    }
    assert set(values) <= set(defaults), set(values) - set(defaults)
    return defaults | values


def one(**values: Any) -> dict[str, Any]:
    """A draft of one embed, no content, no files."""
    return {"content": "", "embeds": [embed(**values)], "files": []}


DRAWN = [
    pytest.param(
        "news",
        {
            "article_id": 1,
            "feed": "Lab blog",
            "title": "Qwen3 GGUF builds",
            "link": "https://lab.example/a",
            "summary": "Quantised weights.",
            "published": "2026-03-02T07:00:00+00:00",
        },
        one(
            title="Qwen3 GGUF builds",
            description="Quantised weights.",
            url="https://lab.example/a",
            footer="Lab blog · 2 Mar 08:00",
            colour=0x3B82F6,
        ),
        id="news",
    ),
    pytest.param(
        "news",
        {
            "feed": "Wire",
            "title": "@everyone *big* <@123456789012345678>",
            "link": "javascript:alert(1)",
            "summary": "x" * 601,
            "published": "2025-12-31T23:30:00+00:00",  # already 2026 in Berlin
        },
        one(
            title="@\u200beveryone \\*big\\* <\u200b@\u200b123456789012345678>",
            description="x" * 599 + "…",
            footer="Wire · 1 Jan 00:30",
            colour=0x3B82F6,
        ),
        id="news-hostile-long-bad-link",
    ),
    pytest.param(
        "news",
        {"title": "Legacy", "published": "2026-03-01T10:00:00"},  # no offset: read as UTC
        one(title="Legacy", footer="1 Mar 11:00", colour=0x3B82F6),
        id="news-naive-time",
    ),
    pytest.param("news", {"title": "two"}, one(title="two", colour=0x3B82F6), id="news-title"),
    pytest.param("news", {}, one(title="(untitled)", colour=0x3B82F6), id="news-empty"),
    pytest.param(
        "milestone",
        {
            "kind": "milestone",
            "subject": "Qwen",
            "text": "Qwen passed 700 million all-time downloads on Hugging Face.",
            "data": {"threshold": 700000000, "value": 702401000},
            "run_id": 6,
        },
        one(
            title="Milestone: Qwen",
            description="Qwen passed 700 million all-time downloads on Hugging Face.",
            footer="Hugging Face Hub statistics, from trendbot's snapshots",
            colour=0x22C55E,
        ),
        id="milestone",
    ),
    pytest.param(
        "overtake",
        {"kind": "overtake", "subject": "Qwen", "text": "Qwen passed Llama."},
        one(
            title="Overtake: Qwen",
            description="Qwen passed Llama.",
            footer="Hugging Face Hub statistics, from trendbot's snapshots",
            colour=0xF59E0B,
        ),
        id="overtake",
    ),
    pytest.param(
        "new_model",
        {"kind": "new_model", "subject": "Qwen/new", "text": "New from Qwen_x."},
        one(
            title="New model: Qwen/new",
            description="New from Qwen\\_x.",
            footer="Hugging Face Hub statistics, from trendbot's snapshots",
            colour=0x8B5CF6,
        ),
        id="new-model",
    ),
    pytest.param(
        "surge",
        {"kind": "surge", "subject": "Qwen", "text": "Download surge."},
        one(
            title="Download surge: Qwen",
            description="Download surge.",
            footer="Hugging Face Hub statistics, from trendbot's snapshots",
            colour=0xEF4444,
        ),
        id="surge",
    ),
    # the title and colour follow the payload's kind, not the row's
    pytest.param(
        "surge",
        {"subject": "Qwen", "text": "no kind"},
        one(
            title="Alert: Qwen",
            description="no kind",
            footer="Hugging Face Hub statistics, from trendbot's snapshots",
        ),
        id="alert-without-kind",
    ),
    pytest.param(
        "milestone",
        {"kind": "record", "subject": "Qwen"},
        one(title="Record: Qwen", footer="Hugging Face Hub statistics, from trendbot's snapshots"),
        id="alert-of-an-unknown-kind",
    ),
    pytest.param(
        "milestone",
        {},
        one(title="Alert: ", footer="Hugging Face Hub statistics, from trendbot's snapshots"),
        id="alert-empty",
    ),
    pytest.param(
        "health",
        {
            "feed": "Lab blog",
            "health_from": "ok",
            "health_to": "failing",
            "message": "Lab blog is failing: HTTP 429, retry after 2026-03-02 10:42 UTC",
        },
        one(
            title="Feed Lab blog: failing",
            description="Lab blog is failing: HTTP 429, retry after 2 Mar 11:42",
            footer="was ok",
            colour=0x6B7280,
        ),
        id="health",
    ),
    pytest.param(
        "health",
        {},
        one(title="Feed : ?", footer="was ?", colour=0x6B7280),
        id="health-empty",
    ),
    pytest.param(
        "hub_health",
        {
            "state": "failing",
            "text": "No complete snapshot since 2026-03-02 10:00 UTC: connection refused",
            "since": "2026-03-02T10:00:00+00:00",
            "failures": 3,
            "run_id": 4,
        },
        one(
            title="Hugging Face Hub: snapshots failing",
            description="No complete snapshot since 2 Mar 11:00: connection refused",
            footer="trendbot's Hub snapshots",
            colour=0x6B7280,
        ),
        id="hub-failing",
    ),
    pytest.param(
        "hub_health",
        {"state": "working", "text": "Snapshots work again."},
        one(
            title="Hugging Face Hub: working again",
            description="Snapshots work again.",
            footer="trendbot's Hub snapshots",
            colour=0x6B7280,
        ),
        id="hub-working",
    ),
    pytest.param(
        "hub_health",
        {},
        one(
            title="Hugging Face Hub: snapshots failing",
            footer="trendbot's Hub snapshots",
            colour=0x6B7280,
        ),
        id="hub-empty",
    ),
    pytest.param(
        "digest",
        {
            "content": "Good morning",
            "embeds": [
                {
                    "title": "trendbot digest, 3 Mar",
                    "description": "2 stories",
                    "url": "https://example.com/d",
                    "fields": [{"name": "Top", "value": "one", "inline": True}],
                    "footer": "f",
                    "colour": 0x0EA5E9,
                    "image": "ranking.png",
                }
            ],
            "files": [{"name": "ranking.png", "data": base64.b64encode(PNG).decode()}],
        },
        {
            "content": "Good morning",
            "embeds": [
                embed(
                    title="trendbot digest, 3 Mar",
                    description="2 stories",
                    url="https://example.com/d",
                    fields=[{"name": "Top", "value": "one", "inline": True}],
                    footer="f",
                    colour=0x0EA5E9,
                    image="ranking.png",
                )
            ],
            "files": [{"name": "ranking.png", "data": PNG}],
        },
        id="digest",
    ),
    pytest.param(
        "digest",  # a digest stored before its embeds had urls, colours, images or fields
        {"embeds": [{"title": "Old", "url": "ftp://x", "fields": [{"name": "n", "value": "v"}]}]},
        {
            "content": "",
            "embeds": [embed(title="Old", fields=[{"name": "n", "value": "v", "inline": False}])],
            "files": [],
        },
        id="digest-legacy",
    ),
    pytest.param("digest", {}, {"content": "", "embeds": [], "files": []}, id="digest-empty"),
    pytest.param(
        "admin",
        {"text": "Posting to route 'lab' stopped: HTTP 403 Missing_Permissions."},
        {
            "content": "Posting to route 'lab' stopped: HTTP 403 Missing\\_Permissions.",
            "embeds": [],
            "files": [],
        },
        id="admin",
    ),
    pytest.param("admin", {}, {"content": "{}", "embeds": [], "files": []}, id="admin-empty"),
    pytest.param(
        "mystery",
        {"a": 1, "b": "*x*"},
        {"content": "{'a': 1, 'b': '\\*x\\*'}", "embeds": [], "files": []},
        id="unknown-kind",
    ),
    pytest.param(
        "mystery",
        {"text": "@here look"},
        {"content": "@\u200bhere look", "embeds": [], "files": []},
        id="unknown-kind-with-text",
    ),
]


@pytest.mark.parametrize(("kind", "payload", "expected"), DRAWN)
def test_draft_for(kind, payload, expected):
    assert drawn(draft_for(kind, payload, TIMES)) == expected
