"""Times in what people read (posts, digests, replies) are short and in schedule.timezone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

from sqlmodel import Session

from bot.config.load import parse_settings
from bot.core.views import DecisionView, FeedView, ModelCard, ModelFigures, NewsItem, Status
from bot.delivery.digest import DigestData, compose
from bot.delivery.digest_job import post_digest
from bot.delivery.messages import draft_for
from bot.delivery.replies import (
    feeds_reply,
    model_reply,
    news_reply,
    ranking_reply,
    status_reply,
    why_reply,
)
from bot.delivery.sender import Sender
from bot.discord.render import local_times
from bot.hub.rankings import By, Metric, Ranking, Row
from bot.time_text import TimeText
from tests.outbox_rows import enqueue

NOW = datetime(2026, 3, 2, 9, tzinfo=UTC)  # 10:00 in Berlin, 14:30 in Kolkata
KOLKATA = TimeText.of("Asia/Kolkata", NOW)


class Recorder:
    def __init__(self) -> None:
        self.footers: list[str] = []

    async def send(self, channel_id, route, draft, nonce):
        self.footers.append(draft.embeds[0].footer)
        return None

    async def find_sent(self, channel_id, route, draft, nonce, since=None):
        return None


async def test_a_news_post_gives_its_time_in_the_configured_zone_and_retries_the_same_text(
    engine,
):
    settings = parse_settings(
        "discord: {channels: {news: 333}}\nschedule: {timezone: Europe/Berlin}\n"
    )
    with Session(engine) as session:
        enqueue(
            session,
            key="news:news:1",
            kind="news",
            route="news",
            payload={"feed": "Wire", "title": "A", "published": "2026-03-02T08:30:00+00:00"},
            at=NOW,
            discord=settings.discord,
        )
        session.commit()
    sink = Recorder()
    clock = [NOW]
    sender = Sender(settings, engine, sink, clock=lambda: clock[0])
    await sender.deliver()
    assert sink.footers == ["Wire · 2 Mar 09:30"]  # 08:30 UTC, with its day
    # a retry tomorrow must render the very text posted today (it is looked for by it)
    row = draft_for("news", {"feed": "Wire", "published": "2026-03-02T08:30:00+00:00"})
    assert row.embeds[0].footer == "Wire · 2 Mar 08:30"  # no zone given: UTC, against now
    later = draft_for(
        "news",
        {"feed": "Wire", "published": "2026-03-02T08:30:00+00:00"},
        TimeText.of("Europe/Berlin", NOW),
    )
    assert later.embeds[0].footer == "Wire · 2 Mar 09:30"


class Outage(Recorder):
    """Discord away for the first ``down`` sends."""

    def __init__(self, down: int) -> None:
        super().__init__()
        self.down = down
        self.tried: list[str] = []

    async def send(self, channel_id, route, draft, nonce):
        self.tried.append(draft.embeds[0].footer)
        if len(self.tried) <= self.down:
            from bot.delivery.sender import UNREACHABLE, SendError

            raise SendError(f"{UNREACHABLE}: connection refused")
        return await super().send(channel_id, route, draft, nonce)


async def test_a_news_post_delivered_days_late_names_the_day_it_was_published(engine):
    """Queued on 3 Dec, delivered on 5 Dec after an outage: Discord dates the message
    5 Dec, so a bare "10:42" under it would name the wrong day."""
    settings = parse_settings("discord: {channels: {news: 333}}\n")
    queued = datetime(2025, 12, 3, 10, 50, tzinfo=UTC)
    with Session(engine) as session:
        enqueue(
            session,
            key="news:news:late",
            kind="news",
            route="news",
            payload={"feed": "Wire", "title": "A", "published": "2025-12-03T10:42:00+00:00"},
            at=queued,
            discord=settings.discord,
        )
        session.commit()
    sink = Outage(down=1)
    clock = [queued]
    sender = Sender(settings, engine, sink, clock=lambda: clock[0])
    assert (await sender.deliver()).deferred == 1
    clock[0] = datetime(2025, 12, 5, 9, tzinfo=UTC)  # Discord is back two days later
    assert (await sender.deliver()).delivered == 1
    assert sink.footers == ["Wire · 3 Dec 10:42"]
    assert sink.tried == ["Wire · 3 Dec 10:42"] * 2  # the same text on every attempt


def ranking(as_of: datetime, since: datetime | None = None) -> Ranking:
    return Ranking(
        By.FAMILY,
        Metric.ALLTIME,
        [Row(1, "Qwen", 702_000_000, "Hugging Face, author Qwen, 1 repo", 1)],
        as_of,
        since=since,
    )


def test_the_digest_reads_its_period_in_the_zone_across_a_clock_change():
    # Berlin's clocks go forward on 29 Mar 2026: that day is 23 hours long
    end = datetime(2026, 3, 29, 7, tzinfo=UTC)  # 09:00 CEST
    data = DigestData(
        end - timedelta(hours=23),  # 09:00 CET the day before
        end,
        ranking=ranking(end - timedelta(minutes=20)),
        zone="Europe/Berlin",
    )
    draft = compose(data)
    header = draft.embeds[0]
    assert header.title == "trendbot digest, 29 Mar"
    assert header.description.splitlines()[0] == ("28 Mar 09:00 to 29 Mar 09:00 (Europe/Berlin)")
    ranking_embed = next(e for e in draft.embeds if e.title.startswith("Hub ranking"))
    assert ranking_embed.footer.endswith("; as of 08:40")
    assert "UTC" not in draft.text()


def test_a_digest_without_a_zone_is_in_utc():
    end = datetime(2026, 3, 3, 9, tzinfo=UTC)
    header = compose(DigestData(end - timedelta(days=1), end)).embeds[0]
    assert header.title == "trendbot digest, 3 Mar"
    assert header.description.startswith("2 Mar 09:00 to 3 Mar 09:00 (UTC)")


def test_a_posted_digest_takes_the_configured_zone(engine):
    settings = parse_settings(
        "discord: {channels: {digest: 111}}\nschedule: {timezone: America/New_York}\n"
    )
    end = datetime(2026, 3, 3, 14, tzinfo=UTC)  # 09:00 EST
    outcome = post_digest(settings, engine, end)
    assert outcome.posted
    assert outcome.draft.embeds[0].description.startswith(
        "2 Mar 09:00 to 3 Mar 09:00 (America/New_York)"
    )


def test_replies_give_short_local_times():
    earlier = NOW - timedelta(days=2)  # 28 Feb 14:30 in Kolkata
    draft = ranking_reply(ranking(NOW - timedelta(minutes=5), since=earlier), KOLKATA)
    assert draft.embeds[0].footer.endswith("as of 14:25, since 28 Feb 14:30")

    news = news_reply(
        [NewsItem("A story", None, NOW - timedelta(hours=1), ("Wire",))], None, 7, KOLKATA
    )
    assert news.embeds[0].fields[0].value == "Wire · 13:30"

    feed = FeedView(
        name="Wire",
        url="https://wire.example/feed",
        health="ok",
        last_fetch_at=datetime(2025, 12, 31, 20, tzinfo=UTC),  # already 2026 in Kolkata
    )
    assert "last fetch 1 Jan 01:30" in feeds_reply([feed], KOLKATA).embeds[0].fields[0].value

    state = Status(
        last_crawl=NOW - timedelta(minutes=3),
        last_snapshot=NOW - timedelta(hours=1),
        last_snapshot_complete=True,
        snapshot_age=timedelta(hours=1),
        failing_feeds=[],
        outbox_pending=0,
        outbox_failed=0,
    )
    fields = {f.name: f.value for f in status_reply(state, KOLKATA).embeds[0].fields}
    assert fields["Last crawl"] == "14:27"
    assert fields["Last Hub snapshot"].startswith("13:30 (complete)")

    row = DecisionView(
        at=datetime(2025, 6, 1, 18, 45, tzinfo=UTC), decision="new", detail="new item"
    )
    why = why_reply("https://wire.example/a", [(row, "Wire")], KOLKATA)
    assert "2 Jun 2025 00:15 Wire: new: new item" in why.embeds[0].description


def test_the_model_card_is_as_of_a_local_time():
    model = ModelFigures(
        downloads_all_time=702_000_000,
        downloads_30d=9_000_000,
        likes=900,
        last_seen_at=NOW - timedelta(minutes=30),
    )
    card = ModelCard(repo_id="Qwen/Qwen3-8B", model=model, growth_7d=None, news=[], claims=[])
    footer = model_reply(card, KOLKATA).embeds[0].footer
    assert footer == "Hugging Face, repo Qwen/Qwen3-8B; as of 14:00"


def test_a_reply_reads_the_zone_of_the_running_settings():
    """A reload that changes schedule.timezone applies to the next reply."""
    bot = SimpleNamespace(settings=parse_settings("schedule: {timezone: Asia/Kolkata}\n"))
    assert local_times(bot).zone_name == "Asia/Kolkata"
    bot.settings = parse_settings("schedule: {timezone: Europe/Berlin}\n")
    assert local_times(bot).zone_name == "Europe/Berlin"


def test_stored_instants_in_errors_and_decisions_are_shown_in_the_zone():
    """Texts stored with a UTC stamp (a feed's last error, a decision's detail) are
    rewritten in the reader's zone wherever they are shown."""
    feed = FeedView(
        name="Wire",
        url="https://wire.example/feed",
        health="ok",
        last_error="HTTP 429: asked to wait until 2026-03-01 09:00 UTC",
    )
    value = feeds_reply([feed], KOLKATA).embeds[0].fields[0].value
    assert "asked to wait until 1 Mar 14:30" in value and "UTC" not in value

    row = DecisionView(
        at=datetime(2025, 6, 1, 18, 45, tzinfo=UTC),
        decision="duplicate_id",
        detail="seen again with date 2025-06-01 18:00 UTC",
    )
    why = why_reply("https://wire.example/a", [(row, "Wire")], KOLKATA)
    assert "seen again with date 1 Jun 2025 23:30" in why.embeds[0].description

    state = Status(
        last_crawl=NOW,
        last_snapshot=NOW,
        last_snapshot_complete=True,
        snapshot_age=timedelta(0),
        failing_feeds=[("Wire", "failing", "retry after 2026-03-01 09:00 UTC")],
        outbox_pending=0,
        outbox_failed=0,
    )
    text = " ".join(f.value for f in status_reply(state, KOLKATA).embeds[0].fields)
    assert "retry after 1 Mar 14:30" in text
