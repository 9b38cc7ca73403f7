"""Read models: what the commands, slash commands and digests show, read from the database.

Each function returns plain records for the pure composers
(:mod:`bot.delivery.digest`, :mod:`bot.hub.rankings`, :mod:`bot.delivery.messages`,
:mod:`bot.delivery.replies`), built from the rows here, at the storage edge (the
replies' records are in :mod:`bot.core.views`); the CLI and the Discord cogs call
the same functions, so `/rankings` and `trendbot rankings` cannot disagree. What
to show of what is loaded (which claims a digest counts as checked, and in which
order) is the composers' policy, not the query's.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, or_, select

from bot.config.schema import Settings
from bot.core.outbox import AlertPayload, OutboxKind
from bot.core.views import DecisionView, FeedView, ModelCard, ModelFigures, NewsItem, Status
from bot.core.vocabulary import VerdictStatus
from bot.delivery.charts import History
from bot.delivery.digest import CheckedClaim, DigestData, Story
from bot.hub.alerts import thresholds_between
from bot.hub.rankings import By, Metric, Ranking, rank
from bot.store import hub as hub_store
from bot.store.models import (
    Article,
    Claim,
    DecisionLog,
    Entry,
    Feed,
    HubModel,
    HubSnapshot,
    HubSnapshotRun,
    Mention,
    OutboxMessage,
    Verdict,
)
from extractors.knowledge import claim_terms

# the alert kinds in the order the digest's query has always listed them
ALERT_KINDS = (OutboxKind.MILESTONE, OutboxKind.OVERTAKE, OutboxKind.NEW_MODEL, OutboxKind.SURGE)


def load_ranking(
    session: Session,
    settings: Settings,
    by: str = "family",
    metric: str = "alltime",
    period: timedelta | None = None,
    limit: int = 10,
    at: datetime | None = None,
) -> Ranking:
    """The ranking at the latest complete snapshot (or the last one at or before ``at``)."""
    run = (
        hub_store.complete_at_or_before(session, at)
        if at is not None
        else hub_store.latest_complete(session)
    )
    current = hub_store.load_snapshot(session, run) if run else None
    baseline = None
    if current is not None and Metric(metric) is Metric.GROWTH and period is not None:
        base_run = hub_store.complete_at_or_before(session, current.taken_at - period)
        baseline = hub_store.load_snapshot(session, base_run) if base_run else None
    return rank(
        current,
        by=By(by),
        metric=Metric(metric),
        families=settings.hub.effective_families(),
        limit=limit,
        baseline=baseline,
        period=period,
        now=at or datetime.now(UTC),
        interval=settings.hub.snapshot_interval,
    )


def _sources(session: Session, article_ids: list[int]) -> dict[int, list[str]]:
    rows = session.exec(
        select(Entry.article_id, Feed.name)
        .join(Feed, col(Feed.id) == col(Entry.feed_id))
        .where(col(Entry.article_id).in_(article_ids))
    ).all()
    found: dict[int, list[str]] = {}
    for article_id, name in sorted(rows, key=lambda row: (row[0], row[1].casefold())):
        names = found.setdefault(article_id, [])
        if name not in names:
            names.append(name)
    return found


def stories_between(session: Session, start: datetime, end: datetime) -> list[Story]:
    articles = session.exec(
        select(Article).where(col(Article.fetched_at) >= start, col(Article.fetched_at) < end)
    ).all()
    ids = [a.id for a in articles if a.id is not None]
    if not ids:
        return []
    sources = _sources(session, ids)
    mention_counts = dict(
        session.exec(
            select(Mention.article_id, func.count())
            .where(col(Mention.article_id).in_(ids))
            .group_by(col(Mention.article_id))
        ).all()
    )
    return [
        Story(
            title=a.title or a.canonical_url or "(untitled)",
            link=a.canonical_url,
            sources=tuple(sources.get(a.id, []) or ([a.site_name] if a.site_name else [])),
            published=a.published_at,
            mentions=mention_counts.get(a.id, 0),
        )
        for a in articles
    ]


def mention_counts(session: Session, start: datetime, end: datetime) -> dict[str, int]:
    """Articles naming each model or company in the period (one per article)."""
    rows = session.exec(
        select(Mention.article_id, Mention.kind, Mention.canonical, Mention.hub_id, Mention.text)
        .join(Article, col(Article.id) == col(Mention.article_id))
        .where(col(Article.fetched_at) >= start, col(Article.fetched_at) < end)
    ).all()
    seen: set[tuple[int, str]] = set()
    counts: Counter[str] = Counter()
    platforms = claim_terms().platforms
    for article_id, kind, canonical, hub_id, text in rows:
        name = canonical or text
        if kind == "org" and name in platforms:
            continue  # Hugging Face is named by every story about Hub figures: not news
        if kind == "model" and hub_id and "/" in hub_id:
            name = hub_id.split("/", 1)[1]  # one model, however the article spelled it
        if (article_id, name) not in seen:
            seen.add((article_id, name))
            counts[name] += 1
    return dict(counts)


def claims_between(session: Session, start: datetime, end: datetime) -> list[CheckedClaim]:
    """Every claim with a verdict of the articles fetched in [start, end), in the order
    they were found (the digest picks, orders and groups them:
    :func:`bot.delivery.digest.checked_claims`, :func:`bot.delivery.digest.claim_groups`)."""
    rows = session.exec(
        select(Claim, Verdict, Article)
        .join(Verdict, col(Verdict.claim_id) == col(Claim.id))
        .join(Article, col(Article.id) == col(Claim.article_id))
        .where(col(Article.fetched_at) >= start, col(Article.fetched_at) < end)
        .order_by(col(Claim.id))
    ).all()
    return [
        CheckedClaim(
            text=claim.text,
            subject=claim.subject,
            status=VerdictStatus(verdict.status),
            reason=verdict.reason,
            article_title=article.title,
            link=article.canonical_url,
            article_id=article.id,
            subject_hub_id=claim.subject_hub_id,
            metric=claim.metric,
            value=claim.value,
            repo=verdict.repo,
            hub_field=verdict.hub_field,
            hub_value=verdict.hub_value,
        )
        for claim, verdict, article in rows
    ]


def alerts_between(session: Session, start: datetime, end: datetime) -> list[str]:
    """The texts of the alerts queued in [start, end), oldest first ("" for one without)."""
    rows = session.exec(
        select(OutboxMessage)
        .where(
            col(OutboxMessage.kind).in_(ALERT_KINDS),
            col(OutboxMessage.created_at) >= start,
            col(OutboxMessage.created_at) < end,
        )
        .order_by(col(OutboxMessage.created_at))
    ).all()
    return [AlertPayload.from_json(row.payload).text or "" for row in rows]


def digest_data(settings: Settings, engine: Engine, start: datetime, end: datetime) -> DigestData:
    """Everything a digest of [start, end) shows."""
    previous_start = start - (end - start)
    with Session(engine) as session:
        stories = stories_between(session, start, end)
        names_now = mention_counts(session, start, end)
        names_before = mention_counts(session, previous_start, start)
        claims = claims_between(session, start, end)
        alerts = alerts_between(session, start, end)
        ranking = load_ranking(session, settings, at=end)
        before = load_ranking(session, settings, at=start, limit=1000)
    return DigestData(
        start=start,
        end=end,
        stories=stories,
        names_now=names_now,
        names_before=names_before,
        claims=claims,
        ranking=ranking,
        ranks_before={row.name: row.rank for row in before.rows},
        alerts=alerts,
    )


def recent_news(
    session: Session, entity: str | None, days: int, limit: int = 10, now: datetime | None = None
) -> list[NewsItem]:
    """The newest stories of the last ``days``, optionally only those naming ``entity``."""
    since = (now or datetime.now(UTC)) - timedelta(days=days)
    query = select(Article).where(col(Article.fetched_at) >= since)
    if entity:
        pattern = f"%{entity}%"
        named = select(Mention.article_id).where(
            or_(
                col(Mention.text).ilike(pattern),
                col(Mention.canonical).ilike(pattern),
                col(Mention.hub_id).ilike(pattern),
            )
        )
        query = query.where(col(Article.id).in_(named))
    articles = session.exec(query.order_by(col(Article.fetched_at).desc()).limit(limit)).all()
    sources = _sources(session, [a.id for a in articles if a.id is not None])
    return [
        NewsItem(
            title=a.title or "(untitled)",
            link=a.canonical_url,
            published=a.published_at or a.fetched_at,
            sources=tuple(sources.get(a.id, [])),
        )
        for a in articles
    ]


def feeds_overview(session: Session) -> list[FeedView]:
    """Every feed in the database, by name, as /feeds list and ``trendbot status`` show it."""
    return [
        FeedView(
            name=feed.name,
            url=feed.url,
            health=feed.health,
            last_fetch_at=feed.last_fetch_at,
            last_error=feed.last_error,
            next_due_at=feed.next_due_at,
        )
        for feed in session.exec(select(Feed).order_by(col(Feed.name))).all()
    ]


def status(session: Session, now: datetime | None = None) -> Status:
    now = now or datetime.now(UTC)
    last_crawl = session.exec(select(func.max(Feed.last_fetch_at))).one()
    run = hub_store.latest_run(session)
    complete = hub_store.latest_complete(session)
    failing = [
        (f.name, f.health, f.last_error)
        for f in session.exec(select(Feed).where(col(Feed.health) != "ok")).all()
    ]
    counts = dict(
        session.exec(
            select(OutboxMessage.status, func.count()).group_by(col(OutboxMessage.status))
        ).all()
    )
    return Status(
        last_crawl=last_crawl.replace(tzinfo=UTC)
        if last_crawl and not last_crawl.tzinfo
        else last_crawl,
        last_snapshot=run.started_at if run else None,
        last_snapshot_complete=run.complete if run else None,
        snapshot_age=(now - complete.started_at) if complete else None,
        failing_feeds=failing,
        outbox_pending=counts.get("pending", 0),
        outbox_failed=counts.get("failed", 0),
        last_snapshot_error=hub_store.run_cause(run),
    )


def model_card(session: Session, repo_id: str, now: datetime | None = None) -> ModelCard:
    """A model's latest figures, its 7-day gain and the recent news naming it."""
    now = now or datetime.now(UTC)
    model = session.get(HubModel, repo_id)
    growth = None
    latest = hub_store.latest_complete(session)
    if latest is not None and model is not None and model.downloads_all_time is not None:
        week = hub_store.complete_at_or_before(session, latest.started_at - timedelta(days=7))
        if week is not None:
            then = hub_store.load_snapshot(session, week).models.get(repo_id)
            if then is not None and then.all_time is not None:
                growth = model.downloads_all_time - then.all_time
    name = repo_id.split("/", 1)[-1]
    claims = [
        claim_json(claim, article, verdict)
        for claim, article, verdict in session.exec(
            select(Claim, Article, Verdict)
            .join(Verdict, col(Verdict.claim_id) == col(Claim.id))
            .join(Article, col(Article.id) == col(Claim.article_id), isouter=True)
            .where(col(Claim.subject_hub_id) == repo_id, col(Verdict.repo) == repo_id)
            .order_by(col(Claim.id).desc())
            .limit(5)
        ).all()
    ]
    figures = None
    if model is not None:
        figures = ModelFigures(
            downloads_all_time=model.downloads_all_time,
            downloads_30d=model.downloads_30d,
            likes=model.likes,
            last_seen_at=model.last_seen_at,
        )
    return ModelCard(repo_id, figures, growth, recent_news(session, name, 30, 5, now), claims)


def tracked_repo_ids(session: Session, prefix: str = "", limit: int = 25) -> list[str]:
    """Repo ids for autocomplete: the tracked models whose id contains ``prefix``."""
    query = select(HubModel.model_id).where(col(HubModel.gone_at).is_(None))
    if prefix:
        query = query.where(col(HubModel.model_id).ilike(f"%{prefix}%"))
    query = query.order_by(col(HubModel.downloads_all_time).desc()).limit(limit)
    return list(session.exec(query).all())


def decisions_for(session: Session, url: str) -> list[tuple[DecisionView, str | None]]:
    """The decision log of a link, as written in any feed or as the article's canonical
    URL: each entry with the name of its feed (None when the feed is gone), oldest first."""
    from extractors.links import normalise_link

    link = normalise_link(url)
    if link is None:
        return []
    # the decision log keeps links normalised; an article's canonical URL catches the
    # copies of the story reached under other links
    article_ids = set(session.exec(select(Article.id).where(Article.canonical_url == link)))
    article_ids |= set(
        session.exec(
            select(DecisionLog.article_id).where(
                DecisionLog.link == link, col(DecisionLog.article_id).is_not(None)
            )
        )
    )
    query = select(DecisionLog).where(
        or_(DecisionLog.link == link, col(DecisionLog.article_id).in_(article_ids or {-1}))
    )
    names = {feed.id: feed.name for feed in session.exec(select(Feed))}
    rows = sorted(session.exec(query), key=lambda row: (row.at, row.id or 0))
    return [
        (
            DecisionView(
                at=row.at, decision=row.decision, detail=row.detail, http_status=row.http_status
            ),
            names.get(row.feed_id),
        )
        for row in rows
    ]


def claim_rows(
    session: Session, entity: str | None, limit: int
) -> list[tuple[Claim, Article | None]]:
    """The newest claims with their articles, optionally about one model, lab or Hub id."""
    query = select(Claim, Article).join(
        Article, col(Article.id) == col(Claim.article_id), isouter=True
    )
    if entity:
        pattern = f"%{entity}%"
        query = query.where(
            or_(col(Claim.subject).ilike(pattern), col(Claim.subject_hub_id).ilike(pattern))
        )
    return list(session.exec(query.order_by(col(Claim.id).desc()).limit(limit)).all())


def claim_json(claim: Claim, article: Article | None, verdict: Verdict | None) -> dict:
    """A claim, its article and its verdict as the CLI prints and the commands show them."""
    published = article.published_at if article else None
    return {
        "id": claim.id,
        "text": claim.text,
        "value": claim.value,
        "unit": claim.unit,
        "metric": claim.metric,
        "qualifier": claim.qualifier,
        "subject": claim.subject,
        "subject_hub_id": claim.subject_hub_id,
        "article": {
            "title": article.title if article else None,
            "url": article.canonical_url if article else None,
            "published": published.isoformat() if published else None,
        },
        "verdict": {
            "status": str(verdict.status) if verdict else "unverifiable",
            "hub_value": verdict.hub_value if verdict else None,
            "scope": verdict.scope if verdict else None,
            "as_of": verdict.as_of.isoformat() if verdict and verdict.as_of else None,
            "reason": verdict.reason if verdict else "not judged yet (no Hub snapshot since)",
            "repo": verdict.repo if verdict else None,
            "hub_field": verdict.hub_field if verdict else None,
        },
    }


def recent_claims(session: Session, entity: str | None, limit: int = 10) -> list[dict]:
    """The newest claims with their stored verdicts (read only, for the slash command)."""
    rows = claim_rows(session, entity, limit)
    ids = [claim.id for claim, _article in rows]
    stored = {
        v.claim_id: v
        for v in session.exec(select(Verdict).where(col(Verdict.claim_id).in_(ids or [-1])))
    }
    return [claim_json(claim, article, stored.get(claim.id)) for claim, article in rows]


def history(
    session: Session,
    settings: Settings,
    subject: str,
    since: datetime | None = None,
) -> History | None:
    """All-time downloads of a family (by name) or a model (by repo id) at each complete
    snapshot since ``since``; None when the subject is neither."""
    from sqlalchemy import or_ as sql_or

    from bot.hub.snapshots import scope_text

    families = settings.hub.effective_families()
    query = (
        select(HubSnapshotRun.started_at, func.sum(HubSnapshot.downloads_all_time), func.count())
        .join(HubSnapshotRun, col(HubSnapshotRun.id) == col(HubSnapshot.run_id))
        .where(col(HubSnapshotRun.complete).is_(True))
    )
    if since is not None:
        query = query.where(col(HubSnapshotRun.started_at) >= since)
    if subject in families:
        family = families[subject]
        query = query.where(
            sql_or(
                col(HubSnapshot.author).in_(family.authors or [""]),
                col(HubSnapshot.model_id).in_(family.repos or [""]),
            )
        )
        milestones = settings.hub.milestones
        step = settings.hub.milestone_step
    elif "/" in subject:
        query = query.where(col(HubSnapshot.model_id) == subject)
        milestones = settings.hub.model_milestones
        step = settings.hub.model_milestone_step
    else:
        return None
    rows = session.exec(
        query.group_by(col(HubSnapshotRun.id), col(HubSnapshotRun.started_at)).order_by(
            col(HubSnapshotRun.started_at)
        )
    ).all()
    points = [
        (at.replace(tzinfo=UTC) if at.tzinfo is None else at, int(total or 0))
        for at, total, _count in rows
    ]
    repos = rows[-1][2] if rows else 0
    scope = (
        scope_text(families[subject], repos)
        if subject in families
        else f"Hugging Face, repo {subject}"
    )
    high = max((value for _, value in points), default=0)
    return History(subject, scope, points, thresholds_between(0, int(high * 1.2), milestones, step))
