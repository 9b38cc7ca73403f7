"""The charts trendbot attaches, read from the database and rendered to PNG.

One place for what the digest, the slash commands, the CLI and the demo attach,
so they all show the same pictures: a ranking with its change since the previous
period, and a family's or model's download history, their times in
``schedule.timezone``. Rendering is CPU work: call these from a thread, not from
the event loop.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from sqlmodel import Session

from bot.config.schema import Settings
from bot.delivery.charts import history_figure, png, ranking_figure
from bot.delivery.messages import Attachment
from bot.hub.rankings import Metric, Ranking
from bot.store.queries import history, load_ranking

HISTORY_DAYS = 90


def _file_name(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-") or "chart"


def ranking_picture(
    session: Session,
    settings: Settings,
    ranking: Ranking,
    period: timedelta = timedelta(days=7),
) -> Attachment:
    """A ranking already loaded, with each row's change since ``period`` before it."""
    by, metric = ranking.by.value, ranking.metric.value
    before = None
    if ranking.as_of is not None and ranking.metric is not Metric.GROWTH:
        earlier = load_ranking(
            session, settings, by, metric, period, 1000, at=ranking.as_of - period
        )
        if earlier.rows:
            before = {row.name: row.value for row in earlier.rows}
    figure = ranking_figure(ranking, before, settings.schedule.timezone)
    return Attachment(f"ranking-{by}-{metric}.png", png(figure))


def history_picture(
    session: Session, settings: Settings, subject: str, days: int = HISTORY_DAYS
) -> Attachment | None:
    """A family's or model's downloads over the last ``days``; None for an unknown subject."""
    now = datetime.now(UTC)
    found = history(session, settings, subject, since=now - timedelta(days=days))
    if found is None:
        return None
    figure = history_figure(found, now, settings.schedule.timezone)
    return Attachment(f"history-{_file_name(subject)}.png", png(figure))


def digest_pictures(
    session: Session, settings: Settings, ranking: Ranking | None
) -> list[Attachment]:
    """The charts ``schedule.digest_charts`` asks for; ``ranking`` is the digest's own."""
    pictures = []
    for name in settings.schedule.digest_charts:
        if name == "ranking" and ranking is not None:
            pictures.append(ranking_picture(session, settings, ranking))
        elif name.startswith("history:"):
            picture = history_picture(session, settings, name.split(":", 1)[1])
            if picture is not None:
                pictures.append(picture)
    return pictures
