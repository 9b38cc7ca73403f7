"""`trendbot feeds list|test`: feed health for admins, and trying a feed before adding it."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from bot.cli.app import app, out, settings_of

if TYPE_CHECKING:
    from bot.ingest.feedcheck import FeedCheck

feeds_app = typer.Typer(
    help="List feeds with their health; test a feed before adding it.", no_args_is_help=True
)
app.add_typer(feeds_app, name="feeds")


@feeds_app.command("list")
def feeds_list(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="one JSON object per feed")] = False,
) -> None:
    """Every configured feed: URL, health, last fetch, next poll and last error."""
    from sqlmodel import Session, select

    from bot.store import open_database
    from bot.store.models import Feed
    from bot.time_text import TimeText

    settings = settings_of(ctx)
    engine = open_database(settings.database, create=False)
    with Session(engine) as session:
        rows = {row.name: row for row in session.exec(select(Feed))}
    engine.dispose()
    now = datetime.now(UTC)
    records = []
    for feed in settings.feeds:
        row = rows.get(feed.name)
        records.append(
            {
                "name": feed.name,
                "url": row.url if row else feed.url,
                "enabled": feed.enabled,
                "health": row.health if row else "new",
                "failures": row.failure_count if row else 0,
                "last_fetch": row.last_fetch_at.isoformat() if row and row.last_fetch_at else None,
                "next_due": row.next_due_at.isoformat() if row and row.next_due_at else None,
                "last_error": row.last_error if row else None,
            }
        )
    if as_json:
        for record in records:
            print(json.dumps(record))
        return
    times = TimeText.of(settings.schedule.timezone, now)
    table = Table(title=f"times in {times.zone_name}", title_justify="left")
    for column in ("feed", "health", "last fetch", "next poll", "last error", "url"):
        table.add_column(column, overflow="fold")
    for record, feed in zip(records, settings.feeds, strict=True):
        row = rows.get(feed.name)
        next_poll = (
            "stopped"
            if row and row.health == "failed" and not row.next_due_at
            else (times.at_ago(row.next_due_at, "at next crawl") if row else "at next crawl")
        )
        health = record["health"] if feed.enabled else f"{record['health']} (disabled)"
        table.add_row(
            feed.name,
            health,
            times.at_ago(row.last_fetch_at if row else None),
            next_poll,
            times.text(record["last_error"]),
            record["url"],
        )
    out.print(table)


def _print_check(check: FeedCheck) -> None:
    if not check.ok:
        out.print(f"FAIL  {check.error}", markup=False)
        return
    out.print(f"OK    {check.source}: {check.version}, {check.entries} entries", markup=False)
    for item in check.items[:3]:
        out.print(f"        {item['title'] or '(no title)'}  {item['link'] or ''}", markup=False)


@feeds_app.command("test")
def feeds_test(
    ctx: typer.Context,
    sources: Annotated[
        list[str], typer.Argument(help="feed URLs or local files", metavar="URL_OR_PATH...")
    ],
    as_json: Annotated[bool, typer.Option("--json", help="one JSON line per input")] = False,
) -> None:
    """Check that each input is a feed and show what would be stored; exit 1 if any is not."""
    from bot.config.schema import HttpSettings
    from bot.ingest.feedcheck import check_sources
    from bot.ingest.fetch import Fetcher

    try:
        http = settings_of(ctx).http
    except Exception:  # no usable config: test with the safe defaults
        http = HttpSettings()

    async def run() -> bool:
        all_ok = True
        async with Fetcher(http) as fetcher:
            async for check in check_sources(sources, fetcher, local_files=True):
                all_ok &= check.ok
                if as_json:
                    print(json.dumps(check.as_json(), ensure_ascii=False))
                else:
                    _print_check(check)
        return all_ok

    if not asyncio.run(run()):
        raise typer.Exit(1)
