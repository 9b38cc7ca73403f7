"""`trendbot demo`: the whole pipeline, offline, on bundled sample data.

Only the data source and the sink differ from the service: three sample outlets
and a Hub with a bundled dataset are served from 127.0.0.1, the database is a
temporary SQLite file, and the outbox is delivered to the terminal. Everything
in between is the production code: the crawler with its guards and worker
processes, trafilatura, the extractor, the Hub client (huggingface_hub), the
snapshot job with its alerts and verdicts, the digest and the sender.

The Hub dataset has two moments a day apart; the first snapshot is recorded as
taken a day ago, so the second one finds Qwen crossing 700 million downloads.
"""

from __future__ import annotations

import asyncio
import tempfile
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from importlib import resources
from pathlib import Path
from typing import Any, TextIO

from ruamel.yaml import YAML

from bot.config.load import parse_settings
from bot.config.schema import Settings


@dataclass
class DemoResult:
    articles: int
    alerts: int
    verdicts: dict[str, int]
    messages: int
    database: Path | None


def load_data() -> dict[str, Any]:
    text = resources.files("bot.demo").joinpath("data.yaml").read_text(encoding="utf-8")
    return YAML(typ="safe").load(text)


def _config(data: dict[str, Any], site, hub_endpoint: str, database: str) -> Settings:
    feeds = "".join(
        f"  - {{name: {name}, url: '{site.feed_url(key)}', backfill: 10, interval: 30m}}\n"
        for key, name in data["outlets"].items()
    )
    families = "".join(
        f"    {name}: {{authors: [{', '.join(family['authors'])}]}}\n"
        for name, family in data["hub"]["families"].items()
    )
    return parse_settings(
        f"database: {database}\n"
        "http: {allow_private: true}\n"
        "crawl: {workers: 0, start_spread: 0s}\n"
        f"feeds:\n{feeds}"
        "hub:\n"
        f"  endpoint: {hub_endpoint}\n"
        "  token_env: TRENDBOT_DEMO_NO_TOKEN\n"
        f"  authors: [{', '.join(data['hub']['authors'])}]\n"
        f"  families:\n{families}"
        "discord: {channels: {digest: null, alerts: null, news: null}}\n"
    )


def _repos(data: dict[str, Any], moment: str) -> list:
    from bot.demo.hub_server import HubRepo

    repos = []
    for repo_id, figures in data["hub"]["models"].items():
        all_time, d30, likes = figures[moment]
        created = figures["created"]
        if isinstance(created, date):
            created = datetime.combine(created, time(), tzinfo=UTC)
        meta = figures.get("meta") or {}
        repos.append(
            HubRepo(
                repo_id,
                downloads=d30,
                downloads_all_time=all_time,
                likes=likes,
                trending_score=likes // 100,
                created_at=created,
                safetensors=meta.get("safetensors"),
                config=meta.get("config"),
                card_data=meta.get("card_data"),
            )
        )
    return repos


def digest_line(start: datetime, end: datetime, zone: str) -> str:
    """The digest's period as the digest itself gives it: in ``zone``, read at its end."""
    from bot.time_text import TimeText

    times = TimeText.of(zone, end)
    return f"Digest composed for {times.span(start, end)} ({times.zone_name})"


def run_demo(out: TextIO, keep: Path | None = None) -> DemoResult:
    """Run the pipeline once on the sample data and print what a reader would see."""
    from sqlalchemy import func
    from sqlmodel import Session, select

    from bot.cli.crawl import run_crawl
    from bot.delivery.digest_job import post_digest
    from bot.delivery.pictures import history_picture, ranking_picture
    from bot.delivery.sender import ConsoleSink, Sender
    from bot.demo.hub_server import FakeHub
    from bot.demo.site import Site
    from bot.hub.client import list_tracked
    from bot.hub.job import take_snapshot
    from bot.store import open_database
    from bot.store.models import Article, OutboxMessage, Verdict
    from bot.store.queries import load_ranking

    data = load_data()
    folder = Path(keep) if keep else Path(tempfile.mkdtemp(prefix="trendbot-demo-"))
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("demo.db*"):  # a kept folder from an earlier run: start afresh
        stale.unlink()
    database = f"sqlite:///{folder / 'demo.db'}"

    def say(text: str) -> None:
        out.write(text + "\n")
        out.flush()

    with Site(data) as site, FakeHub() as hub:
        settings = _config(data, site, hub.endpoint, database)
        engine = open_database(settings.database)
        try:
            say(f"trendbot demo: 3 sample outlets at {site.base}, a sample Hub at {hub.endpoint}")
            hub.add(*_repos(data, "before"))
            yesterday = list_tracked(settings)
            yesterday.started_at -= timedelta(days=1)  # the bundled dataset's first moment
            first = take_snapshot(settings, engine, yesterday)
            say(f"1. Hub snapshot of yesterday: {first.models} models in {first.requests} requests")

            summary = asyncio.run(run_crawl(settings, None, show_progress=False)).as_json()
            say(
                f"2. Crawled {summary['feeds']} feeds: {summary['entries_new']} items, "
                f"{summary['articles_stored']} articles stored with full text, "
                "entities and claims"
            )
            for repo in _repos(data, "after"):
                hub.set_downloads(repo.id, all_time=repo.downloads_all_time, d30=repo.downloads)
            second = take_snapshot(settings, engine)
            say(
                f"3. Hub snapshot of today: {len(second.alerts)} alerts, "
                f"{second.verdicts} claims judged against the Hub"
            )
            # the period ends at the next whole minute, so it covers what was just crawled
            end = (datetime.now(UTC) + timedelta(minutes=1)).replace(second=0, microsecond=0)
            digest = post_digest(settings, engine, end)
            say(f"4. {digest_line(digest.start, digest.end, settings.schedule.timezone)}")
            with Session(engine) as session:
                charts = [
                    ranking_picture(session, settings, load_ranking(session, settings)),
                    history_picture(session, settings, "Qwen"),
                ]
            for picture in charts:
                if picture is not None:
                    (folder / picture.name).write_bytes(picture.data)
                    say(f"5. Chart written: {folder / picture.name}")
            say("\nWhat the Discord channels would show:\n")
            sender = Sender(settings, engine, ConsoleSink(out))
            delivered = 0
            while True:
                report = asyncio.run(sender.deliver())
                delivered += report.delivered
                if not report.delivered:
                    break
            with Session(engine) as session:
                articles = session.exec(select(func.count()).select_from(Article)).one()
                statuses = dict(
                    session.exec(
                        select(Verdict.status, func.count()).group_by(Verdict.status)
                    ).all()
                )
                pending = session.exec(
                    select(func.count())
                    .select_from(OutboxMessage)
                    .where(OutboxMessage.status == "pending")
                ).one()
        finally:
            engine.dispose()
    say(
        f"\nDone: {articles} articles, {len(second.alerts)} alerts, {delivered} messages "
        f"({pending} left), verdicts {statuses}."
    )
    say(f"The demo's database and charts are in {folder}.")
    return DemoResult(articles, len(second.alerts), statuses, delivered, folder / "demo.db")
