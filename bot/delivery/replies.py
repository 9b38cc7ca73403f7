"""Replies to commands as drafts: rankings, news, claims, feeds, status, a model, a link's story.

Pure functions from the read models' records (:mod:`bot.core.views`, built by
:mod:`bot.store.queries`) to :class:`~bot.delivery.messages.Draft`; the slash commands send them,
the tests read them. No ORM row reaches here, so composing a reply loads no storage.
Every figure carries its scope and time, and third-party text is made inert.
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlsplit

from bot.core.views import DecisionView, FeedView, ModelCard, NewsItem, Status
from bot.delivery.digest import VERDICT_MARKS
from bot.delivery.messages import COLOURS, Draft, Embed, Field, clip, inert, safe_url
from bot.hub.rankings import Ranking
from bot.hub.snapshots import words
from bot.time_text import TimeText, distance


def public_url(url: str) -> str:
    """A feed URL fit for every member to see: no password, no query (often a token)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host += f":{parts.port}"
    shown = f"{parts.scheme}://{host}{parts.path}"
    return shown + ("?…" if parts.query else "")


def _times(times: TimeText | None) -> TimeText:
    """The caller's zone (``schedule.timezone``); UTC, now, when a test passes none."""
    return times or TimeText.of()


def ranking_reply(ranking: Ranking, times: TimeText | None = None) -> Draft:
    times = _times(times)
    if not ranking.rows:
        reason = "; ".join(ranking.notes) or "no data"
        return Draft(content=f"No ranking yet: {reason}.")
    lines = [f"**{row.rank}.** {inert(row.name)}: {words(row.value)}" for row in ranking.rows]
    scopes = sorted({row.scope for row in ranking.rows})
    footer = f"as of {times.at(ranking.as_of)}"
    if ranking.since:
        footer += f", since {times.at(ranking.since)}"
    if ranking.stale:
        footer = f"STALE: {ranking.stale}; " + footer
    notes = "\n".join(f"note: {n}" for n in ranking.notes)
    scope = scopes[0] if len(scopes) == 1 else "Hugging Face, sums over each row's repos"
    return Draft(
        embeds=(
            Embed(
                title=f"Ranking by {ranking.by.value}: {ranking.label}",
                description="\n".join(lines) + (f"\n{notes}" if notes else ""),
                footer=f"{scope}; {footer}",
                colour=COLOURS["digest"],
            ),
        )
    )


def news_reply(
    items: Sequence[NewsItem], entity: str | None, days: int, times: TimeText | None = None
) -> Draft:
    times = _times(times)
    about = f" about {inert(entity)}" if entity else ""
    if not items:
        return Draft(content=f"No stories{about} in the last {days} days.")
    return Draft(
        embeds=(
            Embed(
                title=f"News{about}, last {days} days",
                fields=tuple(
                    Field(
                        clip(inert(item.title), 256),
                        clip(
                            f"{', '.join(inert(s) for s in item.sources) or 'unknown source'}"
                            f" · {times.at(item.published)}"
                            + (f"\n{safe_url(item.link)}" if safe_url(item.link) else ""),
                            1024,
                        ),
                    )
                    for item in items
                ),
                colour=COLOURS["news"],
            ),
        )
    )


def claims_reply(items: Sequence[dict], entity: str | None) -> Draft:
    about = f" about {inert(entity)}" if entity else ""
    if not items:
        return Draft(content=f"No claims{about} yet.")
    fields = []
    for item in items:
        verdict = item["verdict"]
        mark = VERDICT_MARKS.get(verdict["status"], verdict["status"])
        name = f"{inert(item['subject'] or '?')}: {inert(item['text'])}"
        source = item["article"]["title"]
        compared = ""
        if verdict.get("hub_field"):
            repo = f"{verdict['repo']} " if verdict.get("repo") else ""
            compared = f" [Hub {inert(repo)}{inert(verdict['hub_field'])}]"
        value = f"{mark}{compared}: {inert(verdict['reason'])}"
        if source:
            value += f"\nfrom: {inert(source)}"
        fields.append(Field(clip(name, 256), clip(value, 1024)))
    return Draft(embeds=(Embed(title=f"Claims{about}", fields=tuple(fields)),))


def feeds_reply(feeds: Sequence[FeedView], times: TimeText | None = None) -> Draft:
    times = _times(times)
    if not feeds:
        return Draft(content="No feeds yet: add one to config.yaml or with /feeds-admin add.")
    fields = []
    for feed in feeds:
        value = f"{inert(public_url(feed.url))}\nlast fetch {times.at(feed.last_fetch_at)}"
        if feed.last_error:
            value += f"\nlast error: {inert(times.text(feed.last_error))}"
        fields.append(Field(clip(f"{inert(feed.name)} ({feed.health})", 256), clip(value, 1024)))
    return Draft(embeds=(Embed(title=f"Feeds ({len(feeds)})", fields=tuple(fields)),))


def status_reply(status: Status, times: TimeText | None = None) -> Draft:
    times = _times(times)
    snapshot = "none yet"
    if status.last_snapshot is not None:
        state = "complete" if status.last_snapshot_complete else "INCOMPLETE"
        snapshot = f"{times.at(status.last_snapshot)} ({state})"
        if status.last_snapshot_error:  # the Hub's own words in it: inert
            snapshot += f"\ncause: {clip(inert(status.last_snapshot_error), 600)}"
    age = distance(status.snapshot_age) if status.snapshot_age is not None else "no complete one"
    failing = "\n".join(
        f"{inert(name)}: {health}" + (f" ({inert(times.text(error))})" if error else "")
        for name, health, error in status.failing_feeds
    )
    return Draft(
        embeds=(
            Embed(
                title="trendbot status",
                fields=(
                    Field("Last crawl", times.at(status.last_crawl)),
                    Field("Last Hub snapshot", f"{snapshot}\nlatest complete: {age} old"),
                    Field("Failing feeds", clip(failing, 1024) or "none"),
                    Field(
                        "Outbox",
                        f"{status.outbox_pending} waiting, {status.outbox_failed} failed",
                    ),
                ),
            ),
        )
    )


def model_reply(card: ModelCard, times: TimeText | None = None) -> Draft:
    times = _times(times)
    if card.model is None:
        return Draft(content=f"{inert(card.repo_id)} is not a tracked model.")
    model = card.model
    fields = [
        Field("All-time downloads", words(model.downloads_all_time or 0), True),
        Field("Last 30 days", words(model.downloads_30d), True),
        Field("Likes", f"{model.likes:,}", True),
        Field(
            "Gained over 7 days",
            words(card.growth_7d) if card.growth_7d is not None else "not enough history yet",
            True,
        ),
    ]
    if card.news:
        fields.append(
            Field(
                "Recent news",
                clip("\n".join(f"• {inert(item.title)}" for item in card.news), 1024),
            )
        )
    if card.claims:
        lines = []
        for item in card.claims:
            verdict = item["verdict"]
            mark = VERDICT_MARKS.get(verdict["status"], verdict["status"])
            field = f" (Hub {verdict['hub_field']})" if verdict.get("hub_field") else ""
            lines.append(f"{mark} {inert(item['text'])}{inert(field)}")
        fields.append(Field("Claims in the news, checked", clip("\n".join(lines), 1024)))
    return Draft(
        embeds=(
            Embed(
                title=inert(card.repo_id),
                url=f"https://huggingface.co/{card.repo_id}",
                fields=tuple(fields),
                footer=f"Hugging Face, repo {card.repo_id}; as of {times.at(model.last_seen_at)}",
                colour=COLOURS["digest"],
            ),
        )
    )


def why_reply(
    url: str, rows: Sequence[tuple[DecisionView, str | None]], times: TimeText | None = None
) -> Draft:
    times = _times(times)
    if not rows:
        return Draft(
            content=f"{inert(url)} was never seen in any feed (a failing feed? try /feeds list)."
        )
    feeds = sorted({name for _row, name in rows if name})
    lines = []
    for row, name in rows:
        status = f" (HTTP {row.http_status})" if row.http_status else ""
        detail = inert(times.text(row.detail))
        lines.append(f"{times.at(row.at)} {inert(name or '-')}: {row.decision}{status}: {detail}")
    return Draft(
        embeds=(
            Embed(
                title="What happened to this link",
                description=clip(inert(url), 300) + "\n" + "\n".join(lines),
                footer=f"seen in: {', '.join(feeds) or 'no feed'}",
            ),
        )
    )
