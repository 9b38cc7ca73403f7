"""Hub snapshots as plain data, and what a family's figures are at one snapshot.

Rankings, alerts and verdicts all work on these records, never on database rows,
so they can be tested with small tables and reused by the CLI, the bot and the
demo alike. A figure always travels with its scope ("Hugging Face, author Qwen,
412 repos"): the Hub serves no organisation totals, so every total here is a sum
trendbot made itself, over the repos it saw.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

import humanize

from bot.config.schema import FamilySettings


@dataclass(frozen=True)
class Figures:
    """One model's figures at one snapshot."""

    repo_id: str
    author: str
    all_time: int | None
    d30: int
    likes: int = 0
    trending: float | None = None
    created_at: datetime | None = None


@dataclass(frozen=True)
class Snapshot:
    """One complete snapshot run: when, which authors, and every model seen."""

    run_id: int
    taken_at: datetime
    authors: frozenset[str]
    models: Mapping[str, Figures] = field(default_factory=dict)


@dataclass(frozen=True)
class FamilyFigures:
    """A family's sums at one snapshot, with the scope they cover."""

    name: str
    all_time: int
    d30: int
    likes: int
    trending: float
    repos: int
    scope: str


def members(snapshot: Snapshot, family: FamilySettings) -> list[Figures]:
    """The family's models in this snapshot: its authors' repos plus its extra repos."""
    authors = set(family.authors)
    found = [m for m in snapshot.models.values() if m.author in authors]
    seen = {m.repo_id for m in found}
    found += [snapshot.models[r] for r in family.repos if r in snapshot.models and r not in seen]
    return found


def covers(snapshot: Snapshot, family: FamilySettings) -> bool:
    """Whether the snapshot listed every author of the family (else its sum is partial)."""
    return set(family.authors) <= snapshot.authors


def scope_text(family: FamilySettings, repos: int) -> str:
    """'Hugging Face, author Qwen, 412 repos': what a family total is a sum of."""
    parts = ["Hugging Face"]
    if family.authors:
        label = "author" if len(family.authors) == 1 else "authors"
        parts.append(f"{label} {' + '.join(family.authors)}")
    extra = [r for r in family.repos if r.split("/", 1)[0] not in family.authors]
    if extra:
        parts.append(f"{len(extra)} extra repo{'s' if len(extra) != 1 else ''}")
    parts.append(repo_count(repos))
    return ", ".join(parts)


def repo_count(repos: int) -> str:
    return f"{repos:,} repo{'s' if repos != 1 else ''}"


def family_figures(snapshot: Snapshot, name: str, family: FamilySettings) -> FamilyFigures:
    found = members(snapshot, family)
    return FamilyFigures(
        name=name,
        all_time=sum(m.all_time or 0 for m in found),
        d30=sum(m.d30 for m in found),
        likes=sum(m.likes for m in found),
        trending=sum(m.trending or 0 for m in found),
        repos=len(found),
        scope=scope_text(family, len(found)),
    )


def families_at(
    snapshot: Snapshot, families: Mapping[str, FamilySettings]
) -> dict[str, FamilyFigures]:
    """Figures of every family the snapshot fully covers."""
    return {
        name: family_figures(snapshot, name, family)
        for name, family in families.items()
        if covers(snapshot, family)
    }


def model_scope(repo_id: str) -> str:
    return f"Hugging Face, repo {repo_id}"


def tracked_models(
    snapshot: Snapshot, families: Mapping[str, FamilySettings], top_n: int
) -> set[str]:
    """Models watched one by one: each author's top N by all-time downloads, plus every
    extra repo a family names. The rest are counted in their family only, so a large
    author does not flood the alerts channel with per-model news."""
    by_author: dict[str, list[Figures]] = {}
    for model in snapshot.models.values():
        by_author.setdefault(model.author, []).append(model)
    tracked: set[str] = set()
    for models in by_author.values():
        models.sort(key=lambda m: (-(m.all_time or 0), m.repo_id))
        tracked.update(m.repo_id for m in models[:top_n])
    for family in families.values():
        tracked.update(r for r in family.repos if r in snapshot.models)
    return tracked


def model_growth(
    current: Snapshot, baseline: Snapshot, notes: list[str] | None = None
) -> dict[str, int]:
    """All-time downloads gained per model between two snapshots.

    A model that appeared since the baseline counts all its downloads when it was
    created after the baseline (they all fall in the period) and is left out
    otherwise (it was only just seen: its gain is unknown). Models that vanished
    are left out. Both cases are counted in ``notes``.
    """
    growth: dict[str, int] = {}
    unknown = 0
    for repo_id, now in current.models.items():
        then = baseline.models.get(repo_id)
        if then is not None and then.all_time is not None and now.all_time is not None:
            growth[repo_id] = max(0, now.all_time - then.all_time)
        elif then is None and now.created_at and now.created_at >= baseline.taken_at:
            growth[repo_id] = now.all_time or 0
        else:
            unknown += 1
    gone = sum(1 for repo_id in baseline.models if repo_id not in current.models)
    if notes is not None:
        if unknown:
            notes.append(f"{unknown} repo(s) first seen since the baseline are left out")
        if gone:
            notes.append(f"{gone} repo(s) gone since the baseline are left out")
    return growth


def family_growth(
    previous: Snapshot,
    current: Snapshot,
    family: FamilySettings,
    growth: Mapping[str, int] | None = None,
) -> int:
    """Downloads a family really gained between two snapshots.

    Only growth counts: models present in both, plus models created since the
    earlier snapshot. A repo that reappears after a failed page, or one added to
    the family's configuration, changes the sum but is no news. ``growth`` is
    :func:`model_growth` of the same pair, when the caller already has it.
    """
    if growth is None:
        growth = model_growth(current, previous)
    return sum(growth.get(m.repo_id, 0) for m in members(current, family))


def nearest_before(snapshots: Iterable[Snapshot], moment: datetime) -> Snapshot | None:
    """The latest snapshot taken at or before ``moment``."""
    best = None
    for snapshot in snapshots:
        if snapshot.taken_at <= moment and (best is None or snapshot.taken_at > best.taken_at):
            best = snapshot
    return best


def words(value: float) -> str:
    """702400000 -> '702.4 million': figures as the news writes them."""
    if abs(value) < 1_000_000:
        return f"{value:,.0f}"
    return humanize.intword(int(value), "%.1f").replace(".0 ", " ")
