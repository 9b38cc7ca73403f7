"""Rankings of families, authors and models, from the latest complete snapshot.

Plain functions over :mod:`bot.hub.snapshots` records: the CLI, the slash command
and the digest all call :func:`rank`. Growth over a period is the difference of
all-time downloads between two of trendbot's own snapshots (the Hub keeps no
history, and 30-day figures must never be added up). Data older than two
snapshot intervals is marked stale, with its age, rather than shown as current.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from bot.config.durations import format_duration
from bot.config.schema import FamilySettings
from bot.hub.snapshots import (
    Figures,
    Snapshot,
    members,
    model_growth,
    model_scope,
    scope_text,
)
from bot.time_text import distance


class By(StrEnum):
    FAMILY = "family"
    AUTHOR = "author"
    MODEL = "model"


class Metric(StrEnum):
    ALLTIME = "alltime"
    D30 = "30d"
    LIKES = "likes"
    TRENDING = "trending"
    GROWTH = "growth"


METRIC_LABELS = {
    Metric.ALLTIME: "all-time downloads",
    Metric.D30: "downloads, last 30 days",
    Metric.LIKES: "likes",
    Metric.TRENDING: "trending score",
    Metric.GROWTH: "downloads gained",
}


@dataclass(frozen=True)
class Row:
    rank: int
    name: str
    value: float
    scope: str
    repos: int


@dataclass(frozen=True)
class Ranking:
    by: By
    metric: Metric
    rows: list[Row]
    as_of: datetime | None
    period: timedelta | None = None
    since: datetime | None = None  # the baseline snapshot growth is measured from
    stale: str | None = None  # "data is 3 hours old" when older than two intervals
    notes: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        text = METRIC_LABELS[self.metric]
        if self.metric is Metric.GROWTH and self.period is not None:
            text += f" over {distance(self.period)}"
        return text


def _value(model: Figures, metric: Metric) -> float:
    if metric is Metric.ALLTIME:
        return model.all_time or 0
    if metric is Metric.D30:
        return model.d30
    if metric is Metric.LIKES:
        return model.likes
    if metric is Metric.TRENDING:
        return model.trending or 0
    raise ValueError(metric)


def _groups(
    current: Snapshot, by: By, families: Mapping[str, FamilySettings]
) -> dict[str, tuple[list[Figures], str]]:
    if by is By.FAMILY:
        out = {}
        for name, family in families.items():
            found = members(current, family)
            if found:
                out[name] = (found, scope_text(family, len(found)))
        return out
    if by is By.AUTHOR:
        by_author: dict[str, list[Figures]] = {}
        for model in current.models.values():
            by_author.setdefault(model.author, []).append(model)
        return {
            author: (found, scope_text(FamilySettings(authors=[author]), len(found)))
            for author, found in by_author.items()
        }
    return {m.repo_id: ([m], model_scope(m.repo_id)) for m in current.models.values()}


def rank(
    current: Snapshot | None,
    *,
    by: By = By.FAMILY,
    metric: Metric = Metric.ALLTIME,
    families: Mapping[str, FamilySettings],
    limit: int = 10,
    baseline: Snapshot | None = None,
    period: timedelta | None = None,
    now: datetime,
    interval: timedelta,
) -> Ranking:
    """Rank families, authors or models by one metric at the latest complete snapshot.

    ``baseline`` is the snapshot growth is measured from (the latest one taken at
    or before ``current.taken_at - period``); without it a growth ranking is empty
    and says why.
    """
    if current is None:
        return Ranking(by, metric, [], None, period, notes=["no complete Hub snapshot yet"])
    notes: list[str] = []
    stale = None
    age = now - current.taken_at
    if age > 2 * interval:
        stale = f"data is {distance(age)} old (a snapshot is due every {format_duration(interval)})"
    growth: dict[str, int] | None = None
    if metric is Metric.GROWTH:
        if baseline is None:
            want = distance(period) if period else "the period"
            notes.append(f"no snapshot old enough to measure growth over {want}")
            return Ranking(by, metric, [], current.taken_at, period, None, stale, notes)
        growth = model_growth(current, baseline, notes)
        if period is not None and current.taken_at - baseline.taken_at < period * 0.9:
            span = distance(current.taken_at - baseline.taken_at)
            notes.append(f"history covers only {span}")
    scored = []
    for name, (found, scope) in _groups(current, by, families).items():
        if growth is not None:
            counted = [m for m in found if m.repo_id in growth]
            if not counted:
                continue
            value = float(sum(growth[m.repo_id] for m in counted))
        else:
            value = float(sum(_value(m, metric) for m in found))
        scored.append((value, name, scope, len(found)))
    scored.sort(key=lambda item: (-item[0], item[1].lower()))
    rows = [
        Row(rank=i, name=name, value=value, scope=scope, repos=repos)
        for i, (value, name, scope, repos) in enumerate(scored[:limit], start=1)
    ]
    return Ranking(
        by,
        metric,
        rows,
        current.taken_at,
        period,
        baseline.taken_at if baseline else None,
        stale,
        notes,
    )
