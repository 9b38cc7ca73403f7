"""Hub snapshots in the database: writing a listing, reading snapshots back as plain data.

A listing is written whole, complete or not, so nothing the Hub sent is lost;
only complete runs are read back for rankings, alerts and verdicts. Rows go in
with one bulk insert per run (thousands of models an hour, for months). Each
model's latest figures and metadata (creation date, when it was first seen and
when it vanished) are kept in ``hub_models``, which `/model` and autocomplete read.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import insert, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select

from bot.core.hub import Listing
from bot.core.outbox import OutboxKind
from bot.hub.health import HubRun
from bot.hub.snapshots import Figures, Snapshot
from bot.store.models import HubModel, HubSnapshot, HubSnapshotRun, OutboxMessage


def save_listing(session: Session, listing: Listing, cause: str | None = None) -> HubSnapshotRun:
    """Store one listing as a snapshot run; a complete one also refreshes ``hub_models``.

    The caller commits, in the same transaction as the alerts derived from the run,
    so a crash can never leave a stored run whose alerts were not raised.

    An incomplete run's ``error`` is its ``cause`` (one line, see
    :func:`bot.hub.health.hub_cause`) followed by the listing's failures, one line each
    (:attr:`bot.core.hub.HubError.line`):
    `status` and `/status` read the first line, and the cause is kept as it was
    said at the time (with the endpoint of the time), not re-derived later.
    """
    taken_at = listing.started_at
    errors = "\n".join([cause, *listing.errors] if cause else listing.errors)
    run = HubSnapshotRun(
        started_at=taken_at,
        finished_at=listing.finished_at,
        authors=list(listing.authors),
        models=len(listing.models),
        requests=listing.requests,
        complete=listing.complete,
        error=errors[:2000] or None,
    )
    session.add(run)
    session.flush()
    if listing.models:
        session.execute(
            insert(HubSnapshot),
            [
                {
                    "run_id": run.id,
                    "model_id": m.repo_id,
                    "author": m.author,
                    "taken_at": taken_at,
                    "downloads_30d": m.downloads_30d,
                    "downloads_all_time": m.downloads_all_time,
                    "likes": m.likes,
                    "trending_score": m.trending_score,
                }
                for m in listing.models
            ],
        )
    if listing.complete:
        _refresh_latest(session, listing, run)
    return run


def _refresh_latest(session: Session, listing: Listing, run: HubSnapshotRun) -> None:
    taken_at = listing.started_at
    rows = [
        {
            "model_id": m.repo_id,
            "author": m.author,
            "pipeline_tag": m.pipeline_tag,
            "library_name": m.library_name,
            "created_at": m.created_at,
            "last_modified": m.last_modified,
            "first_seen_at": taken_at,
            "last_seen_at": taken_at,
            "last_run_id": run.id,
            "gone_at": None,
            "downloads_30d": m.downloads_30d,
            "downloads_all_time": m.downloads_all_time,
            "likes": m.likes,
            "trending_score": m.trending_score,
        }
        for m in listing.models
    ]
    if rows:
        # one upsert: two overlapping jobs that both meet a new model cannot collide
        dialect = session.get_bind().dialect.name
        upsert = postgresql_insert if dialect == "postgresql" else sqlite_insert
        statement = upsert(HubModel)
        kept = {"model_id", "first_seen_at"}
        statement = statement.on_conflict_do_update(
            index_elements=["model_id"],
            set_={name: statement.excluded[name] for name in rows[0] if name not in kept},
        )
        session.execute(statement, rows)
    # Models of a listed author that the listing no longer holds are gone (deleted,
    # renamed or made private); they stay in the history, marked.
    seen = {m.repo_id for m in listing.models}
    gone = [
        model_id
        for model_id, author in session.exec(
            select(HubModel.model_id, HubModel.author).where(col(HubModel.gone_at).is_(None))
        ).all()
        if model_id not in seen and (author in listing.authors or model_id in listing.missing_repos)
    ]
    if gone:
        session.execute(
            update(HubModel).where(col(HubModel.model_id).in_(gone)).values(gone_at=taken_at)
        )


def latest_complete(session: Session) -> HubSnapshotRun | None:
    statement = (
        select(HubSnapshotRun)
        .where(col(HubSnapshotRun.complete).is_(True))
        .order_by(col(HubSnapshotRun.started_at).desc(), col(HubSnapshotRun.id).desc())
        .limit(1)
    )
    return session.exec(statement).first()


def latest_run(session: Session) -> HubSnapshotRun | None:
    statement = select(HubSnapshotRun).order_by(col(HubSnapshotRun.id).desc()).limit(1)
    return session.exec(statement).first()


def run_cause(run: HubSnapshotRun | None) -> str | None:
    """Why a stored run is incomplete, in one line (None for a complete run or none).

    The first line of its ``error``; a run stored before causes were written has
    its errors joined by "; " on that line, which still names the cause.
    """
    if run is None or run.complete or not run.error:
        return None
    return run.error.split("\n", 1)[0]


def health_runs(session: Session, run: HubSnapshotRun) -> list[HubRun]:
    """The runs :func:`bot.hub.health.hub_health_event` judges after ``run``, oldest first:
    the last complete run before it, every run since, and ``run`` itself last.

    Only ``run`` carries its cause: an outage of weeks is hundreds of runs, and
    only their times and outcomes matter.
    """
    last_good = session.exec(
        select(HubSnapshotRun.started_at)
        .where(
            col(HubSnapshotRun.complete).is_(True),
            col(HubSnapshotRun.started_at) < run.started_at,
            col(HubSnapshotRun.id) != run.id,
        )
        .order_by(col(HubSnapshotRun.started_at).desc())
        .limit(1)
    ).first()
    statement = select(HubSnapshotRun.id, HubSnapshotRun.started_at, HubSnapshotRun.complete).where(
        col(HubSnapshotRun.started_at) <= run.started_at, col(HubSnapshotRun.id) != run.id
    )
    if last_good is not None:
        statement = statement.where(col(HubSnapshotRun.started_at) >= last_good)
    rows = session.exec(
        statement.order_by(col(HubSnapshotRun.started_at), col(HubSnapshotRun.id))
    ).all()
    earlier = [HubRun(run_id, started_at, complete) for run_id, started_at, complete in rows]
    return [*earlier, HubRun(run.id or 0, run.started_at, run.complete, run_cause(run))]


def hub_health_keys(session: Session) -> set[str]:
    """The outbox keys of every Hub-health message already queued (a few per outage)."""
    rows = session.exec(
        select(OutboxMessage.dedupe_key).where(col(OutboxMessage.kind) == OutboxKind.HUB_HEALTH)
    ).all()
    return set(rows)


def complete_at_or_before(session: Session, moment: datetime) -> HubSnapshotRun | None:
    statement = (
        select(HubSnapshotRun)
        .where(col(HubSnapshotRun.complete).is_(True), col(HubSnapshotRun.started_at) <= moment)
        .order_by(col(HubSnapshotRun.started_at).desc())
        .limit(1)
    )
    return session.exec(statement).first()


def recent_complete(
    session: Session, limit: int, before: datetime | None = None
) -> list[HubSnapshotRun]:
    """The last ``limit`` complete runs (optionally before a moment), oldest first."""
    statement = select(HubSnapshotRun).where(col(HubSnapshotRun.complete).is_(True))
    if before is not None:
        statement = statement.where(col(HubSnapshotRun.started_at) < before)
    statement = statement.order_by(col(HubSnapshotRun.started_at).desc()).limit(limit)
    return list(reversed(session.exec(statement).all()))


def load_snapshot(session: Session, run: HubSnapshotRun) -> Snapshot:
    """A run's rows as plain data (creation dates from ``hub_models``)."""
    return load_snapshots(session, [run])[0]


def load_snapshots(session: Session, runs: Sequence[HubSnapshotRun]) -> list[Snapshot]:
    if not runs:
        return []
    ids = [run.id for run in runs]
    rows = session.execute(
        select(
            HubSnapshot.run_id,
            HubSnapshot.model_id,
            HubSnapshot.author,
            HubSnapshot.downloads_all_time,
            HubSnapshot.downloads_30d,
            HubSnapshot.likes,
            HubSnapshot.trending_score,
        ).where(col(HubSnapshot.run_id).in_(ids))
    ).all()
    created = _created_dates(session, {row[1] for row in rows})
    by_run: dict[int, dict[str, Figures]] = {run_id: {} for run_id in ids}
    for run_id, model_id, author, all_time, d30, likes, trending in rows:
        by_run[run_id][model_id] = Figures(
            model_id, author, all_time, d30, likes, trending, created.get(model_id)
        )
    return [
        Snapshot(run.id, run.started_at, frozenset(run.authors), by_run[run.id]) for run in runs
    ]


def _created_dates(session: Session, model_ids: Iterable[str]) -> dict[str, datetime]:
    wanted = set(model_ids)
    if not wanted:
        return {}
    rows = session.execute(
        select(HubModel.model_id, HubModel.created_at).where(
            col(HubModel.created_at).is_not(None), col(HubModel.model_id).in_(wanted)
        )
    ).all()
    return dict(rows)


def last_alerted(session: Session, since: datetime) -> dict[str, datetime]:
    """When each cooldown subject (``surge:Qwen``, ``overtake:d30:A:B``) was last announced."""
    rows = session.exec(
        select(OutboxMessage.dedupe_key, OutboxMessage.created_at).where(
            col(OutboxMessage.kind).in_([OutboxKind.SURGE, OutboxKind.OVERTAKE]),
            col(OutboxMessage.created_at) >= since,
        )
    ).all()
    latest: dict[str, datetime] = {}
    for key, created in rows:
        subject = key.rsplit(":", 1)[0]  # the key ends with the run id
        if subject not in latest or created > latest[subject]:
            latest[subject] = created
    return latest


class SnapshotLookup:
    """The complete snapshots just before and just after a moment, loaded once each.

    The verifier asks for many moments (one per claim); each run is read from the
    database at most once per lookup object.
    """

    def __init__(self, session: Session) -> None:
        self.session = session
        self._loaded: dict[int, Snapshot] = {}

    def _snapshot(self, run: HubSnapshotRun | None) -> Snapshot | None:
        if run is None or run.id is None:
            return None
        if run.id not in self._loaded:
            self._loaded[run.id] = load_snapshot(self.session, run)
        return self._loaded[run.id]

    def __call__(self, moment: datetime) -> tuple[Snapshot | None, Snapshot | None]:
        before = complete_at_or_before(self.session, moment)
        after = self.session.exec(
            select(HubSnapshotRun)
            .where(col(HubSnapshotRun.complete).is_(True), col(HubSnapshotRun.started_at) > moment)
            .order_by(col(HubSnapshotRun.started_at))
            .limit(1)
        ).first()
        return self._snapshot(before), self._snapshot(after)


def repos_of(session: Session, authors: Iterable[str]) -> dict[str, list[str]]:
    """The repo ids the snapshots hold for each author (gone ones left out)."""
    wanted = sorted(set(authors))
    if not wanted:
        return {}
    rows = session.exec(
        select(HubModel.author, HubModel.model_id).where(
            col(HubModel.author).in_(wanted), col(HubModel.gone_at).is_(None)
        )
    ).all()
    owned: dict[str, list[str]] = {}
    for author, model_id in rows:
        owned.setdefault(author, []).append(model_id)
    return owned
