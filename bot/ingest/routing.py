"""Where a news item is posted: its feed's route, plus every filter it matches.

Pure rules over the configuration and the item's plain values; the crawler
writes one outbox message per route returned here (:mod:`bot.store.ingest`).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from bot.config.schema import DiscordSettings, FeedSettings, NewsFilter

if TYPE_CHECKING:
    from extractors.extraction import Extraction


def news_routes(
    discord: DiscordSettings,
    feed: FeedSettings,
    *,
    title: str | None,
    summary: str | None,
    extraction: Extraction | None,
) -> list[str]:
    """The outbox routes of one item, in order: its feed's route (``news`` unless the feed
    names another), then the route of every filter it matches.

    Each route comes once, and each channel once: a route whose channel an earlier
    route already posts to is left out (two routes to one channel post it there once).
    A route with no channel configured yet is kept: its message waits in the outbox
    until the channel is set.
    """
    routes = [discord.route_name(feed.channel if feed.channel is not None else "news")]
    routes += [
        discord.route_name(news_filter.route)
        for news_filter in discord.filters
        if matches_filter(news_filter, title, summary, extraction)
    ]
    chosen: list[str] = []
    channels: set[int] = set()
    for route in dict.fromkeys(routes):
        channel = discord.channel_for(route)
        if channel is not None and channel in channels:
            continue
        if channel is not None:
            channels.add(channel)
        chosen.append(route)
    return chosen


def matches_filter(
    news_filter: NewsFilter,
    title: str | None,
    summary: str | None,
    extraction: Extraction | None,
) -> bool:
    """Whether an item names one of the filter's entities or words (case-insensitive).

    Keywords are whole words of the title or summary; entities are matched against
    the models and organisations the extractor found (their text, canonical name or
    Hub id, and the Hub author part of either).
    """
    text = f"{title or ''} {summary or ''}"
    for word in news_filter.keywords:
        if re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text, re.IGNORECASE):
            return True
    if not news_filter.entities or extraction is None:
        return False
    names: set[str] = set()
    for found in (*extraction.models, *extraction.orgs):
        for value in (found.text, found.canonical, found.hub_id):
            if value:
                names.add(str(value).casefold())
                names.add(str(value).split("/", 1)[0].casefold())
    return any(entity.casefold() in names for entity in news_filter.entities)
