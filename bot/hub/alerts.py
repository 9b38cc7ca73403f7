"""Alerts from two consecutive complete snapshots: milestones, overtakes, new models, surges.

Pure functions: they compare plain snapshots and return drafts with a dedupe key.
The key is what makes each alert happen exactly once: the outbox refuses a second
message with the same key, across restarts. Keys therefore name the event, not
the run that noticed it (a milestone is ``milestone:Qwen:700000000`` whichever
snapshot sees it first).

Nothing is news at a subject's first snapshot: thresholds already behind a family
then are its baseline, and an author seen for the first time brings no "new" models.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import pairwise

from bot.config.schema import FamilySettings, HubSettings
from bot.hub.snapshots import (
    Snapshot,
    covers,
    families_at,
    family_growth,
    model_growth,
    nearest_before,
    repo_count,
    tracked_models,
    words,
)

NEW_MODEL_AGE = timedelta(days=30)  # "new" means created within the last 30 days


@dataclass(frozen=True)
class Alert:
    kind: str  # milestone | overtake | new_model | surge
    subject: str  # a family name or a repo id
    key: str  # the outbox dedupe key
    text: str
    data: dict = field(default_factory=dict, compare=False)


def thresholds_between(low: int, high: int, milestones: Sequence[int], step: int) -> list[int]:
    """Thresholds t with low < t <= high: the listed ones, then every multiple of ``step``
    above the last listed one (1.25B, 1.5B... after 1B with a 250M step)."""
    found = [t for t in milestones if low < t <= high]
    last = max(milestones) if milestones else 0
    if high > last and step > 0:
        first = (max(low, last) // step + 1) * step
        found += list(range(first, high + 1, step))
    return sorted(set(found))


def _week_gain(name: str, family, history: Sequence[Snapshot], current: Snapshot) -> str:
    """', +22 million this week' when a snapshot from about a week ago exists."""
    week_ago = nearest_before(history, current.taken_at - timedelta(days=7))
    if week_ago is None or current.taken_at - week_ago.taken_at > timedelta(days=8):
        return ""
    if name not in families_at(week_ago, {name: family}):
        return ""
    return f", +{words(family_growth(week_ago, current, family))} this week"


def milestones(
    previous: Snapshot,
    current: Snapshot,
    families: Mapping[str, FamilySettings],
    hub: HubSettings,
    history: Sequence[Snapshot] = (),
) -> list[Alert]:
    """A family or tracked model crossing an all-time threshold since the previous snapshot.

    When several thresholds are crossed at once only the highest is announced.
    """
    alerts = []
    before = families_at(previous, families)
    growth = model_growth(current, previous)
    for name, now in families_at(current, families).items():
        if name not in before:  # first snapshot of this family: its baseline
            continue
        # crossed by growth, not by a change of scope (a repo reappearing after a failed
        # page, a repo added to the family): those move the sum but are not news
        grown = family_growth(previous, current, families[name], growth)
        crossed = thresholds_between(
            now.all_time - grown, now.all_time, hub.milestones, hub.milestone_step
        )
        if not crossed:
            continue
        threshold = crossed[-1]
        gain = _week_gain(name, families[name], history, current)
        alerts.append(
            Alert(
                "milestone",
                name,
                f"milestone:{name}:{threshold}",
                f"{name} passed {words(threshold)} all-time downloads on Hugging Face "
                f"(now {words(now.all_time)} across {repo_count(now.repos)}{gain}).",
                {"threshold": threshold, "value": now.all_time, "scope": now.scope},
            )
        )
    for repo_id in sorted(tracked_models(current, families, hub.top_n)):
        now_model, then_model = current.models[repo_id], previous.models.get(repo_id)
        if then_model is None or then_model.all_time is None or now_model.all_time is None:
            continue
        crossed = thresholds_between(
            then_model.all_time,
            now_model.all_time,
            hub.model_milestones,
            hub.model_milestone_step,
        )
        if crossed:
            threshold = crossed[-1]
            alerts.append(
                Alert(
                    "milestone",
                    repo_id,
                    f"milestone:{repo_id}:{threshold}",
                    f"{repo_id} passed {words(threshold)} all-time downloads on Hugging Face "
                    f"(now {words(now_model.all_time)}).",
                    {"threshold": threshold, "value": now_model.all_time},
                )
            )
    return alerts


def overtakes(
    previous: Snapshot,
    current: Snapshot,
    families: Mapping[str, FamilySettings],
    last_alerted: Mapping[str, datetime],
    cooldown: timedelta,
) -> list[Alert]:
    """Family A passing family B in all-time or 30-day downloads.

    30-day figures of close families can swap back and forth; the same pair is
    not announced again within the cooldown.
    """
    before = families_at(previous, families)
    now = {k: v for k, v in families_at(current, families).items() if k in before}
    alerts = []
    for metric, label in (("all_time", "all-time"), ("d30", "30-day")):
        for a, fa in now.items():
            for b, fb in now.items():
                if a == b:
                    continue
                was_a, was_b = getattr(before[a], metric), getattr(before[b], metric)
                is_a, is_b = getattr(fa, metric), getattr(fb, metric)
                if not (was_a < was_b and is_a > is_b):
                    continue
                subject_key = f"overtake:{metric}:{a}:{b}"
                # a pair swapping back and forth is one story: either order counts
                times = [
                    last_alerted.get(subject_key),
                    last_alerted.get(f"overtake:{metric}:{b}:{a}"),
                ]
                if any(t is not None and current.taken_at - t < cooldown for t in times):
                    continue
                alerts.append(
                    Alert(
                        "overtake",
                        a,
                        f"{subject_key}:{current.run_id}",
                        f"{a} passed {b} in {label} downloads on Hugging Face "
                        f"({words(is_a)} vs {words(is_b)}).",
                        {"metric": metric, "other": b, "value": is_a, "other_value": is_b},
                    )
                )
    return alerts


def new_models(previous: Snapshot, current: Snapshot, top_n: int) -> list[Alert]:
    """A model created in the last 30 days entering its author's top N by 30-day downloads."""
    alerts = []
    by_author: dict[str, list] = {}
    for model in current.models.values():
        by_author.setdefault(model.author, []).append(model)
    before: dict[str, list] = {}
    for model in previous.models.values():
        before.setdefault(model.author, []).append(model)
    for author, models in by_author.items():
        if author not in previous.authors:
            continue  # the author's first snapshot: its models are the baseline
        models.sort(key=lambda m: (-m.d30, m.repo_id))
        earlier = sorted(before.get(author, []), key=lambda m: (-m.d30, m.repo_id))
        top_before = {m.repo_id for m in earlier[:top_n]}
        for position, model in enumerate(models[:top_n], start=1):
            fresh = model.created_at is not None and (
                current.taken_at - model.created_at <= NEW_MODEL_AGE
            )
            if model.repo_id in top_before or not fresh:
                continue
            alerts.append(
                Alert(
                    "new_model",
                    model.repo_id,
                    f"new_model:{model.repo_id}",
                    f"New from {author}: {model.repo_id} entered the author's top {top_n} "
                    f"on Hugging Face at #{position} ({words(model.d30)} downloads in 30 days).",
                    {"position": position, "d30": model.d30},
                )
            )
    return alerts


def is_surge(gains: Sequence[float], sigma: float, min_history: int) -> bool:
    """Whether the last gain rises above mean + sigma * sd of the ones before it.

    Downloads are counts, so their noise is at least Poisson-like: the deviation
    used is never below the square root of the mean, which keeps a perfectly
    steady series from calling its first small wobble a surge.
    """
    if len(gains) < min_history + 1:
        return False
    *past, last = gains
    mean = statistics.fmean(past)
    spread = max(statistics.pstdev(past), math.sqrt(mean), 1.0)
    return last > mean + sigma * spread


def surges(
    history: Sequence[Snapshot],
    current: Snapshot,
    families: Mapping[str, FamilySettings],
    hub: HubSettings,
    last_alerted: Mapping[str, datetime],
) -> list[Alert]:
    """Families and tracked models whose last gain is far above their recent ones."""
    snapshots = sorted([*history, current], key=lambda s: s.taken_at)
    alerts = []
    gains_of: dict[str, list[float]] = {}
    latest: set[str] = set()  # subjects with a gain between the last two snapshots
    for earlier, later in pairwise(snapshots):
        latest = set()
        hours = (later.taken_at - earlier.taken_at).total_seconds() / 3600
        if hours <= 0:
            continue
        growth = model_growth(later, earlier)  # once per pair, shared by every family
        for name, family in families.items():  # growth only: a repo reappearing is no surge
            if covers(earlier, family) and covers(later, family):
                gained = family_growth(earlier, later, family, growth)
                gains_of.setdefault(name, []).append(gained / hours)
                latest.add(name)
        for repo_id in tracked_models(later, families, hub.top_n):
            now_model, then_model = later.models[repo_id], earlier.models.get(repo_id)
            if then_model is None or then_model.all_time is None or now_model.all_time is None:
                continue
            gain = max(0, now_model.all_time - then_model.all_time) / hours
            gains_of.setdefault(repo_id, []).append(gain)
            latest.add(repo_id)
    for subject, gains in gains_of.items():
        if subject not in latest:  # no gain now, only older ones
            continue
        if gains[-1] < hub.surge.min_rate:
            continue
        if not is_surge(gains, hub.surge.sigma, hub.surge.min_history):
            continue
        last = last_alerted.get(f"surge:{subject}")
        if last is not None and current.taken_at - last < hub.surge.cooldown:
            continue
        past = gains[:-1]
        mean = statistics.fmean(past)
        alerts.append(
            Alert(
                "surge",
                subject,
                f"surge:{subject}:{current.run_id}",
                f"Download surge: {subject} gained {words(gains[-1])} downloads an hour on "
                f"Hugging Face since the last snapshot, against a recent average of "
                f"{words(mean)} an hour.",
                {"rate": gains[-1], "mean": mean},
            )
        )
    return alerts


def detect(
    previous: Snapshot | None,
    current: Snapshot,
    history: Sequence[Snapshot],
    families: Mapping[str, FamilySettings],
    hub: HubSettings,
    last_alerted: Mapping[str, datetime],
) -> list[Alert]:
    """Every alert the current snapshot raises, given the one before and older history.

    ``last_alerted`` maps subject keys (``surge:Qwen``, ``overtake:d30:A:B``) to the
    time they were last announced, for the cooldowns.
    """
    if previous is None:
        return []
    return [
        *milestones(previous, current, families, hub, history),
        *overtakes(previous, current, families, last_alerted, hub.surge.cooldown),
        *new_models(previous, current, hub.top_n),
        *surges(history, current, families, hub, last_alerted),
    ]
