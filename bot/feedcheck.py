"""Trying a feed before adding it: is it a feed, and what would trendbot store from it?

Shared by `trendbot feeds test` and the admin command that adds a feed, so both
refuse a non-feed with the same reason.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from bot.fetch import Fetcher
from extractors.feed import NotAFeed, parse_feed

MAX_FILE_BYTES = 50_000_000


@dataclass(frozen=True)
class FeedCheck:
    source: str
    ok: bool
    version: str | None = None
    entries: int = 0
    error: str | None = None
    items: list[dict] = field(default_factory=list)

    def as_json(self) -> dict:
        return asdict(self)


def _check_bytes(source: str, data: bytes, url: str, headers: dict[str, str]) -> FeedCheck:
    try:
        doc = parse_feed(data, url=url, headers=headers)
    except NotAFeed as exc:
        return FeedCheck(source, False, error=str(exc))
    except Exception as exc:  # feedparser on hostile bytes: report, never raise
        return FeedCheck(source, False, error=f"cannot parse: {type(exc).__name__}: {exc}")
    items = [
        {
            "title": item.title,
            "link": item.link,
            "published": item.published.isoformat() if item.published else None,
            "summary": item.summary,
        }
        for item in doc.items
    ]
    return FeedCheck(source, True, doc.version, len(doc.items), None, items)


def _is_url(source: str) -> bool:
    return source.lower().startswith(("http://", "https://"))


async def check_source(source: str, fetcher: Fetcher | None) -> FeedCheck:
    """Check one URL (fetched under the usual guards) or one local file."""
    if _is_url(source):
        if fetcher is None:
            return FeedCheck(source, False, error="no HTTP client to fetch URLs with")
        result = await fetcher.fetch(source)
        if not result.ok or result.status != 200:
            return FeedCheck(source, False, error=f"{source}: {result.describe()}")
        return await asyncio.to_thread(
            _check_bytes, source, result.body, result.final_url, result.headers
        )
    path = Path(source)
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            return FeedCheck(source, False, error=f"{source}: file over {MAX_FILE_BYTES:,} bytes")
        data = path.read_bytes()
    except OSError as exc:
        return FeedCheck(source, False, error=f"cannot read {source}: {exc.strerror or exc}")
    return await asyncio.to_thread(_check_bytes, source, data, path.resolve().as_uri(), {})


async def check_sources(
    sources: Sequence[str], fetcher: Fetcher | None, concurrency: int = 16
) -> AsyncIterator[FeedCheck]:
    """Check many sources, a few at a time, yielding results in input order."""
    gate = asyncio.Semaphore(concurrency)

    async def one(source: str) -> FeedCheck:
        async with gate:
            return await check_source(source, fetcher)

    pending = [asyncio.ensure_future(one(source)) for source in sources[:concurrency]]
    following = iter(sources[concurrency:])
    while pending:
        result = await pending.pop(0)
        upcoming = next(following, None)
        if upcoming is not None:
            pending.append(asyncio.ensure_future(one(upcoming)))
        yield result
