"""Alert rules on plain snapshots: thresholds, surges, new models, baselines."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.config.schema import HubSettings
from bot.hub.alerts import detect, is_surge, new_models, thresholds_between
from bot.hub.snapshots import Figures, Snapshot

M = 1_000_000
LISTED = [100 * M, 250 * M, 500 * M, 700 * M, 1000 * M]
NOW = datetime(2026, 2, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("low", "high", "expected"),
    [
        (690 * M, 702 * M, [700 * M]),
        (700 * M, 702 * M, []),  # reaching a threshold exactly counts once, on the way up
        (90 * M, 600 * M, [100 * M, 250 * M, 500 * M]),
        (990 * M, 1260 * M, [1000 * M, 1250 * M]),  # every 250M after the last listed one
        (1250 * M, 1499 * M, []),
        (1251 * M, 2000 * M, [1500 * M, 1750 * M, 2000 * M]),
        (800 * M, 700 * M, []),  # a drop (repos deleted) is not a milestone
    ],
)
def test_thresholds_between(low, high, expected):
    assert thresholds_between(low, high, LISTED, 250 * M) == expected


def test_only_the_highest_of_several_thresholds_crossed_at_once_is_announced():
    hub = HubSettings(authors=["Qwen"], model_milestones=[10 * M, 100 * M])
    families = hub.effective_families()
    before = Snapshot(1, NOW, frozenset({"Qwen"}), {"Qwen/a": Figures("Qwen/a", "Qwen", 90 * M, 0)})
    after = Snapshot(
        2,
        NOW + timedelta(hours=1),
        frozenset({"Qwen"}),
        {"Qwen/a": Figures("Qwen/a", "Qwen", 260 * M, 0)},
    )
    alerts = detect(before, after, [before], families, hub, {})
    assert [(a.subject, a.key) for a in alerts] == [
        ("Qwen", "milestone:Qwen:250000000"),
        ("Qwen/a", "milestone:Qwen/a:200000000"),  # every 100M after the last listed
    ]


def test_no_alert_without_a_previous_snapshot():
    hub = HubSettings(authors=["Qwen"])
    current = Snapshot(1, NOW, frozenset({"Qwen"}), {"Qwen/a": Figures("Qwen/a", "Qwen", 9e9, 0)})
    assert detect(None, current, [], hub.effective_families(), hub, {}) == []


def test_surge_statistic():
    steady = [1000.0, 1100, 900, 1000, 1050, 950, 1000, 1020]
    assert not is_surge([*steady, 1150], sigma=3, min_history=8)  # mean 1002, sd 55
    assert is_surge([*steady, 5000], sigma=3, min_history=8)
    assert not is_surge([*steady[:5], 5000], sigma=3, min_history=8)  # too little history
    # a perfectly flat series still needs a real jump: the deviation floor is sqrt(mean)
    assert not is_surge([100.0] * 8 + [120], sigma=3, min_history=8)
    assert is_surge([100.0] * 8 + [140], sigma=3, min_history=8)


def test_an_old_model_climbing_into_the_top_n_is_not_a_new_model():
    previous = Snapshot(
        1,
        NOW,
        frozenset({"Qwen"}),
        {
            "Qwen/a": Figures("Qwen/a", "Qwen", 1, 50),
            "Qwen/old": Figures("Qwen/old", "Qwen", 1, 1, created_at=NOW - timedelta(days=300)),
        },
    )
    current = Snapshot(
        2,
        NOW + timedelta(hours=1),
        frozenset({"Qwen"}),
        {
            "Qwen/a": Figures("Qwen/a", "Qwen", 1, 50),
            "Qwen/old": Figures("Qwen/old", "Qwen", 1, 90, created_at=NOW - timedelta(days=300)),
        },
    )
    assert new_models(previous, current, top_n=1) == []
