"""Trying a feed before adding it: is it a feed, and what would trendbot store from it?

Shared by `trendbot feeds test` and the admin command that adds a feed, so both
refuse a non-feed with the same reason.

Only the command line may read local files (its user already has the machine):
from Discord a "URL" such as ``/etc/passwd`` or ``file:///etc/passwd`` would let
an admin of the server probe the host's files, so :func:`check_source` reads
files only when asked to, and :func:`http_url_problem` lets a caller refuse a
non-http(s) input before anything is opened.
"""

from __future__ import annotations

import asyncio
import os
import stat
from collections.abc import AsyncIterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from bot.config.schema import HttpSettings
from bot.ingest.fetch import Fetcher
from extractors.feed import NotAFeed, parse_feed


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


def http_url_problem(url: str) -> str | None:
    """Why ``url`` is not an absolute http(s) URL with a host, or None when it is.

    Checked on the text alone, so a caller can refuse a path or a ``file:`` URL
    before anything is opened or resolved.
    """
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:  # e.g. an unbalanced [ in the host
        return "it is not a valid URL"
    if parts.scheme.lower() not in ("http", "https"):
        return "it must be an absolute http:// or https:// URL"
    if not host:
        return "the URL has no host name"
    return None


def _local_path(source: str) -> Path:
    """The file a source names: a path, or a ``file:`` URL on this host (ValueError if not).

    ``Path("file:///etc/passwd")`` is the relative path ``file:/etc/passwd``, which
    made an existing file look missing; a ``file:`` URL is decoded to its path.
    """
    if not source.lower().startswith("file:"):
        if "://" in source and not Path(source).exists():
            scheme = source.split("://", 1)[0]
            raise ValueError(
                f"unsupported URL scheme {scheme!r} (give an http(s) URL or a local file)"
            )
        return Path(source)
    parts = urlsplit(source)
    if parts.netloc not in ("", "localhost"):
        raise ValueError(f"a file: URL must name a file on this machine, not on {parts.netloc!r}")
    return Path(url2pathname(parts.path))


class FileRefused(Exception):
    """A local source that is not a regular file, or a file over the size limit."""


def _kind_of(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "something else"


def _regular(mode: int) -> None:
    if not stat.S_ISREG(mode):
        raise FileRefused(f"is {_kind_of(mode)}, not a regular file")


def _read_file(path: Path, limit: int) -> bytes:
    """The bytes of the regular file at ``path``, at most ``limit`` of them.

    A device (``/dev/zero``) or a FIFO reports size 0 and then reads forever or
    blocks, so anything but a regular file is refused before it is opened (and
    again once open, without blocking, in case the path was swapped meanwhile),
    and no more than ``limit`` + 1 bytes are read, whatever the size claims.
    """
    _regular(os.stat(path).st_mode)
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    with os.fdopen(fd, "rb") as file:
        _regular(os.fstat(file.fileno()).st_mode)
        data = file.read(limit + 1)
    if len(data) > limit:
        raise FileRefused(f"file over {limit:,} bytes (http.max_response_bytes)")
    return data


async def check_source(
    source: str,
    fetcher: Fetcher | None,
    *,
    local_files: bool = False,
    max_bytes: int | None = None,
) -> FeedCheck:
    """Check one URL (fetched under the usual guards) or, with ``local_files``, one file.

    Files are off by default because a source typed in Discord must never name a
    file on the host; only the command line turns them on. A file must be a
    regular file of at most ``max_bytes`` (default: the fetcher's
    ``http.max_response_bytes``), the limit a fetched feed has.
    """
    if _is_url(source) or not local_files:
        problem = http_url_problem(source)
        if problem:
            return FeedCheck(source, False, error=f"{source}: {problem}")
        if fetcher is None:
            return FeedCheck(source, False, error="no HTTP client to fetch URLs with")
        result = await fetcher.fetch(source)
        if not result.ok or result.status != 200:
            return FeedCheck(source, False, error=f"{source}: {result.describe()}")
        return await asyncio.to_thread(
            _check_bytes, source, result.body, result.final_url, result.headers
        )
    try:
        path = _local_path(source)
    except ValueError as exc:
        return FeedCheck(source, False, error=f"{source}: {exc}")
    if max_bytes is None:
        max_bytes = getattr(fetcher, "max_bytes", None) or int(HttpSettings().max_response_bytes)
    try:
        data = await asyncio.to_thread(_read_file, path, max_bytes)
    except FileRefused as exc:
        return FeedCheck(source, False, error=f"{source}: {exc}")
    except OSError as exc:
        return FeedCheck(source, False, error=f"cannot read {source}: {exc.strerror or exc}")
    return await asyncio.to_thread(_check_bytes, source, data, path.resolve().as_uri(), {})


async def check_sources(
    sources: Sequence[str],
    fetcher: Fetcher | None,
    concurrency: int = 16,
    *,
    local_files: bool = False,
    max_bytes: int | None = None,
) -> AsyncIterator[FeedCheck]:
    """Check many sources, a few at a time, yielding results in input order."""
    gate = asyncio.Semaphore(concurrency)

    async def one(source: str) -> FeedCheck:
        async with gate:
            return await check_source(source, fetcher, local_files=local_files, max_bytes=max_bytes)

    pending = [asyncio.ensure_future(one(source)) for source in sources[:concurrency]]
    following = iter(sources[concurrency:])
    while pending:
        result = await pending.pop(0)
        upcoming = next(following, None)
        if upcoming is not None:
            pending.append(asyncio.ensure_future(one(upcoming)))
        yield result
