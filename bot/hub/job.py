"""The Hub job: list, store, alert, verify.

It is safe to kill at any line: the run and the alerts derived from it are
written in one transaction (a crash leaves neither), alerts go to the outbox where
their keys make them happen once, and verdicts are written last, for claims that
have none yet. Only a complete run raises alerts or feeds
verdicts; an incomplete one is kept for the record and says why it is incomplete:
a warning in the log naming the cause, the cause stored with the run (for
`status`), and, once the Hub has failed for longer than two snapshot intervals,
one message to the admins, and one more when it works again.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import TypeVar

from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from bot.config.schema import Settings
from bot.core.hub import Listing
from bot.core.outbox import AlertPayload, HubHealthPayload
from bot.hub.alerts import Alert, detect
from bot.hub.client import fetch_repo_facts, list_tracked, search_repos
from bot.hub.health import HubHealthEvent, hub_cause, hub_health_event
from bot.hub.names import pick_repo, search_query
from bot.hub.snapshots import Snapshot
from bot.hub.verify import ClaimFacts, Verifier
from bot.store import hub as store
from bot.store import metadata
from bot.store.models import Article, Claim, HubSnapshotRun, Verdict
from bot.store.outbox import enqueue_payload
from extractors.extraction import Period
from extractors.vocabulary import Link, Metric, Qualifier

E = TypeVar("E", bound=StrEnum)
log = logging.getLogger("trendbot.hub")
WEEK = timedelta(days=7)
HUB_JOB_LOCK = 0x7472656E64687562  # 'trendhub': the advisory lock key of the Hub job
# Per snapshot, at most this many Hub requests go to names and repo metadata, so a
# backlog of news (a first crawl) is worked off over a few snapshots instead of
# spending the anonymous rate limit (500 calls in 5 minutes) in one go.
MAX_NAME_LOOKUPS = 40
MAX_FACT_FETCHES = 120


@dataclass
class SnapshotReport:
    authors: int
    models: int
    requests: int
    complete: bool
    run_id: int | None
    errors: list[str] = field(default_factory=list)
    alerts: list[Alert] = field(default_factory=list)
    verdicts: int = 0
    names_resolved: int = 0
    names_asked: int = 0
    repos_fetched: int = 0
    metadata_errors: list[str] = field(default_factory=list)
    cause: str | None = None  # why the listing is incomplete, in one line
    health: HubHealthEvent | None = None  # the failing / working-again message queued now

    def as_json(self) -> dict:
        return {
            "authors": self.authors,
            "models": self.models,
            "requests": self.requests,
            "complete": self.complete,
            "errors": self.errors,
            "alerts": [{"kind": a.kind, "subject": a.subject, "text": a.text} for a in self.alerts],
            "verdicts": self.verdicts,
            "names": {"asked": self.names_asked, "resolved": self.names_resolved},
            "repos_fetched": self.repos_fetched,
            "metadata_errors": self.metadata_errors,
        }


def history_window(settings: Settings) -> int:
    """How many earlier complete snapshots the surge test looks at."""
    return max(2 * settings.hub.surge.min_history, 24) + 1


def take_snapshot(
    settings: Settings,
    engine: Engine,
    listing: Listing | None = None,
    stop: threading.Event | None = None,
) -> SnapshotReport:
    """One snapshot now (synchronous: run it in a thread from async code).

    ``stop`` cuts the listing short (the service is stopping): the run is then
    stored as incomplete, with the reason.
    """
    listing = listing if listing is not None else list_tracked(settings, stop=stop)
    stopping = stop is not None and stop.is_set()
    cause = hub_cause(listing.failures, len(listing.authors), settings.hub.endpoint)
    with Session(engine) as session:
        serialise(session)
        run = store.save_listing(session, listing, cause)
        report = SnapshotReport(
            authors=len(listing.authors),
            models=len(listing.models),
            requests=listing.requests,
            complete=listing.complete,
            run_id=run.id,
            errors=list(listing.errors),
            cause=cause,
        )
        if not stopping:  # a run cut short by a stop says nothing about the Hub
            report.health = report_health(session, settings, run)
        if not listing.complete:
            session.commit()
            # info when stopping: a shutdown is not a Hub problem worth a warning
            level = logging.INFO if stopping else logging.WARNING
            log.log(level, "hub snapshot incomplete: %s", cause)
            return report
        current = store.load_snapshot(session, run)
        report.alerts = raise_alerts(session, settings, current)
        session.commit()
    if stop is None or not stop.is_set():
        # the listing just reached the Hub: names and metadata are worth asking for now
        resolve_names(settings, engine, report, stop)
        refresh_facts(settings, engine, report)
        if report.run_id is not None:
            with Session(engine) as session:
                stored = session.get(HubSnapshotRun, report.run_id)
                if stored is not None:  # the run's requests include the metadata ones
                    stored.requests = report.requests
                    session.commit()
    report.verdicts = verify_new_claims(settings, engine)
    return report


def report_health(
    session: Session, settings: Settings, run: HubSnapshotRun
) -> HubHealthEvent | None:
    """Queue the Hub-failing or working-again message this run calls for (caller commits).

    The decision is :func:`bot.hub.health.hub_health_event`'s; the outbox key (one per
    outage and state) makes a rerun or an overlapping job post it once.
    """
    event = hub_health_event(
        store.health_runs(session, run),
        settings.hub.snapshot_interval,
        store.hub_health_keys(session),
    )
    if event is None:
        return None
    record = HubHealthPayload(
        state=event.state,
        text=event.text,
        extra={"since": event.since.isoformat(), "failures": event.failures, "run_id": run.id},
    )
    added = enqueue_payload(
        session,
        key=event.key,
        record=record,
        route="alerts",
        at=run.started_at,
        discord=settings.discord,
    )
    if not added:
        return None
    if event.state == "failing":
        log.warning("admins told the Hub is failing: %s", event.text)
    else:
        log.info("admins told the Hub works again: %s", event.text)
    return event


def resolve_names(
    settings: Settings,
    engine: Engine,
    report: SnapshotReport,
    stop: threading.Event | None = None,
) -> None:
    """Which repo each new checkpoint name means: the tracked authors' own repos first,
    then the Hub, one request per name.

    A name that matches exactly one repo of its family's author relinks its
    mentions and claims to that repo; a name that matches none is asked again a
    day later at the earliest. A Hub failure leaves the name to the next run, and
    an unreachable Hub ends the pass rather than waiting once per name.
    """
    now = datetime.now(UTC)
    with Session(engine) as session:
        due = metadata.names_to_resolve(session, now, MAX_NAME_LOOKUPS)
        owned = store.repos_of(session, {author for _name, author in due})
    for name, author in due:
        if stop is not None and stop.is_set():
            return
        repo = pick_repo(name, owned.get(author, []))
        candidates = len(owned.get(author, []))
        if repo is None:
            found = search_repos(settings, author, search_query(name))
            report.requests += found.requests
            report.names_asked += 1
            if found.error:
                report.metadata_errors.append(f"name {name!r}: {found.error}")
                if found.unreachable:
                    return
                continue
            repo, candidates = pick_repo(name, found.repo_ids), len(found.repo_ids)
        with Session(engine) as session:
            metadata.save_lookup(session, name, author, repo, candidates, now)
            session.commit()
        report.names_resolved += repo is not None


def refresh_facts(settings: Settings, engine: Engine, report: SnapshotReport) -> None:
    """Fetch the metadata of repos that claims waiting for a verdict are about."""
    with Session(engine) as session:
        due = metadata.repos_to_refresh(session, datetime.now(UTC), MAX_FACT_FETCHES)
    if not due:
        return
    fetched = fetch_repo_facts(settings, due)
    report.requests += fetched.requests
    report.repos_fetched += len(fetched.facts)
    report.metadata_errors += fetched.errors
    with Session(engine) as session:
        metadata.save_facts(session, fetched.facts)
        session.commit()


def serialise(session: Session) -> None:
    """One Hub job at a time per database, until this transaction ends.

    Two overlapping jobs (a slow one and the next, or two processes) would each
    compare with a history the other has not committed yet and announce the same
    event under two keys. On PostgreSQL a transaction-level advisory lock orders
    them; SQLite already serialises writers, and the job writes first.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": HUB_JOB_LOCK})


def raise_alerts(session: Session, settings: Settings, current: Snapshot) -> list[Alert]:
    """Detect the snapshot's alerts and put the new ones in the outbox (caller commits)."""
    hub = settings.hub
    earlier = store.recent_complete(session, history_window(settings), before=current.taken_at)
    history = store.load_snapshots(session, earlier)
    week_run = store.complete_at_or_before(session, current.taken_at - WEEK)
    if week_run is not None and all(s.run_id != week_run.id for s in history):
        history = [store.load_snapshot(session, week_run), *history]
    previous = history[-1] if history else None
    cooldown = hub.surge.cooldown
    last = store.last_alerted(session, since=current.taken_at - cooldown)
    alerts = detect(previous, current, history, hub.effective_families(), hub, last)
    raised = []
    for alert in alerts:
        added = enqueue_payload(
            session,
            key=alert.key,
            record=alert_payload(alert, current.run_id),
            route="alerts",
            at=current.taken_at,
            discord=settings.discord,
        )
        if added:
            raised.append(alert)
    return raised


def alert_payload(alert: Alert, run_id: int | None) -> AlertPayload:
    """An alert as the outbox stores it: its kind names the row's, and the figures it
    was decided on (``data``) and the run that raised it travel untyped."""
    return AlertPayload(
        alert_kind=alert.kind,
        subject=alert.subject,
        text=alert.text,
        extra={"data": alert.data, "run_id": run_id},
    )


def claim_facts(claim: Claim, article: Article | None) -> ClaimFacts:
    """A stored claim as the verifier sees it: the extractor's own reading of its sentence,
    period and subject travel with it; nothing here re-reads the article."""
    return ClaimFacts(
        text=claim.text,
        value=claim.value,
        unit=claim.unit,
        metric=_member(Metric, claim.metric) or claim.metric,
        qualifier=_member(Qualifier, claim.qualifier),
        subject=claim.subject,
        subject_hub_id=claim.subject_hub_id,
        sentence=claim.sentence or claim.text,
        published_at=(article.published_at or article.fetched_at) if article else None,
        subject_link=_member(Link, claim.subject_link),
        period=Period.from_json(claim.period),
        detail=claim.detail,
    )


def _member(vocabulary: type[E], stored: str | None) -> E | None:
    """A stored word as its enum member; None for none, or for a word no longer in use."""
    try:
        return vocabulary(stored) if stored else None
    except ValueError:
        return None


def verifier(settings: Settings, session: Session, now: datetime | None = None) -> Verifier:
    return Verifier(
        settings.hub.effective_families(),
        store.SnapshotLookup(session),
        near=2 * settings.hub.snapshot_interval,
        now=now or datetime.now(UTC),
        facts=metadata.FactsLookup(session),
    )


def verify_claims(
    settings: Settings, session: Session, claims: Sequence[tuple[Claim, Article | None]]
) -> list[Verdict]:
    """Fresh verdicts for these claims, replacing older ones (caller commits)."""
    check = verifier(settings, session)
    ids = [claim.id for claim, _article in claims]
    if ids:
        for old in session.exec(select(Verdict).where(col(Verdict.claim_id).in_(ids))).all():
            session.delete(old)
    verdicts = []
    for claim, article in claims:
        draft = check.verify(claim_facts(claim, article))
        verdict = Verdict(
            claim_id=claim.id,
            status=draft.status,
            hub_value=draft.hub_value,
            scope=draft.scope,
            as_of=draft.as_of,
            reason=draft.reason[:1000],
            repo=draft.repo,
            hub_field=draft.hub_field,
        )
        session.add(verdict)
        verdicts.append(verdict)
    return verdicts


def verify_new_claims(settings: Settings, engine: Engine, batch: int = 500) -> int:
    """Verdicts for every claim that has none yet; returns how many were written."""
    written = 0
    with Session(engine) as session:
        while True:
            judged = select(Verdict.claim_id)
            rows = session.exec(
                select(Claim, Article)
                .join(Article, col(Article.id) == col(Claim.article_id), isouter=True)
                .where(col(Claim.id).not_in(judged))
                .order_by(col(Claim.id))
                .limit(batch)
            ).all()
            if not rows:
                return written
            verify_claims(settings, session, list(rows))
            session.commit()
            written += len(rows)
