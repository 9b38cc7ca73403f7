"""The digest: a period's news, names, checked claims, Hub ranking and alerts, as one draft.

Pure: it takes plain records (gathered by :mod:`bot.store.queries`) and returns a
:class:`~bot.delivery.messages.Draft`, so Discord, ``trendbot digest --print`` and the demo
show the same thing. A story carried by several outlets is one entry listing its
sources, and ranks first: being picked up widely is what makes a story "top".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.core.vocabulary import VerdictStatus
from bot.delivery.messages import COLOURS, Draft, Embed, Field, clip, inert, safe_url
from bot.hub.rankings import Ranking
from bot.hub.snapshots import words
from bot.time_text import TimeText

TOP_STORIES = 8
TOP_NAMES = 10
TOP_CLAIMS = 8
CHECKED_CLAIMS = 200  # at most this many claims of a period are counted and grouped
VERDICT_MARKS: dict[str, str] = {  # a StrEnum key is found by its stored string too
    VerdictStatus.SUPPORTED: "✅ supported",
    VerdictStatus.CONTRADICTED: "❌ contradicted",
    VerdictStatus.UNVERIFIABLE: "❔ unverifiable",
    VerdictStatus.NOT_CHECKABLE: "➖ not checkable",
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
    """A claim of the period with its verdict and its article, as the digest shows it."""

    text: str
    subject: str | None
    status: VerdictStatus
    reason: str
    article_title: str | None = None
    link: str | None = None
    article_id: int | None = None
    subject_hub_id: str | None = None
    metric: str | None = None
    value: Any = None
    repo: str | None = None  # the Hub record compared
    hub_field: str | None = None  # and its field
    hub_value: Any = None

    @property
    def judged(self) -> bool:
        return self.status in (VerdictStatus.SUPPORTED, VerdictStatus.CONTRADICTED)


@dataclass(frozen=True)
class ClaimGroup:
    """The claims of one story, in the digest's order."""

    title: str
    link: str | None
    claims: tuple[CheckedClaim, ...]

    @property
    def judged(self) -> int:
        return sum(c.judged for c in self.claims)


def checked_claims(
    claims: Sequence[CheckedClaim], limit: int = CHECKED_CLAIMS
) -> list[CheckedClaim]:
    """The claims a digest reports as checked: those the Hub could speak to.

    A not-checkable claim (a price, a head count) names no Hub figure, so it is
    left out of both the count and the claims section; the rest keep the order
    they were found in (``claims`` comes oldest first), the first ``limit`` of them,
    so a busy period cannot make the digest unbounded.
    """
    return [c for c in claims if c.status != VerdictStatus.NOT_CHECKABLE][:limit]


def claim_groups(claims: Sequence[CheckedClaim]) -> list[ClaimGroup]:
    """Claims grouped by story, judged ones first: what the digest's claims section shows.

    A story's claims keep their order, contradicted first, then supported, then the
    rest; stories with judged claims lead (those with more first). A claim with no
    subject says nothing checkable, and the same figure about the same subject said
    twice in a story (a headline and its first paragraph) is one claim.
    """
    order = {VerdictStatus.CONTRADICTED: 0, VerdictStatus.SUPPORTED: 1}
    stories: dict[object, list[CheckedClaim]] = {}
    seen: set[tuple] = set()
    for claim in claims:
        key = (claim.article_id, claim.subject_hub_id, claim.metric, str(claim.value))
        if claim.subject is None or key in seen:
            continue
        seen.add(key)
        stories.setdefault(claim.article_id or claim.link or claim.article_title, []).append(claim)
    groups = [
        ClaimGroup(
            title=items[0].article_title or items[0].link or "(untitled)",
            link=items[0].link,
            claims=tuple(sorted(items, key=lambda c: order.get(c.status, 2))),
        )
        for items in stories.values()
    ]
    return sorted(groups, key=lambda g: (-g.judged, -len(g.claims)))


def claim_line(claim: CheckedClaim) -> str:
    """One claim for people: its verdict, the figure, and the Hub record compared."""
    mark = VERDICT_MARKS.get(claim.status, claim.status)
    line = f"{mark} {inert(claim.subject or '?')}: {inert(claim.text)}"
    if claim.judged and claim.hub_field:
        where = f"{claim.repo} " if claim.repo else ""
        line += f" (Hub {inert(where)}{inert(claim.hub_field)}: {_hub_figure(claim.hub_value)})"
    elif not claim.judged and claim.reason:
        line += f": {clip(inert(claim.reason), 160)}"  # "unverifiable, because ..."
    return line


def _hub_figure(value: Any) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return words(value) if abs(value) >= 1_000_000 else f"{value:,.6g}"
    return str(value) if value is not None else "?"


@dataclass(frozen=True)
class DigestData:
    start: datetime
    end: datetime
    stories: Sequence[Story] = ()
    names_now: Mapping[str, int] = field(default_factory=dict)
    names_before: Mapping[str, int] = field(default_factory=dict)
    # every claim of the period with its verdict, oldest first; compose picks the checked ones
    claims: Sequence[CheckedClaim] = ()
    ranking: Ranking | None = None
    ranks_before: Mapping[str, int] = field(default_factory=dict)
    alerts: Sequence[str] = ()
    zone: str = "UTC"  # schedule.timezone: the digest's times are read there


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
    """The digest as one draft (the sender splits it if Discord needs that).

    Its times are read in ``data.zone`` against the period's end, never the clock,
    so the same period composes to the same text.
    """
    times = TimeText.of(data.zone, data.end)
    period = f"{times.span(data.start, data.end)} ({times.zone_name})"
    embeds: list[Embed] = []
    stories = top_stories(data.stories)
    checked = checked_claims(data.claims)
    header = (
        f"{len(data.stories)} stories, {len(checked)} claims checked, {len(data.alerts)} alerts"
    )
    embeds.append(
        Embed(
            title=f"trendbot digest, {times.day(data.end)}",
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
    groups = claim_groups(checked)
    if groups:
        shown = groups[:TOP_CLAIMS]
        judged = sum(g.judged for g in groups)
        unchecked = sum(len(g.claims) - g.judged for g in groups)
        embeds.append(
            Embed(
                title="Claims checked against the Hub",
                fields=tuple(
                    Field(
                        clip(inert(g.title), 256),
                        clip("\n".join(claim_line(c) for c in g.claims), 1024),
                    )
                    for g in shown
                ),
                footer=(
                    f"{judged} judged, {unchecked} unverifiable; Hub figures as fetched, "
                    "reasons in /claims"
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
            footer += f"; as of {times.at(data.ranking.as_of)}"
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
