"""`trendbot crawl --once`: one crawl pass, with a progress bar and a summary.

Its exit status tells a cron job or a health check how the pass went without
parsing the output: 0 when no polled feed failed (nothing due counts as none),
1 when every polled feed failed (the network, DNS or a proxy is down, most
likely), 3 when some failed and others did not (a feed to look at).
"""

from __future__ import annotations

import asyncio
import json
import sys
from typing import TYPE_CHECKING, Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from bot.cli.app import app, fail, out, settings_of

if TYPE_CHECKING:
    from bot.config.schema import Settings
    from bot.ingest.crawl import CrawlSummary


async def run_crawl(
    settings: Settings, names: list[str] | None, show_progress: bool
) -> CrawlSummary:
    """Open everything a crawl needs, crawl once, close everything."""
    from bot.ingest.crawl import Crawler
    from bot.ingest.fetch import Fetcher
    from bot.ingest.workers import Workers
    from bot.store import open_database
    from bot.store.knowledge import known_links

    hub_ids, resolved = known_links(settings.database)
    entities = settings.entities.model_dump()
    # workers first: they boot while the database is opened and migrated
    with Workers(
        settings.crawl.workers, entities=entities, hub_ids=hub_ids, names=resolved
    ) as workers:
        engine = open_database(settings.database, write=True)
        try:
            async with Fetcher(settings.http) as fetcher:
                crawler = Crawler(settings, engine, fetcher, workers)
                # a database that fails mid-pass raises out of it (one line, exit 1)
                if not show_progress:
                    return await crawler.crawl(names)
                total = len(names) if names else sum(f.enabled for f in settings.feeds)
                columns = (
                    TextColumn("crawling"),
                    BarColumn(),
                    MofNCompleteColumn(),
                    TimeElapsedColumn(),
                    TextColumn("{task.description}"),
                )
                with Progress(*columns, console=out, transient=True) as progress:
                    task = progress.add_task("", total=total)

                    def done(report) -> None:
                        progress.update(task, advance=1, description=report.feed)

                    return await crawler.crawl(names, on_feed_done=done)
        finally:
            engine.dispose()


EXIT_ALL_FAILED = 1
EXIT_SOME_FAILED = 3


def exit_code(summary: CrawlSummary) -> int:
    """The exit status of a pass: 0 none failed, 1 every polled feed failed, 3 some did.

    A feed the host asked to wait (``deferred``) was not polled, so it counts
    neither way.
    """
    polled = [report for report in summary.reports if report.status != "deferred"]
    failed = sum(report.status == "failed" for report in polled)
    if not failed:
        return 0
    return EXIT_ALL_FAILED if failed == len(polled) else EXIT_SOME_FAILED


def print_summary(summary: CrawlSummary) -> None:
    table = Table(title="crawl", title_justify="left")
    for column in ("feed", "status", "seen", "new", "stored", "posted", "error"):
        table.add_column(column, overflow="fold")
    for report in sorted(summary.reports, key=lambda r: (r.status == "ok", r.feed)):
        table.add_row(
            report.feed,
            report.status,
            str(report.entries_seen),
            str(report.entries_new),
            str(report.articles_stored),
            str(report.posted),
            report.error or "",
        )
    out.print(table)
    totals = summary.as_json()
    out.print(
        f"{totals['feeds']} feeds polled, {totals['not_modified']} unchanged, "
        f"{totals['failed']} failed; {totals['entries_new']} new entries, "
        f"{totals['articles_stored']} articles stored",
        markup=False,
    )


@app.command("crawl")
def crawl(
    ctx: typer.Context,
    once: Annotated[bool, typer.Option("--once", help="crawl the due feeds once and exit")] = False,
    feed: Annotated[
        list[str] | None,
        typer.Option("--feed", help="crawl this feed now, due or not (repeatable)"),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON summary object")] = False,
) -> None:
    """Crawl feeds once: fetch, parse, store new items with full text, record every decision.

    Exit status: 0 when no polled feed failed (also when none was due), 1 when every
    polled feed failed (or the configuration or database is unusable), 3 when some
    failed and others did not, 2 for a usage error.
    """
    if not once:
        fail("trendbot crawl: pass --once (continuous crawling is `trendbot run`)", 2)
    from bot.ingest.workers import start_forkserver

    start_forkserver()
    from bot.ingest.crawl import UnknownFeed

    settings = settings_of(ctx)
    show_progress = not as_json and sys.stdout.isatty()
    try:
        summary = asyncio.run(run_crawl(settings, feed or None, show_progress))
    except UnknownFeed as exc:
        fail(f"trendbot crawl: {exc}")
    if as_json:
        print(json.dumps(summary.as_json()))
    else:
        print_summary(summary)
    code = exit_code(summary)
    if code:
        raise typer.Exit(code)
