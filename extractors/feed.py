"""Feed documents to items: feedparser on bytes we fetched, plain text out, stable identities.

feedparser is given the bytes and the response headers (so the declared charset
is honoured) and never fetches anything itself. A document counts as a feed when
feedparser recognises a version or finds entries: ``bozo`` alone says nothing, as
malformed feeds still yield entries and HTML pages parse with ``bozo=0``.

Identity is what stops reposts when publishers rewrite dates: the guid when
present and unique within the document, else the normalised link, else the title and date,
hashed. Items of one document with the same identity are kept once; the others
are returned as ``repeated`` so that their fate is recorded too.
"""

from __future__ import annotations

import calendar
import hashlib
import io
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import feedparser

from extractors.links import absolute_http_url, normalise_link
from extractors.plaintext import to_plain_text

MAX_TITLE = 1000
MAX_SUMMARY = 10_000


class NotAFeed(ValueError):
    """The document is not a feed; the message names the URL and what came back."""


@dataclass(frozen=True)
class FeedItem:
    identity: str  # sha256 hex of the identity key
    identity_basis: str  # "guid", "link" or "title+date": how it was derived
    guid: str | None
    link: str | None
    title: str
    summary: str
    published: datetime | None


@dataclass(frozen=True)
class FeedDoc:
    version: str
    title: str
    link: str | None
    items: tuple[FeedItem, ...]
    malformed: str | None  # feedparser's complaint about a feed it still read
    repeated: tuple[FeedItem, ...] = ()  # items whose identity an earlier item already has


def _struct_time(entry: Mapping[str, Any], *keys: str) -> datetime | None:
    for key in keys:
        value = entry.get(key)
        if value:
            try:
                return datetime.fromtimestamp(calendar.timegm(value), UTC)
            except (OverflowError, ValueError, TypeError, OSError):
                continue
    return None


def _hash(kind: str, value: str) -> str:
    return hashlib.sha256(f"{kind}\0{value}".encode()).hexdigest()


def _describe(data: bytes, headers: Mapping[str, str]) -> str:
    content_type = headers.get("content-type", "").split(";")[0].strip() or "no content type"
    head = data[:400].decode("utf-8", "replace").lower()
    if "<html" in head or "<!doctype html" in head:
        kind = "an HTML page"
    elif not data.strip():
        kind = "an empty body"
    else:
        kind = "a document feedparser does not recognise"
    return f"{kind} ({content_type}, {len(data):,} bytes)"


def _summary(entry: Mapping[str, Any]) -> str:
    raw = entry.get("summary")
    if not raw:
        content = entry.get("content") or []
        raw = content[0].get("value") if content and isinstance(content[0], Mapping) else ""
    return to_plain_text(raw, max_length=MAX_SUMMARY)


def parse_feed(data: bytes, *, url: str, headers: Mapping[str, str] | None = None) -> FeedDoc:
    """Parse a fetched feed; raise NotAFeed for anything that is not one."""
    headers = {k.lower(): v for k, v in (headers or {}).items()}
    headers.setdefault("content-location", url)
    parsed = feedparser.parse(
        io.BytesIO(data),
        response_headers=headers,
        sanitize_html=False,  # everything is reduced to plain text anyway
        resolve_relative_uris=False,
    )
    entries = parsed.get("entries") or []
    version = parsed.get("version") or ""
    if not version and not entries:
        raise NotAFeed(f"{url} is not a feed: it returned {_describe(data, headers)}")
    channel = parsed.get("feed") or {}
    base = absolute_http_url(channel.get("link"), url) or url
    guid_counts = Counter(str(e.get("id")).strip() for e in entries if e.get("id"))
    items = []
    repeated = []
    seen: set[str] = set()
    for entry in entries:
        item = _item(entry, base, guid_counts)
        if item.identity in seen:  # the same identity twice in one document: kept once
            repeated.append(item)
            continue
        seen.add(item.identity)
        items.append(item)
    problem = parsed.get("bozo_exception") if parsed.get("bozo") else None
    return FeedDoc(
        version=version or "unknown",
        title=to_plain_text(channel.get("title"), max_length=MAX_TITLE),
        link=absolute_http_url(channel.get("link"), url),
        items=tuple(items),
        repeated=tuple(repeated),
        malformed=str(problem).strip().splitlines()[0][:300] if problem else None,
    )


def _item(entry: Mapping[str, Any], base: str, guid_counts: Counter[str]) -> FeedItem:
    guid = str(entry.get("id")).strip() if entry.get("id") else None
    link = absolute_http_url(entry.get("link"), base)
    if link is None:
        # Atom entries sometimes carry their page only as rel=alternate, or the guid is the link
        for alternate in entry.get("links") or []:
            if isinstance(alternate, Mapping) and alternate.get("rel") in (None, "alternate"):
                link = absolute_http_url(alternate.get("href"), base)
                if link:
                    break
        if link is None and entry.get("guidislink") and guid:
            link = absolute_http_url(guid, base)
    title = to_plain_text(entry.get("title"), max_length=MAX_TITLE)
    published = _struct_time(entry, "published_parsed", "updated_parsed", "created_parsed")
    normal = normalise_link(link)
    if guid and guid_counts[guid] == 1:
        basis, identity = "guid", _hash("guid", guid)
    elif normal:
        basis, identity = "link", _hash("link", normal)
    else:
        stamp = published.isoformat() if published else ""
        words = title.casefold() or _summary(entry)[:300].casefold()
        basis, identity = "title+date", _hash("title+date", f"{words}\0{stamp}")
    return FeedItem(
        identity=identity,
        identity_basis=basis,
        guid=guid[:2048] if guid else None,
        link=link,
        title=title,
        summary=_summary(entry),
        published=published,
    )
