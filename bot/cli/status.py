"""`trendbot status`: what the service has done lately and what it will do next."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Annotated

import typer
from rich.table import Table

from bot.cli.app import app, out, settings_of


def _iso(moment: datetime | None) -> str | None:
    """JSON times are ISO UTC, whatever zone they were computed in (the digest's cron)."""
    return moment.astimezone(UTC).isoformat() if moment else None


def status_json(settings, engine, now: datetime) -> dict:
    from apscheduler.triggers.cron import CronTrigger
    from sqlmodel import Session

    from bot.store.queries import feeds_overview, status

    with Session(engine) as session:
        state = status(session, now)
        feeds = feeds_overview(session)
    configured = {feed.name for feed in settings.feeds if feed.enabled}
    dues = [f.next_due_at for f in feeds if f.name in configured and f.next_due_at]
    stale = None
    if state.snapshot_age is not None:
        stale = state.snapshot_age > 2 * settings.hub.snapshot_interval
    next_snapshot = None
    if state.last_snapshot is not None:
        next_snapshot = state.last_snapshot + settings.hub.snapshot_interval
    cron = CronTrigger.from_crontab(settings.schedule.digest, timezone=settings.schedule.timezone)
    return {
        "last_crawl": _iso(state.last_crawl),
        "feeds": [
            {
                "name": feed.name,
                "health": feed.health,
                "last_fetch": _iso(feed.last_fetch_at),
                "next_due": _iso(feed.next_due_at),
                "last_error": feed.last_error,
                "configured": feed.name in configured,
            }
            for feed in feeds
        ]
        + [
            {
                "name": feed.name,
                "health": "new",
                "last_fetch": None,
                "next_due": None,
                "last_error": None,
                "configured": True,
            }
            for feed in settings.feeds
            if feed.enabled and feed.name not in {f.name for f in feeds}
        ],
        "last_snapshot": {
            "at": _iso(state.last_snapshot),
            "complete": state.last_snapshot_complete,
            "error": state.last_snapshot_error,
            "latest_complete_age_seconds": (
                int(state.snapshot_age.total_seconds()) if state.snapshot_age else None
            ),
            "stale": stale,
        },
        "outbox": {"pending": state.outbox_pending, "failed": state.outbox_failed},
        "next": {
            "crawl": _iso(min(dues)) if dues else None,
            "snapshot": _iso(next_snapshot) if settings.hub.authors else None,
            "digest": _iso(cron.get_next_fire_time(None, now)),
        },
    }


@app.command("status")
def status_command(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON object")] = False,
) -> None:
    """Show the last crawl, feed health, the last snapshot and its age, the outbox, next jobs."""
    from bot.store import open_database

    settings = settings_of(ctx)
    engine = open_database(settings.database, create=False)
    try:
        now = datetime.now(UTC)
        data = status_json(settings, engine, now)
    finally:
        engine.dispose()
    if as_json:
        print(json.dumps(data))
        return
    from bot.time_text import TimeText

    times = TimeText.of(settings.schedule.timezone, now)  # JSON stays UTC; people read local
    snapshot = data["last_snapshot"]
    out.print(f"last crawl: {times.at_ago(data['last_crawl'])}", markup=False)
    state = "none yet"
    if snapshot["at"]:
        flags = ["complete" if snapshot["complete"] else "INCOMPLETE"]
        if snapshot["stale"]:
            flags.append("STALE")
        state = f"{times.at_ago(snapshot['at'])} ({', '.join(flags)})"
        if snapshot["error"]:  # the cause, as one line
            state += f": {snapshot['error']}"
    out.print(f"last Hub snapshot: {state}", markup=False)
    box = data["outbox"]
    out.print(f"outbox: {box['pending']} waiting, {box['failed']} failed", markup=False)
    nxt = data["next"]
    out.print(
        f"next: crawl {times.at_ago(nxt['crawl'], '-')}, "
        f"snapshot {times.at_ago(nxt['snapshot'], '-')}, digest {times.at_ago(nxt['digest'], '-')}",
        markup=False,
    )
    table = Table(title=f"feeds (times in {times.zone_name})", title_justify="left")
    for column in ("feed", "health", "last fetch", "next poll", "last error"):
        table.add_column(column, overflow="fold")
    for feed in data["feeds"]:
        table.add_row(
            feed["name"],
            feed["health"],
            times.at_ago(feed["last_fetch"]),
            times.at_ago(feed["next_due"], "-"),
            times.text(feed["last_error"]),
        )
    out.print(table)
