"""Outbox delivery: exactly once, backoff on transient failures, broken routes stop alone."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session, select

from bot.config.load import parse_settings
from bot.core.send_errors import NoChannel, RateLimited, Refused, RouteBroken, SendError
from bot.delivery.messages import Draft
from bot.delivery.sender import ConsoleSink, Sender, nonce_for
from bot.store.models import OutboxMessage
from tests.outbox_rows import enqueue

NOW = datetime(2026, 3, 2, 9, tzinfo=UTC)
SETTINGS = parse_settings("discord: {channels: {alerts: 222, news: 333}, routes: {lab: 444}}\n")


class FakeSink:
    """Remembers what was posted per channel, keyed by nonce, like Discord with enforce_nonce."""

    def __init__(self) -> None:
        self.posted: dict[str, tuple[int | None, Draft]] = {}
        self.calls: list[tuple[str, str]] = []
        self.fail: dict[str, SendError] = {}
        self.next_id = 1000

    async def send(self, channel_id, route, draft, nonce):
        self.calls.append(("send", route))
        if route in self.fail:
            raise self.fail[route]
        if nonce in self.posted:  # Discord returns the first message for a repeated nonce
            return self.posted[nonce][0]
        self.next_id += 1
        self.posted[nonce] = (self.next_id, draft)
        return self.next_id

    async def find_sent(self, channel_id, route, draft, nonce, since=None):
        self.calls.append(("find", route))
        return self.posted[nonce][0] if nonce in self.posted else None


def add(engine, key: str, route: str = "alerts", kind: str = "milestone", text: str = "hello"):
    with Session(engine) as session:
        enqueue(
            session,
            key=key,
            kind=kind,
            route=route,
            payload={"kind": kind, "subject": "Qwen", "text": text},
            at=NOW,
            discord=SETTINGS.discord,
        )
        session.commit()


def rows(engine) -> dict[str, OutboxMessage]:
    with Session(engine) as session:
        return {r.dedupe_key: r for r in session.exec(select(OutboxMessage)).all()}


async def test_each_message_is_delivered_once_with_its_id(engine):
    sink = FakeSink()
    add(engine, "a")
    add(engine, "b", route="news", kind="news")
    sender = Sender(SETTINGS, engine, sink, clock=lambda: NOW)
    first = await sender.deliver()
    second = await sender.deliver()
    assert (first.delivered, second.delivered) == (2, 0)
    assert len(sink.posted) == 2
    stored = rows(engine)
    assert stored["a"].status == "delivered" and stored["a"].message_id == 1001
    assert stored["b"].delivered_at == NOW


async def test_a_crash_after_sending_does_not_send_twice(engine):
    sink = FakeSink()
    add(engine, "a")
    # the previous process sent the message, then died before marking it delivered
    await sink.send(222, "alerts", Draft(content="x"), nonce_for("a", 0))
    with Session(engine) as session:
        row = session.exec(select(OutboxMessage)).one()
        row.attempts = 1
        session.add(row)
        session.commit()
    sink.calls.clear()
    report = await Sender(SETTINGS, engine, sink, clock=lambda: NOW).deliver()
    assert report.delivered == 1
    assert sink.calls == [("find", "alerts")]  # found in the channel, not sent again
    assert len(sink.posted) == 1


async def test_transient_failures_back_off_and_lose_nothing(engine):
    sink = FakeSink()
    sink.fail["alerts"] = SendError("HTTP 503")
    add(engine, "a")
    clock = [NOW]
    sender = Sender(SETTINGS, engine, sink, clock=lambda: clock[0])
    report = await sender.deliver()
    assert (report.delivered, report.deferred) == (0, 1)
    row = rows(engine)["a"]
    assert row.status == "pending" and row.next_attempt_at == NOW + timedelta(seconds=30)
    assert row.last_error == "HTTP 503"
    assert (await sender.deliver()).deferred == 0  # not due yet
    sink.fail["alerts"] = RateLimited("rate limited", retry_after=120)
    clock[0] = NOW + timedelta(seconds=30)
    await sender.deliver()
    assert rows(engine)["a"].next_attempt_at == clock[0] + timedelta(seconds=120)
    del sink.fail["alerts"]
    clock[0] += timedelta(seconds=120)
    assert (await sender.deliver()).delivered == 1
    assert len(sink.posted) == 1


@pytest.mark.parametrize(
    ("attempts", "delay"),
    [
        (0, timedelta(seconds=30)),
        (1, timedelta(minutes=1)),
        (42, timedelta(hours=1)),  # 30 s * 2**42 overflowed: retried every pass, a traceback each
        (10_000, timedelta(hours=1)),
    ],
)
async def test_the_backoff_is_capped_for_any_number_of_attempts(engine, attempts, delay):
    sink = FakeSink()
    sink.fail["alerts"] = SendError("Discord unreachable: connection refused")
    add(engine, "a")
    with Session(engine) as session:  # a long outage, retried now and then
        row = session.exec(select(OutboxMessage)).one()
        row.attempts = attempts
        session.add(row)
        session.commit()
    report = await Sender(SETTINGS, engine, sink, clock=lambda: NOW).deliver()
    assert (report.delivered, report.deferred) == (0, 1)
    row = rows(engine)["a"]
    assert row.status == "pending" and row.attempts == attempts + 1
    assert row.next_attempt_at == NOW + delay


async def test_a_broken_route_stops_alone_and_the_admins_are_told(engine):
    sink = FakeSink()
    sink.fail["lab"] = RouteBroken("HTTP 403 Missing Permissions")
    add(engine, "lab-1", route="lab", kind="news")
    add(engine, "lab-2", route="lab", kind="news")
    add(engine, "alert-1")
    sender = Sender(SETTINGS, engine, sink, clock=lambda: NOW)
    report = await sender.deliver()
    assert report.broken_routes == ["lab"]
    stored = rows(engine)
    assert stored["lab-1"].status == "failed"
    assert stored["lab-1"].last_error == "HTTP 403 Missing Permissions"
    assert stored["lab-2"].status == "pending"  # kept, not tried while the route is stopped
    assert stored["alert-1"].status == "delivered"
    assert [c for c in sink.calls if c[1] == "lab"] == [("send", "lab")]
    # the notice to the admins goes out on the alerts route, once
    await sender.deliver()
    notices = [d for _id, d in sink.posted.values() if "stopped" in d.text()]
    assert len(notices) == 1
    assert "Posting to route 'lab' stopped: HTTP 403 Missing Permissions" in notices[0].text()


async def test_a_long_message_is_sent_in_parts_and_resumes_where_it_stopped(engine):
    sink = FakeSink()
    with Session(engine) as session:
        enqueue(
            session,
            key="digest:1",
            kind="digest",
            route="alerts",
            payload={"content": "x" * 4500, "embeds": []},
            at=NOW,
            discord=SETTINGS.discord,
        )
        session.commit()
    sink.fail["alerts"] = SendError("HTTP 500")
    original = sink.send
    sent = []

    async def fail_after_first(channel_id, route, draft, nonce):
        if sent:
            raise SendError("HTTP 500")
        sent.append(nonce)
        del sink.fail["alerts"]
        result = await original(channel_id, route, draft, nonce)
        sink.fail["alerts"] = SendError("HTTP 500")
        return result

    sink.send = fail_after_first
    clock = [NOW]
    sender = Sender(SETTINGS, engine, sink, clock=lambda: clock[0])
    await sender.deliver()
    assert len(sink.posted) == 1 and rows(engine)["digest:1"].status == "pending"
    sink.send = original
    del sink.fail["alerts"]
    clock[0] += timedelta(hours=1)
    await sender.deliver()
    assert rows(engine)["digest:1"].status == "delivered"
    assert len(sink.posted) == 3  # 4,500 characters: three parts, each posted once


async def test_the_console_sink_prints_what_a_reader_would_see(engine):
    out = io.StringIO()
    add(engine, "a", text="Qwen_2 passed **700M**")
    await Sender(SETTINGS, engine, ConsoleSink(out), clock=lambda: NOW).deliver()
    printed = out.getvalue()
    assert printed.startswith("--- #alerts (222)\n## Milestone: Qwen\nQwen_2 passed **700M**")
    assert rows(engine)["a"].status == "delivered"


async def test_a_feed_health_change_is_reported_once(engine):
    from bot.store.models import Feed, FeedEvent

    with Session(engine) as session:
        feed = Feed(name="Lab blog", url="https://lab.example/feed", config_url="x")
        session.add(feed)
        session.flush()
        session.add(
            FeedEvent(
                feed_id=feed.id,
                at=NOW,
                health_from="ok",
                health_to="failing",
                message="HTTP 503 three times in a row; retrying with backoff",
            )
        )
        session.commit()
    sink = FakeSink()
    sender = Sender(SETTINGS, engine, sink, clock=lambda: NOW)
    first = await sender.deliver()
    second = await sender.deliver()
    assert (first.delivered, second.delivered) == (1, 0)
    [(_id, draft)] = sink.posted.values()
    assert draft.embeds[0].title == "Feed Lab blog: failing"
    assert "HTTP 503 three times" in draft.embeds[0].description


async def test_a_stopped_route_with_a_backlog_does_not_hold_up_the_others(engine):
    sink = FakeSink()
    sink.fail["lab"] = NoChannel("no channel is configured for route 'lab'")
    for index in range(120):
        add(engine, f"lab-{index}", route="lab", kind="news")
    add(engine, "alert-1")
    sender = Sender(SETTINGS, engine, sink, clock=lambda: NOW)
    first = await sender.deliver(limit=100)
    second = await sender.deliver(limit=100)
    stored = rows(engine)
    assert stored["alert-1"].status == "delivered"
    assert (first.delivered + second.delivered) >= 1
    assert all(stored[f"lab-{i}"].status == "pending" for i in range(120))  # waiting, kept


async def test_a_message_discord_refuses_fails_alone_and_the_admins_are_told(engine):
    sink = FakeSink()
    sink.fail["news"] = Refused("HTTP 400: Invalid Form Body (50035)")
    add(engine, "news-1", route="news", kind="news")
    add(engine, "news-2", route="news", kind="news")
    sender = Sender(SETTINGS, engine, sink, clock=lambda: NOW)
    report = await sender.deliver()
    assert report.failed == 2 and report.broken_routes == []  # the route itself is fine
    stored = rows(engine)
    assert stored["news-1"].status == "failed"
    assert stored["news-1"].last_error == "HTTP 400: Invalid Form Body (50035)"
    await sender.deliver()
    notices = [d.text() for _id, d in sink.posted.values()]
    assert any("was refused by Discord and will not be retried" in n for n in notices)
