"""One crawl pass: poll the due feeds, store their new items with full text, record why.

The event loop only waits: fetching is async, parsing and extraction run in the
worker pool, and each database write runs in a thread under one lock, so writes
are serialised (SQLite has one writer) and the check for an existing story and
the insert of a new one cannot interleave between two feeds carrying it.

Every worker job runs under ``crawl.job_timeout``: a page that hangs the
extractor costs that page its full text (it is stored with the feed summary and
the decision ``extraction_timeout``), not the crawl, which would otherwise hold
the service's crawl lock forever while every later crawl returned at once.

A database that cannot serve (``DatabaseUnavailable``: locked, read-only, full,
PostgreSQL gone) is no fault of a feed: the first write that meets it cancels
the rest of the pass and raises it, so the caller reports it once (the service
pauses, ``crawl --once`` exits 1) and no feed is marked failing for it. Any other
error costs one item or one feed, recorded as one line without SQL.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from typing import Any, TypeVar

from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.config.durations import format_duration
from bot.config.schema import FeedSettings, Settings
from bot.core.vocabulary import Decision
from bot.ingest.decisions import decide
from bot.ingest.fetch import PAGE_ACCEPT, Fetcher, FetchError, FetchResult
from bot.ingest.health import PollResult, max_age, next_health
from bot.ingest.workers import (
    JobTimeout,
    PageText,
    WorkerLost,
    Workers,
    extract_page_job,
    parse_feed_job,
    summary_job,
)
from bot.store import ingest
from bot.store.db import DatabaseUnavailable, error_line
from bot.store.ingest import FeedState, PageOutcome
from extractors.feed import FeedDoc, FeedItem, NotAFeed

HTML_TYPES = ("text/html", "application/xhtml+xml", "application/xml", "text/plain", "")
T = TypeVar("T")


@dataclass
class FeedReport:
    """How one feed's poll went, for the summary table and --json."""

    feed: str
    status: str  # "ok", "not_modified", "failed", "deferred"
    error: str | None = None
    entries_seen: int = 0
    entries_new: int = 0
    articles_stored: int = 0
    posted: int = 0
    failed_items: int = 0


@dataclass
class CrawlSummary:
    reports: list[FeedReport] = field(default_factory=list)

    def as_json(self) -> dict:
        return {
            "feeds": len(self.reports),
            "not_modified": sum(r.status == "not_modified" for r in self.reports),
            "failed": sum(r.status == "failed" for r in self.reports),
            "entries_seen": sum(r.entries_seen for r in self.reports),
            "entries_new": sum(r.entries_new for r in self.reports),
            "articles_stored": sum(r.articles_stored for r in self.reports),
            "errors": [{"feed": r.feed, "error": r.error} for r in self.reports if r.error],
        }

    def rows(self) -> list[dict]:
        return [asdict(report) for report in self.reports]


class UnknownFeed(ValueError):
    """A feed named on the command line is not in the configuration."""


class Crawler:
    def __init__(
        self,
        settings: Settings,
        engine: Engine,
        fetcher: Fetcher,
        workers: Workers,
        *,
        clock: Callable[[], datetime] | None = None,
        rng: random.Random | None = None,
    ):
        self.settings = settings
        self.engine = engine
        self.fetcher = fetcher
        self.workers = workers
        self.clock = clock or (lambda: datetime.now(UTC))
        self.rng = rng or random.Random()
        self._write = asyncio.Lock()
        # Pages fetched but not yet extracted wait in memory (up to max_response_bytes
        # each): keep only a few per worker in flight, however long the feed.
        self._pages_in_flight = asyncio.Semaphore(max(4, 4 * (workers.size or 1)))

    async def _db(self, function: Callable[..., object], *args: object, **kwargs: object):
        """Run a write in a thread, one at a time, with its own session."""

        def work():
            with Session(self.engine) as session:
                return function(session, *args, **kwargs)

        async with self._write:
            return await asyncio.to_thread(work)

    async def _job(self, function: Callable[..., T], *args: Any) -> T:
        """A worker job under ``crawl.job_timeout`` (raises JobTimeout past it)."""
        limit = self.settings.crawl.job_timeout.total_seconds()
        return await self.workers.run(function, *args, timeout=limit)

    def _over_limit(self, what: str) -> str:
        limit = format_duration(self.settings.crawl.job_timeout)
        return f"{what} took longer than {limit} (crawl.job_timeout); the worker was replaced"

    async def crawl(
        self,
        names: Sequence[str] | None = None,
        *,
        on_feed_done: Callable[[FeedReport], None] | None = None,
    ) -> CrawlSummary:
        """Poll the named feeds, or every enabled feed that is due; never raises for a feed.

        Raises ``DatabaseUnavailable`` when the database cannot serve, the rest of
        the pass cancelled: nothing about the feeds is recorded for it.
        """
        configured = {feed.name: feed for feed in self.settings.feeds}
        unknown = [name for name in names or () if name not in configured]
        if unknown:
            raise UnknownFeed(f"no feed named {', '.join(map(repr, unknown))} in the configuration")
        now = self.clock()
        states = await self._db(ingest.sync_feeds, self.settings.feeds, now)
        chosen = []
        for state in states:
            feed = configured[state.name]
            if names:
                if state.name in names:
                    chosen.append((feed, state))
            elif feed.enabled and _is_due(state, now):
                chosen.append((feed, state))

        async def one(feed: FeedSettings, state: FeedState) -> FeedReport:
            report = await self._crawl_feed(feed, state)
            if on_feed_done:
                on_feed_done(report)
            return report

        reports = await _all_or_none(one(feed, state) for feed, state in chosen)
        return CrawlSummary(list(reports))

    async def _crawl_feed(self, feed: FeedSettings, state: FeedState) -> FeedReport:
        try:
            return await self._poll(feed, state)
        except DatabaseUnavailable:  # not this feed's fault: the caller reports it once
            raise
        except Exception as exc:  # a bug must cost one feed one poll, not the crawl
            message = f"internal error: {error_line(exc)[:300]}"
            try:
                await self._failed(feed, state, PollResult(ok=False, message=message), None)
            except DatabaseUnavailable:
                raise
            except Exception as again:  # say so, and go on with the other feeds
                message += f"; and it could not be recorded: {error_line(again)[:300]}"
            return FeedReport(feed.name, "failed", message)

    async def _poll(self, feed: FeedSettings, state: FeedState) -> FeedReport:
        result = await self.fetcher.fetch(
            state.url, etag=state.etag, last_modified=state.last_modified
        )
        if result.error == FetchError.DEFERRED:
            poll = PollResult(
                ok=False, deferred=True, retry_after=result.retry_after, message=result.describe()
            )
            await self._record(feed, state, poll, result.status)
            return FeedReport(feed.name, "deferred", result.describe())
        if result.error is not None:
            poll = PollResult(
                ok=False,
                message=result.describe(),
                status=result.status,
                gone=result.error == FetchError.GONE,
                retry_after=result.retry_after,
            )
            await self._failed(feed, state, poll, result.status)
            return FeedReport(feed.name, "failed", result.describe())
        fresh_for = max_age(result.headers.get("cache-control"))
        if result.not_modified:
            poll = PollResult(ok=True, status=304, fresh_for=fresh_for)
            await self._record(feed, state, poll, 304, result=result)
            return FeedReport(feed.name, "not_modified")
        try:
            doc: FeedDoc = await self._job(
                parse_feed_job, result.body, result.final_url, result.headers
            )
        except (NotAFeed, JobTimeout, WorkerLost) as exc:
            timed_out = isinstance(exc, JobTimeout)
            message = self._over_limit("parsing the feed") if timed_out else str(exc)
            if isinstance(exc, WorkerLost):  # no BrokenProcessPool, nor "internal error"
                message = f"parsing the feed: its worker process died ({exc.breaks} times)"
            poll = PollResult(ok=False, message=message, status=result.status)
            await self._failed(feed, state, poll, result.status)
            return FeedReport(feed.name, "failed", message)
        return await self._store_entries(feed, state, doc, result)

    async def _store_entries(
        self, feed: FeedSettings, state: FeedState, doc: FeedDoc, result: FetchResult
    ) -> FeedReport:
        now = self.clock()
        report = FeedReport(feed.name, "ok", entries_seen=len(doc.items))
        seen = await self._db(
            ingest.known_identities, state.id, [item.identity for item in doc.items]
        )
        await self._db(ingest.note_rewrites, state.id, doc.items, seen, now)
        decisions = decide(
            doc.items,
            known=set(seen),
            first_fetch=state.baseline_at is None,
            backfill=feed.backfill,
            max_age=self.settings.crawl.max_item_age,
            now=now,
        )
        limit = self.settings.crawl.max_items_per_poll
        deferred = max(0, len(decisions) - limit)
        decisions = decisions[:limit]  # a huge feed is taken in slices, one per poll
        report.entries_new = len(decisions)
        fresh = {d.item.identity for d in decisions}
        repeats = [item for item in doc.repeated if item.identity in fresh]
        if repeats:  # recorded once, when the identity they share is first seen
            await self._db(ingest.note_repeats, state.id, repeats, now)

        async def handle(item: FeedItem, decision: Decision, detail: str) -> None:
            page = await self._page(feed, item)
            stored, posted = await self._db(
                ingest.store_item,
                settings=self.settings,
                feed=feed,
                feed_id=state.id,
                item=item,
                decision=decision,
                detail=detail,
                page=page,
                now=self.clock(),
            )
            report.articles_stored += stored
            report.posted += posted

        async def guarded(item: FeedItem, decision: Decision, detail: str) -> None:
            try:
                await handle(item, decision, detail)
            except DatabaseUnavailable:  # not this item's fault: it ends the pass
                raise
            except Exception as exc:  # one bad item must not cost the feed its other items
                report.failed_items += 1
                await self._db(
                    ingest.log_item_failure,
                    feed_id=state.id,
                    item=item,
                    detail=f"not stored: {error_line(exc)[:300]}; retried next poll",
                    at=self.clock(),
                )

        await _all_or_none(guarded(d.item, d.decision, d.detail) for d in decisions)
        poll = PollResult(
            ok=True, status=result.status, fresh_for=max_age(result.headers.get("cache-control"))
        )
        # An item that failed is not remembered, so the next poll tries it again; the
        # baseline is done only when every item of the first fetch is stored.
        await self._record(
            feed,
            state,
            poll,
            result.status,
            result=result,
            baseline_done=report.failed_items == 0 and deferred == 0,
        )
        return report

    async def _page(self, feed: FeedSettings, item: FeedItem) -> PageOutcome:
        """Full text for an item, or its summary with the reason recorded."""
        async with self._pages_in_flight:
            return await self._page_now(feed, item)

    async def _page_now(self, feed: FeedSettings, item: FeedItem) -> PageOutcome:
        summary = item.summary or None
        if not feed.full_text:
            return await self._fallback(summary, (), published=_day(item.published))
        if not item.link:
            note = (Decision.EXTRACTION_FALLBACK, "no link to fetch; using the feed summary", None)
            return await self._fallback(summary, (note,), published=_day(item.published))
        fetched = await self.fetcher.fetch(item.link, accept=PAGE_ACCEPT)
        if not fetched.ok or fetched.status != 200:
            note = (
                Decision.FETCH_ERROR,
                f"article page: {fetched.describe()}; using the feed summary",
                fetched.status,
            )
            return await self._fallback(summary, (note,), published=_day(item.published))
        content_type = fetched.headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type not in HTML_TYPES:
            note = (
                Decision.EXTRACTION_FALLBACK,
                f"article page is {content_type}, not HTML; using the feed summary",
                fetched.status,
            )
            return await self._fallback(summary, (note,), published=_day(item.published))
        try:
            extracted: PageText = await self._job(
                extract_page_job,
                fetched.body,
                fetched.final_url,
                self.settings.crawl.fast_extraction,
                _day(item.published),
            )
        except JobTimeout:
            note = (
                Decision.EXTRACTION_TIMEOUT,
                f"{self._over_limit('extracting the article page')}; using the feed summary",
                fetched.status,
            )
            return await self._fallback(summary, (note,), published=_day(item.published))
        article = extracted.article
        minimum = self.settings.crawl.min_text_chars
        if article is None or len(article.text) < minimum:
            got = "no text" if article is None else f"only {len(article.text)} characters"
            note = (
                Decision.EXTRACTION_FALLBACK,
                f"extraction found {got} (minimum {minimum}); using the feed summary",
                fetched.status,
            )
            return await self._fallback(
                summary,
                (note,),
                canonical=article.canonical_url if article else None,
                published=_day(item.published),
            )
        return PageOutcome(
            text=article.text,
            text_source="full_text",
            title=article.title,
            author=article.author,
            site_name=article.site_name,
            canonical_url=article.canonical_url,
            language=article.language,
            published=_date(article.date),
            fingerprint=extracted.fingerprint,
            extraction=extracted.extraction,
        )

    async def _fallback(
        self,
        summary: str | None,
        notes: tuple[tuple[Decision, str, int | None], ...],
        canonical: str | None = None,
        published: date | None = None,
    ) -> PageOutcome:
        """The feed's summary stands in for the article text (analysed the same way)."""
        analysed = None
        if summary:
            try:
                analysed = await self._job(summary_job, summary, published)
            except JobTimeout:
                what = self._over_limit("analysing the feed summary")
                note = (Decision.EXTRACTION_TIMEOUT, f"{what}; stored without its entities", None)
                notes = (*notes, note)
        return PageOutcome(
            text=summary,
            text_source="summary" if summary else "none",
            canonical_url=canonical,
            fingerprint=analysed.fingerprint if analysed else None,
            extraction=analysed.extraction if analysed else None,
            notes=notes,
        )

    async def _failed(
        self, feed: FeedSettings, state: FeedState, poll: PollResult, status: int | None
    ) -> None:
        await self._record(feed, state, poll, status, error_detail=poll.message)

    async def _record(
        self,
        feed: FeedSettings,
        state: FeedState,
        poll: PollResult,
        status: int | None,
        *,
        result: FetchResult | None = None,
        baseline_done: bool = False,
        error_detail: str | None = None,
    ) -> None:
        now = self.clock()
        update = next_health(
            name=feed.name,
            health=state.health,
            failures=state.failures,
            interval=feed.interval,
            result=poll,
            now=now,
            crawl=self.settings.crawl,
            rng=self.rng,
        )
        validators = result is not None and result.status == 200
        await self._db(
            ingest.record_poll,
            state.id,
            update=update,
            now=now,
            status=status,
            etag=result.headers.get("etag") if result else None,
            last_modified=result.headers.get("last-modified") if result else None,
            new_url=result.permanent_url if result else None,
            validators=validators,
            baseline_done=baseline_done,
            error_detail=error_detail,
        )


async def _all_or_none(jobs: Iterable[Awaitable[T]]) -> list[T]:
    """Run ``jobs`` together; the first that raises cancels the others, then is raised.

    ``asyncio.gather`` raises the first error but leaves the other jobs running:
    with the database gone each of them would wait out the busy timeout and fail
    in turn, after the caller had already given up.
    """
    tasks = [asyncio.ensure_future(job) for job in jobs]
    try:
        return await asyncio.gather(*tasks)
    except BaseException:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)  # they are done when we return
        raise


def _is_due(state: FeedState, now: datetime) -> bool:
    if state.next_due_at is None:
        # never polled, or polling stopped (410 Gone): only new feeds are due
        return state.health != "failed"
    return state.next_due_at <= now


def _day(value: datetime | str | None) -> date | None:
    """The day an item was published, which dates what its text leaves undated."""
    if isinstance(value, datetime):
        return value.date()
    parsed = _date(value) if isinstance(value, str) else None
    return parsed.date() if parsed else None


def _date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
