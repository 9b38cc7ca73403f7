"""The crawler's writes: feed state, entries, articles, decisions and news posts.

Each function is one short transaction, so a crawl killed at any line leaves the
database consistent and the next crawl carries on: an entry, its article, its
decision-log rows and its outbox message are committed together or not at all.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlmodel import col, select

from bot.config.schema import FeedSettings, Settings
from bot.core.outbox import NewsPayload
from bot.core.vocabulary import POSTED, Decision, FeedHealth
from bot.ingest.dedupe import content_hash, same_story, trusted_canonical
from bot.ingest.health import HealthUpdate
from bot.ingest.routing import news_routes
from bot.store.models import (
    Article,
    Claim,
    DecisionLog,
    Entry,
    Feed,
    FeedEvent,
    Mention,
    OutboxMessage,
)
from bot.store.outbox import NEWS_HOLD, enqueue_payload, release_news
from bot.time_text import stamp
from extractors.feed import FeedItem

if TYPE_CHECKING:
    from extractors.extraction import Extraction
from extractors.links import normalise_link
from extractors.vocabulary import MentionKind


@dataclass(frozen=True)
class FeedState:
    """A detached copy of a feed row: what the async crawler reads between transactions."""

    id: int
    name: str
    url: str
    etag: str | None
    last_modified: str | None
    health: str
    failures: int
    next_due_at: datetime | None
    baseline_at: datetime | None

    @classmethod
    def of(cls, row: Feed) -> FeedState:
        assert row.id is not None
        return cls(
            row.id,
            row.name,
            row.url,
            row.etag,
            row.last_modified,
            row.health,
            row.failure_count,
            row.next_due_at,
            row.baseline_at,
        )


def sync_feeds(session: Session, feeds: Sequence[FeedSettings], now: datetime) -> list[FeedState]:
    """Make a row for every configured feed; a feed whose URL was edited starts afresh.

    A new URL may be a different feed altogether, so its validators are dropped
    and its first fetch is a baseline again: an edit never floods a channel.
    """
    rows = {row.name: row for row in session.exec(select(Feed)).all()}
    states = []
    for feed in feeds:
        row = rows.get(feed.name)
        if row is None:
            row = Feed(name=feed.name, url=feed.url, config_url=feed.url)
            session.add(row)
        elif row.config_url != feed.url:
            row.url = row.config_url = feed.url
            row.etag = row.last_modified = None
            row.baseline_at = row.next_due_at = None
            row.health, row.failure_count, row.last_error = FeedHealth.OK, 0, None
            row.updated_at = now
        session.flush()
        states.append(FeedState.of(row))
    session.commit()
    return states


def known_identities(session: Session, feed_id: int, identities: Iterable[str]) -> dict[str, Entry]:
    wanted = list(identities)
    found: dict[str, Entry] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        query = select(Entry).where(Entry.feed_id == feed_id, col(Entry.identity_hash).in_(chunk))
        found.update({entry.identity_hash: entry for entry in session.exec(query)})
    return found


def log(
    session: Session,
    *,
    feed_id: int | None,
    decision: Decision,
    detail: str,
    link: str | None = None,
    identity: str | None = None,
    entry_id: int | None = None,
    article_id: int | None = None,
    http_status: int | None = None,
    at: datetime,
) -> None:
    session.add(
        DecisionLog(
            at=at,
            feed_id=feed_id,
            entry_id=entry_id,
            article_id=article_id,
            link=normalise_link(link),
            identity_hash=identity,
            decision=decision,
            detail=detail[:2000],
            http_status=http_status,
        )
    )


def log_item_failure(
    session: Session, *, feed_id: int, item: FeedItem, detail: str, at: datetime
) -> None:
    """An item that could not be stored: recorded, and not remembered, so it is retried."""
    log(
        session,
        feed_id=feed_id,
        decision=Decision.FETCH_ERROR,
        detail=detail,
        link=item.link,
        identity=item.identity,
        at=at,
    )
    session.commit()


def note_repeats(session: Session, feed_id: int, items: Sequence[FeedItem], now: datetime) -> None:
    """Items sharing another item's identity in the same document: kept once, said so."""
    for item in items:
        log(
            session,
            feed_id=feed_id,
            decision=Decision.DUPLICATE_ID,
            detail=f"same {item.identity_basis} as another item of this feed document; stored once",
            link=item.link,
            identity=item.identity,
            at=now,
        )
    session.commit()


def note_rewrites(
    session: Session, feed_id: int, items: Sequence[FeedItem], seen: dict[str, Entry], now: datetime
) -> int:
    """Record, once per change, that a known item came back with a new date: not reposted."""
    changed = 0
    for item in items:
        entry = seen.get(item.identity)
        if entry is None or item.published is None or entry.published_at == item.published:
            continue
        before = entry.published_at
        entry.published_at = item.published
        session.add(entry)
        log(
            session,
            feed_id=feed_id,
            decision=Decision.DUPLICATE_ID,
            detail=(
                f"seen again with date {stamp(item.published)} (was {stamp(before)})"
                if before
                else "seen again with a date added"
            )
            + "; same identity, not posted again",
            link=item.link,
            identity=item.identity,
            entry_id=entry.id,
            article_id=entry.article_id,
            at=now,
        )
        changed += 1
    session.commit()
    return changed


@dataclass(frozen=True)
class PageOutcome:
    """What fetching and extracting an article page gave, ready to store."""

    text: str | None
    text_source: str  # "full_text", "summary" or "none"
    title: str | None = None
    author: str | None = None
    site_name: str | None = None
    canonical_url: str | None = None
    language: str | None = None
    published: datetime | None = None
    fingerprint: int | None = None
    extraction: Extraction | None = None  # entities and claims found in ``text``
    notes: tuple[tuple[Decision, str, int | None], ...] = ()  # fallback / fetch-error records


@dataclass
class _Stories:
    """The articles a new one is compared with (:class:`bot.ingest.dedupe.StoryLookup`).

    It keeps the rows it loaded, so the story :func:`bot.ingest.dedupe.same_story` names
    is the row it was read from.
    """

    session: Session
    since: datetime  # the start of the de-duplication window, for near-identical texts
    rows: dict[int, Article] = field(default_factory=dict)

    def by_canonical(self, canonical: str) -> int | None:
        found = self.session.exec(select(Article).where(Article.canonical_url == canonical)).first()
        if found is None:
            return None
        assert found.id is not None
        self.rows[found.id] = found
        return found.id

    def near(self, fingerprint: int) -> Iterator[tuple[int, int]]:
        query = select(Article.id, Article.fingerprint).where(
            col(Article.fingerprint).is_not(None), Article.fetched_at >= self.since
        )
        for article_id, other in self.session.exec(query):
            assert article_id is not None and other is not None
            yield article_id, other

    def text(self, article_id: int) -> str | None:
        other = self.session.get(Article, article_id)
        if other is None:
            return None
        self.rows[article_id] = other
        return other.text


def store_item(
    session: Session,
    *,
    settings: Settings,
    feed: FeedSettings,
    feed_id: int,
    item: FeedItem,
    decision: Decision,
    detail: str,
    page: PageOutcome,
    now: datetime,
) -> tuple[bool, bool]:
    """Store one new entry with its article (or link it to the story it repeats).

    Returns (new article stored, news post enqueued). A unique-key conflict means
    another crawl stored the same entry or story between our check and our insert:
    the entry is then a duplicate, or the story is looked up again, once.
    """
    job = _Job(settings, feed, feed_id, item, decision, detail, page, now)
    for attempt in (1, 2):
        try:
            return _store_item(session, job)
        except IntegrityError:
            session.rollback()
            already = session.exec(
                select(Entry).where(Entry.feed_id == feed_id, Entry.identity_hash == item.identity)
            ).first()
            if already is not None:
                return False, False  # a concurrent crawl of this feed stored it first
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


@dataclass(frozen=True)
class _Job:
    settings: Settings
    feed: FeedSettings
    feed_id: int
    item: FeedItem
    decision: Decision
    detail: str
    page: PageOutcome
    now: datetime


def _store_item(session: Session, job: _Job) -> tuple[bool, bool]:
    settings, feed, feed_id, item = job.settings, job.feed, job.feed_id, job.item
    decision, detail, page, now = job.decision, job.detail, job.page, job.now
    canonical = normalise_link(trusted_canonical(page.canonical_url, item.link))
    stories = _Stories(session, since=now - settings.crawl.dedupe_window)
    same = same_story(
        canonical, page.text, page.fingerprint, settings.crawl.near_duplicate, stories
    )
    entry = Entry(
        feed_id=feed_id,
        identity_hash=item.identity,
        guid=item.guid,
        link=item.link,
        title=item.title[:1000] or None,
        published_at=item.published,
        first_seen_at=now,
    )
    common = {"feed_id": feed_id, "link": item.link, "identity": item.identity, "at": now}
    wants_post = decision in POSTED
    if same is not None:
        existing = stories.rows[same.article_id]
        entry.article_id = existing.id
        session.add(entry)
        session.flush()
        # A story first stored without a post (a baseline, an old item) that another
        # feed now carries as new is news after all: it is posted, once.
        posted = wants_post and not _news_posted(session, existing.id)
        outcome = "posted now: no feed had posted it yet" if posted else "not posted again"
        log(
            session,
            decision=Decision.DUPLICATE_STORY,
            detail=f"{same.reason}; stored as another source, {outcome}",
            entry_id=entry.id,
            article_id=existing.id,
            **common,
        )
        if posted:
            _enqueue_news(session, settings, feed, existing, item, page, now)
        session.commit()
        return False, posted
    article = Article(
        canonical_url=canonical,
        identity_hash=item.identity,
        feed_id=feed_id,
        title=(item.title or page.title or None),
        author=page.author,
        site_name=page.site_name,
        summary=item.summary or None,
        text=page.text,
        text_source=page.text_source,
        language=page.language,
        published_at=item.published or page.published,
        fetched_at=now,
        content_hash=content_hash(page.text),
        fingerprint=page.fingerprint,
    )
    session.add(article)
    session.flush()
    entry.article_id = article.id
    session.add(entry)
    session.flush()
    if page.extraction is not None:
        store_extraction(session, article.id, page.extraction, now)
    common.update(entry_id=entry.id, article_id=article.id)
    for note, note_detail, status in page.notes:
        log(session, decision=note, detail=note_detail, http_status=status, **common)
    log(session, decision=decision, detail=detail, **common)
    if wants_post:
        _enqueue_news(session, settings, feed, article, item, page, now)
    session.commit()
    return True, wants_post


def _news_posted(session: Session, article_id: int) -> bool:
    query = select(OutboxMessage.id).where(
        OutboxMessage.kind == "news", col(OutboxMessage.dedupe_key).like(f"news:%:{article_id}")
    )
    return session.exec(query).first() is not None


def _enqueue_news(
    session: Session,
    settings: Settings,
    feed: FeedSettings,
    article: Article,
    item: FeedItem,
    page: PageOutcome,
    now: datetime,
) -> None:
    """The item to every route :func:`bot.ingest.routing.news_routes` chooses for it."""
    discord = settings.discord
    routes = news_routes(
        discord, feed, title=item.title, summary=item.summary, extraction=page.extraction
    )
    record = NewsPayload(
        feed=feed.name,
        title=article.title,
        link=item.link,
        summary=(item.summary or page.text or "")[:500],
        published=article.published_at.isoformat() if article.published_at else None,
        extra={"article_id": article.id},
    )
    for route in routes:
        enqueue_payload(
            session,
            key=f"news:{route}:{article.id}",
            record=record,
            route=route,
            at=now,
            discord=discord,
            due=now + NEWS_HOLD,  # released with the whole poll, then posted oldest first
        )


def store_extraction(session: Session, article_id: int, found: Extraction, now: datetime) -> None:
    """Mentions and claims of a new article, in two bulk inserts (not an ORM object each)."""
    mentions = [
        {
            "article_id": article_id,
            "kind": kind,
            "text": item.text[:300],
            "start": item.start,
            "end": item.end,
            "canonical": item.canonical,
            "hub_id": item.hub_id if kind == MentionKind.MODEL else None,
            "hub_author": (item.hub_id or "").split("/")[0] or None,
            "link": str(item.link),
            "wanted": item.wanted[:200] if item.wanted else None,
        }
        for kind, items in ((MentionKind.MODEL, found.models), (MentionKind.ORG, found.orgs))
        for item in items
    ]
    claims = [
        {
            "article_id": article_id,
            "text": claim.text[:1000],
            "start": claim.start,
            "end": claim.end,
            "value": claim.value,
            "unit": str(claim.unit),
            "metric": str(claim.metric),
            "qualifier": str(claim.qualifier) if claim.qualifier else None,
            "subject": claim.subject[:300] if claim.subject else None,
            "subject_hub_id": claim.subject_hub_id,
            "subject_link": str(claim.subject_link),
            "sentence": claim.sentence[:4000],
            "period": claim.period.to_json() if claim.period else None,
            "detail": claim.detail[:100] if claim.detail else None,
            "created_at": now,
        }
        for claim in found.claims
    ]
    if mentions:
        session.execute(insert(Mention), mentions)
    if claims:
        session.execute(insert(Claim), claims)


def record_poll(
    session: Session,
    feed_id: int,
    *,
    update: HealthUpdate,
    now: datetime,
    status: int | None,
    etag: str | None = None,
    last_modified: str | None = None,
    new_url: str | None = None,
    validators: bool = False,
    baseline_done: bool = False,
    error_detail: str | None = None,
) -> None:
    """Save the outcome of polling a feed: validators, URL, health, and a health event."""
    row = session.get(Feed, feed_id)
    assert row is not None
    before = row.health
    row.last_fetch_at = now
    row.last_status = status
    row.health = update.health
    row.failure_count = update.failures
    row.next_due_at = update.next_due
    row.last_error = update.last_error
    row.updated_at = now
    if update.health == FeedHealth.OK and update.failures == 0 and status is not None:
        row.last_success_at = now
    if validators:
        row.etag = etag[:1024] if etag else None
        row.last_modified = last_modified[:128] if last_modified else None
    if new_url:
        row.url = new_url
    if baseline_done and row.baseline_at is None:
        row.baseline_at = now
    session.add(row)
    release_news(session, row.name, now)  # the poll is done: its news goes out, oldest first
    if update.event:
        session.add(
            FeedEvent(
                feed_id=feed_id,
                at=now,
                health_from=before,
                health_to=update.health,
                message=update.event[:2000],
            )
        )
    if error_detail:
        log(
            session,
            feed_id=feed_id,
            decision=Decision.FETCH_ERROR,
            detail=error_detail,
            link=row.url,
            http_status=status,
            at=now,
        )
    session.commit()


def stagger_due(
    session: Session, feeds: Sequence[FeedSettings], now: datetime, window: timedelta, seed: int = 0
) -> int:
    """Spread the feeds that are due right now over ``window`` (caller commits).

    A service that starts (or restarts after a while) would otherwise poll every
    feed at once: a burst on publishers and on the worker pool. Each overdue or
    never-polled feed gets its own slot, in a shuffled order, so the first polls
    arrive one by one. Returns how many feeds were moved.
    """
    import random

    enabled = {feed.name for feed in feeds if feed.enabled}
    rows = [
        row
        for row in session.exec(select(Feed)).all()
        if row.name in enabled
        and row.health != FeedHealth.FAILED
        and (row.next_due_at is None or row.next_due_at <= now)
    ]
    random.Random(seed).shuffle(rows)
    step = window / max(1, len(rows))
    for index, row in enumerate(rows):
        row.next_due_at = now + step * index
        session.add(row)
    return len(rows)
