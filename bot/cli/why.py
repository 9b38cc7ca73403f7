"""`trendbot why URL`: every feed an article was seen in, and what was decided and when."""

from __future__ import annotations

from typing import Annotated

import typer

from bot.cli.app import app, fail, out, settings_of


@app.command("why")
def why(
    ctx: typer.Context,
    url: Annotated[str, typer.Argument(help="the article link, as seen in a feed or in Discord")],
) -> None:
    """Explain what happened to an article: every feed it was seen in and every decision."""
    from sqlmodel import Session

    from bot.store import open_database
    from bot.store.queries import decisions_for
    from bot.time_text import TimeText
    from extractors.links import normalise_link

    if normalise_link(url) is None:
        fail(f"trendbot why: {url!r} is not an http(s) link")
    settings = settings_of(ctx)
    engine = open_database(settings.database, create=False)
    with Session(engine) as session:
        rows = decisions_for(session, url)
    engine.dispose()
    if not rows:
        fail(f"{url}: never seen in any feed (check `trendbot feeds list` for failing feeds)")
    feeds = sorted({name for _, name in rows if name})
    times = TimeText.of(settings.schedule.timezone)
    out.print(f"{url}", markup=False)
    out.print(f"  seen in: {', '.join(feeds) or 'no feed'}", markup=False)
    out.print(f"  times in {times.zone_name}", markup=False)
    for row, name in rows:
        status = f" (HTTP {row.http_status})" if row.http_status else ""
        when = times.at(row.at)
        out.print(
            f"  {when}  {name or '-'}: {row.decision}{status}: {times.text(row.detail)}",
            markup=False,
        )
