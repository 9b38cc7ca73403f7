"""The digest: a period's news, names, checked claims, Hub ranking and alerts, as one draft.

Pure: it takes plain records (gathered by :mod:`bot.queries`) and returns a
:class:`~bot.messages.Draft`, so Discord, ``trendbot digest --print`` and the demo
show the same thing. A story carried by several outlets is one entry listing its
sources, and ranks first: being picked up widely is what makes a story "top".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from bot.messages import COLOURS, Draft, Embed, Field, clip, inert, safe_url
from bot.rankings import Ranking
from bot.snapshots import words

TOP_STORIES = 8
TOP_NAMES = 10
TOP_CLAIMS = 8
VERDICT_MARKS = {
    "supported": "✅ supported",
    "contradicted": "❌ contradicted",
    "unverifiable": "❔ unverifiable",
    "not_checkable": "➖ not checkable",
}


@dataclass(frozen=True)
class Story:
    title: str
    link: str | None
    sources: tuple[str, ...]
    published: datetime | None
    mentions: int = 0


@dataclass(frozen=True)
class CheckedClaim:
    text: str
    subject: str | None
    status: str
    reason: str
    article_title: str | None = None
    link: str | None = None


@dataclass(frozen=True)
class DigestData:
    start: datetime
    end: datetime
    stories: Sequence[Story] = ()
    names_now: Mapping[str, int] = field(default_factory=dict)
    names_before: Mapping[str, int] = field(default_factory=dict)
    claims: Sequence[CheckedClaim] = ()
    ranking: Ranking | None = None
    ranks_before: Mapping[str, int] = field(default_factory=dict)
    alerts: Sequence[str] = ()


def top_stories(stories: Sequence[Story], limit: int = TOP_STORIES) -> list[Story]:
    """Most sources first, then most mentions, then the newest."""
    return sorted(
        stories,
        key=lambda s: (
            -len(s.sources),
            -s.mentions,
            -(s.published.timestamp() if s.published else 0),
        ),
    )[:limit]


def movers(
    names_now: Mapping[str, int], names_before: Mapping[str, int]
) -> list[tuple[str, int, int]]:
    """(name, mentions now, change against the previous period), busiest first."""
    rows = [(name, count, count - names_before.get(name, 0)) for name, count in names_now.items()]
    rows.sort(key=lambda row: (-row[1], -row[2], row[0].lower()))
    return rows[:TOP_NAMES]


def _change(delta: int) -> str:
    if delta > 0:
        return f"▲{delta}"
    if delta < 0:
        return f"▼{-delta}"
    return "="


def _rank_move(name: str, rank: int, before: Mapping[str, int]) -> str:
    if name not in before:
        return "new"
    moved = before[name] - rank
    return f"▲{moved}" if moved > 0 else (f"▼{-moved}" if moved < 0 else "=")


def compose(data: DigestData) -> Draft:
    """The digest as one draft (the sender splits it if Discord needs that)."""
    period = f"{data.start:%Y-%m-%d %H:%M} to {data.end:%Y-%m-%d %H:%M} UTC"
    embeds: list[Embed] = []
    stories = top_stories(data.stories)
    header = (
        f"{len(data.stories)} stories, {len(data.claims)} claims checked, {len(data.alerts)} alerts"
    )
    embeds.append(
        Embed(
            title=f"trendbot digest, {data.end:%Y-%m-%d}",
            description=f"{period}\n{header}",
            colour=COLOURS["digest"],
        )
    )
    if stories:
        embeds.append(
            Embed(
                title="Top stories",
                fields=tuple(
                    Field(
                        clip(inert(s.title), 256),
                        _story_line(s),
                    )
                    for s in stories
                ),
                colour=COLOURS["digest"],
            )
        )
    else:
        embeds.append(Embed(title="Top stories", description="No new stories in this period."))
    names = movers(data.names_now, data.names_before)
    if names:
        lines = [f"{inert(name)}: {count} ({_change(delta)})" for name, count, delta in names]
        embeds.append(
            Embed(
                title="In the news",
                description="\n".join(lines),
                footer="articles mentioning each, against the previous period",
            )
        )
    if data.claims:
        embeds.append(
            Embed(
                title="Claims checked against the Hub",
                fields=tuple(
                    Field(
                        clip(f"{inert(c.subject or '?')}: {inert(c.text)}", 256),
                        clip(f"{VERDICT_MARKS.get(c.status, c.status)}: {inert(c.reason)}", 1024),
                    )
                    for c in data.claims[:TOP_CLAIMS]
                ),
            )
        )
    if data.ranking is not None and data.ranking.rows:
        lines = [
            f"{row.rank}. {inert(row.name)}: {words(row.value)} "
            f"({_rank_move(row.name, row.rank, data.ranks_before)})"
            for row in data.ranking.rows
        ]
        footer = "Hugging Face, sums over the tracked authors' repos"
        if data.ranking.as_of:
            footer += f"; as of {data.ranking.as_of:%Y-%m-%d %H:%M} UTC"
        if data.ranking.stale:
            footer += f"; {data.ranking.stale}"
        embeds.append(
            Embed(
                title=f"Hub ranking: {data.ranking.label}",
                description="\n".join(lines),
                footer=footer,
            )
        )
    if data.alerts:
        embeds.append(
            Embed(title="Alerts", description="\n".join(f"• {inert(a)}" for a in data.alerts))
        )
    return Draft(embeds=tuple(embeds))


def _story_line(story: Story) -> str:
    sources = ", ".join(inert(s) for s in story.sources) or "unknown source"
    link = safe_url(story.link)
    label = "source" if len(story.sources) == 1 else "sources"
    line = f"{len(story.sources)} {label}: {sources}"
    return clip(f"{line}\n{link}" if link else line, 1024)
