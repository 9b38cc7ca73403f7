"""`trendbot why URL`: every feed an article was seen in, and what was decided and when."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from bot.cli.app import app, fail, out, settings_of

if TYPE_CHECKING:
    from sqlmodel import Session

    from bot.store.models import DecisionLog


def decisions_for(session: Session, url: str) -> list[tuple[DecisionLog, str | None]]:
    """Decision-log rows for a link, as written in any feed or as the article's canonical URL."""
    from sqlmodel import col, or_, select

    from bot.store.models import Article, DecisionLog, Feed
    from extractors.links import normalise_link

    link = normalise_link(url)
    if link is None:
        return []
    # the decision log keeps links normalised; an article's canonical URL catches the
    # copies of the story reached under other links
    article_ids = set(session.exec(select(Article.id).where(Article.canonical_url == link)))
    article_ids |= set(
        session.exec(
            select(DecisionLog.article_id).where(
                DecisionLog.link == link, col(DecisionLog.article_id).is_not(None)
            )
        )
    )
    query = select(DecisionLog).where(
        or_(DecisionLog.link == link, col(DecisionLog.article_id).in_(article_ids or {-1}))
    )
    names = {feed.id: feed.name for feed in session.exec(select(Feed))}
    rows = sorted(session.exec(query), key=lambda row: (row.at, row.id or 0))
    return [(row, names.get(row.feed_id)) for row in rows]


@app.command("why")
def why(
    ctx: typer.Context,
    url: Annotated[str, typer.Argument(help="the article link, as seen in a feed or in Discord")],
) -> None:
    """Explain what happened to an article: every feed it was seen in and every decision."""
    from sqlmodel import Session

    from bot.store import open_database
    from extractors.links import normalise_link

    if normalise_link(url) is None:
        fail(f"trendbot why: {url!r} is not an http(s) link")
    settings = settings_of(ctx)
    engine = open_database(settings.database)
    with Session(engine) as session:
        rows = decisions_for(session, url)
    engine.dispose()
    if not rows:
        fail(f"{url}: never seen in any feed (check `trendbot feeds list` for failing feeds)")
    feeds = sorted({name for _, name in rows if name})
    out.print(f"{url}", markup=False)
    out.print(f"  seen in: {', '.join(feeds) or 'no feed'}", markup=False)
    for row, name in rows:
        status = f" (HTTP {row.http_status})" if row.http_status else ""
        when = f"{row.at:%Y-%m-%d %H:%M:%S} UTC"
        out.print(f"  {when}  {name or '-'}: {row.decision}{status}: {row.detail}", markup=False)
