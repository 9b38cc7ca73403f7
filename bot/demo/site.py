"""The demo's news outlets: RSS feeds and article pages served from 127.0.0.1.

Built from ``data.yaml``: one feed per outlet, one page per article and outlet
(a syndicated story gets a page at each outlet, with the same text), so the real
crawler fetches, extracts and deduplicates them exactly as it would on the web.
"""

from __future__ import annotations

import html
import threading
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


def article_html(title: str, outlet: str, paragraphs: list[str], published: datetime) -> bytes:
    body = "\n".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{html.escape(title)} | {html.escape(outlet)}</title>
<meta property="og:site_name" content="{html.escape(outlet)}">
<meta property="article:published_time" content="{published.isoformat()}">
</head><body>
<nav><a href="/">Home</a> <a href="/models">Models</a> <a href="/about">About</a></nav>
<article><h1>{html.escape(title)}</h1><p class="byline">By the {html.escape(outlet)} desk</p>
{body}
</article>
<footer><p>{html.escape(outlet)}: a sample outlet of the trendbot demo.</p></footer>
</body></html>""".encode()


def feed_xml(outlet: str, base: str, items: list[tuple[str, str, datetime, str]]) -> bytes:
    entries = "\n".join(
        f"<item><title>{html.escape(title)}</title><link>{html.escape(link)}</link>"
        f'<guid isPermaLink="true">{html.escape(link)}</guid>'
        f"<pubDate>{format_datetime(published)}</pubDate>"
        f"<description>{html.escape(summary)}</description></item>"
        for title, link, published, summary in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{html.escape(outlet)}</title><link>{base}/</link>"
        f"<description>Sample feed of the trendbot demo</description>{entries}"
        "</channel></rss>"
    ).encode()


class Site:
    """Every outlet's feed and pages, on one loopback port, in a daemon thread."""

    def __init__(self, data: dict[str, Any], now: datetime | None = None) -> None:
        self.data = data
        self.now = now or datetime.now(UTC)
        self.pages: dict[str, tuple[str, bytes]] = {}
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self._build()

    def feed_url(self, outlet: str) -> str:
        return f"{self.base}/{outlet}/feed.xml"

    def _build(self) -> None:
        outlets: dict[str, str] = self.data["outlets"]
        items: dict[str, list] = {key: [] for key in outlets}
        for article in self.data["articles"]:
            published = self.now - timedelta(minutes=article["minutes_ago"])
            for outlet in article["outlets"]:
                path = f"/{outlet}/{article['slug']}.html"
                page = article_html(
                    article["title"], outlets[outlet], article["paragraphs"], published
                )
                self.pages[path] = ("text/html; charset=utf-8", page)
                summary = article["paragraphs"][0][:280]
                items[outlet].append((article["title"], self.base + path, published, summary))
        for outlet, entries in items.items():
            self.pages[f"/{outlet}/feed.xml"] = (
                "application/rss+xml; charset=utf-8",
                feed_xml(outlets[outlet], self.base, entries),
            )

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                found = site.pages.get(self.path.split("?", 1)[0])
                status, (kind, body) = (
                    (200, found) if found else (404, ("text/plain", b"not found"))
                )
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                return None

        return Handler

    def __enter__(self) -> Site:
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
