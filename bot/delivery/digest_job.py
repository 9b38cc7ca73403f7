"""Posting a digest: compose the period's digest and put it in the outbox, once per period.

A digest covers the time since the channel's previous digest (or one default
period for the first). The digest run row and the outbox row are written in one
transaction, and the run is unique per channel and period, so a rerun of the same
period (a restart, a retried job, an admin's `/digest now` racing the schedule)
finds the period taken and posts nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from bot.config.schema import Settings
from bot.delivery.digest import compose
from bot.delivery.messages import Draft, digest_payload
from bot.delivery.pictures import digest_pictures
from bot.store.models import DigestRun
from bot.store.outbox import enqueue_payload
from bot.store.queries import digest_data

DEFAULT_PERIOD = timedelta(days=1)
MIN_PERIOD = timedelta(minutes=10)


@dataclass(frozen=True)
class DigestOutcome:
    posted: bool
    start: datetime
    end: datetime
    key: str
    draft: Draft | None = None


def _minute(moment: datetime) -> datetime:
    """A recorded period ends at a whole minute; what is stored later in that minute is
    the next digest's (it starts here), so nothing falls between two digests."""
    return moment.astimezone(UTC).replace(second=0, microsecond=0)


def period_for(
    session: Session, channel_id: int, end: datetime, default: timedelta = DEFAULT_PERIOD
) -> tuple[datetime, datetime]:
    """Since the channel's last digest, or one default period back for the first."""
    last = session.exec(
        select(func.max(DigestRun.period_end)).where(col(DigestRun.channel_id) == channel_id)
    ).one()
    if last is not None and last.tzinfo is None:
        last = last.replace(tzinfo=UTC)
    if last is not None and last < end:
        return last, end
    # the first digest: a whole hour, so two racing first digests share their start
    return (end - default).replace(minute=0), end


def post_digest(
    settings: Settings,
    engine: Engine,
    end: datetime | None = None,
    *,
    route: str = "digest",
    default: timedelta = DEFAULT_PERIOD,
    period: timedelta | None = None,
) -> DigestOutcome:
    """Compose the digest up to ``end`` (a minute; default now) and enqueue it once.

    It covers the time since the channel's last digest, or exactly ``period`` back
    from ``end`` when one is given (an admin asking for "the last 7 days").
    """
    end = _minute(end or datetime.now(UTC))
    channel_id = settings.discord.channel_for(route) or 0  # 0: no channel yet, the terminal
    if period is not None:
        start = end - period
    else:
        with Session(engine) as session:
            start, end = period_for(session, channel_id, end, default)
    key = f"digest:{channel_id}:{start:%Y%m%dT%H%M}:{end:%Y%m%dT%H%M}"
    if end - start < MIN_PERIOD:  # the last digest was minutes ago: nothing to cover
        return DigestOutcome(False, start, end, key)
    data = replace(digest_data(settings, engine, start, end), zone=settings.schedule.timezone)
    with Session(engine) as session:
        pictures = tuple(digest_pictures(session, settings, data.ranking))
    draft = replace(compose(data), files=pictures)
    with Session(engine) as session:
        session.add(
            DigestRun(channel_id=channel_id, period_start=start, period_end=end, outbox_key=key)
        )
        try:
            session.flush()
        except IntegrityError:
            session.rollback()
            return DigestOutcome(False, start, end, key)
        added = enqueue_payload(
            session,
            key=key,
            record=digest_payload(draft),
            route=route,
            at=min(end, datetime.now(UTC)),  # due now, even for a period ending ahead
            discord=settings.discord,
        )
        session.commit()
    return DigestOutcome(added, start, end, key, draft)


def preview_digest(
    settings: Settings, engine: Engine, period: timedelta, now: datetime | None = None
) -> Draft:
    """The digest of the ``period`` up to ``now``, composed but not recorded (for --print).

    It ends at ``now`` itself, not at the start of the minute as a recorded digest
    does: that left out everything stored in the current minute, which is exactly
    when the crawl an admin just ran stored its articles (or the snapshot just
    taken). Nothing is recorded here, so no later digest depends on this end.
    """
    end = (now or datetime.now(UTC)).astimezone(UTC)
    data = digest_data(settings, engine, end - period, end)
    return compose(replace(data, zone=settings.schedule.timezone))
