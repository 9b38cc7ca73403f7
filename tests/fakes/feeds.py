"""Feed documents and article pages for the tests, built from stories written for them.

The stories are compositions in the style of AI news; the figures in them are
plausible, not quotations.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime

STORIES = {
    "qwen-milestone": (
        "Qwen family passes 700 million downloads on Hugging Face",
        [
            "Alibaba's Qwen family of open-weight models has passed 700 million cumulative "
            "downloads on Hugging Face, according to figures the company shared on Monday. "
            "The milestone comes less than two years after the first Qwen checkpoints were "
            "published under a permissive licence.",
            "The most downloaded member of the family remains Qwen2.5-1.5B-Instruct, a small "
            "model that developers use for fine-tuning and for on-device assistants. Derivative "
            "models built on Qwen weights now number more than 180,000 on the Hub, more than "
            "for any other base model.",
            "Analysts said the growth reflected demand for capable models that can run on a "
            "single GPU. Meta's Llama family, long the reference for open models, was overtaken "
            "by Qwen in monthly downloads earlier this year.",
        ],
    ),
    "funding-round": (
        "Moonshot AI raises $600 million at a $4 billion valuation",
        [
            "Moonshot AI, the Beijing start-up behind the Kimi models, has raised $600 million "
            "in a round that values the company at about $4 billion, two people familiar with "
            "the deal said. Existing investors joined the round, which closed last week.",
            "The company released Kimi K2, a mixture-of-experts model with one trillion total "
            "parameters and 32 billion active parameters, as open weights in July. Kimi K2 "
            "topped the trending list on Hugging Face within days of its release.",
            "Moonshot plans to spend most of the new money on compute, the people said, as "
            "Chinese labs compete to train larger models on a limited supply of accelerators.",
        ],
    ),
    "glm-release": (
        "Zhipu AI releases GLM-4.5-Air with a 128K context window",
        [
            "Zhipu AI, which now trades as Z.ai, released GLM-4.5-Air on Tuesday, a compact "
            "version of its flagship model with 106 billion total parameters and 12 billion "
            "active parameters. The model supports a context window of 128K tokens.",
            "On the company's own agentic benchmarks GLM-4.5-Air scored within four points of "
            "the full GLM-4.5, while costing about a third as much to serve. The weights are "
            "available on Hugging Face under the MIT licence.",
            "Developers can also reach the model through the Z.ai API at $0.20 per million "
            "input tokens, the company said, undercutting most Western providers on price.",
        ],
    ),
}


def story_text(slug: str) -> str:
    _title, paragraphs = STORIES[slug]
    return "\n\n".join(paragraphs)


def article_page(
    slug: str,
    *,
    canonical: str | None = None,
    extra_paragraphs: tuple[str, ...] = (),
    byline: str = "Staff reporter",
    site: str = "Loopback AI Daily",
) -> bytes:
    """A realistic news page: navigation, the article, a footer."""
    title, paragraphs = STORIES[slug]
    body = "\n".join(f"<p>{html.escape(p)}</p>" for p in (*paragraphs, *extra_paragraphs))
    link = f'<link rel="canonical" href="{canonical}">' if canonical else ""
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{html.escape(title)} | {site}</title>{link}
<meta property="og:site_name" content="{site}">
<meta name="author" content="{byline}">
<meta property="article:published_time" content="2026-11-20T08:00:00Z">
</head><body>
<nav><a href="/">Home</a> <a href="/ai">AI</a> <a href="/about">About</a></nav>
<article><h1>{html.escape(title)}</h1><p class="byline">By {byline}</p>
{body}
</article>
<footer><p>Copyright 2026 {site}. All rights reserved.</p></footer>
</body></html>"""
    return page.encode()


@dataclass
class Item:
    title: str
    link: str | None = None
    guid: str | None = None
    published: datetime | None = None
    summary: str = ""


def rss(items: list[Item], *, title: str = "Loopback AI Daily", encoding: str = "utf-8") -> bytes:
    parts = [
        f'<?xml version="1.0" encoding="{encoding}"?>',
        '<rss version="2.0"><channel>',
        f"<title>{html.escape(title)}</title><link>http://127.0.0.1/</link>",
    ]
    for item in items:
        parts.append("<item>")
        parts.append(f"<title>{html.escape(item.title)}</title>")
        if item.link:
            parts.append(f"<link>{html.escape(item.link)}</link>")
        if item.guid:
            parts.append(f'<guid isPermaLink="false">{html.escape(item.guid)}</guid>')
        if item.published:
            parts.append(f"<pubDate>{format_datetime(item.published, usegmt=True)}</pubDate>")
        if item.summary:
            parts.append(f"<description>{html.escape(item.summary)}</description>")
        parts.append("</item>")
    parts.append("</channel></rss>")
    return "\n".join(parts).encode(encoding, errors="xmlcharrefreplace")


def now_utc() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)
