"""Rankings over plain snapshots: groupings, metrics, growth, staleness."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.config.schema import FamilySettings
from bot.hub.rankings import By, Metric, rank
from bot.hub.snapshots import Figures, Snapshot, model_growth

NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)
HOUR = timedelta(hours=1)
FAMILIES = {
    "Qwen": FamilySettings(authors=["Qwen"]),
    "GLM": FamilySettings(authors=["zai-org", "THUDM"]),
}


def snap(at: datetime, rows: list[tuple], run_id: int = 1) -> Snapshot:
    """rows: (repo, all_time, d30, likes, trending, created_at)"""
    models = {}
    for repo, all_time, d30, likes, trending, *created in rows:
        models[repo] = Figures(
            repo,
            repo.split("/")[0],
            all_time,
            d30,
            likes,
            trending,
            created[0] if created else None,
        )
    return Snapshot(run_id, at, frozenset({"Qwen", "zai-org", "THUDM"}), models)


CURRENT = snap(
    NOW,
    [
        ("Qwen/a", 500, 50, 7, 1.0),
        ("Qwen/b", 100, 60, 1, 9.0),
        ("zai-org/glm", 300, 5, 20, 2.0),
        ("THUDM/chatglm", 350, 1, 3, 0.0),
    ],
)


def ranked(**kw):
    kw.setdefault("families", FAMILIES)
    return rank(CURRENT, now=NOW, interval=HOUR, **kw)


def test_families_sum_their_authors_and_state_the_scope():
    result = ranked(by=By.FAMILY, metric=Metric.ALLTIME)
    assert [(r.rank, r.name, r.value) for r in result.rows] == [(1, "GLM", 650), (2, "Qwen", 600)]
    assert result.rows[0].scope == "Hugging Face, authors zai-org + THUDM, 2 repos"
    assert result.stale is None and result.label == "all-time downloads"


def test_each_metric_and_grouping():
    assert [r.name for r in ranked(by=By.FAMILY, metric=Metric.D30).rows] == ["Qwen", "GLM"]
    assert [r.name for r in ranked(by=By.AUTHOR, metric=Metric.LIKES).rows] == [
        "zai-org",
        "Qwen",
        "THUDM",
    ]
    models = ranked(by=By.MODEL, metric=Metric.TRENDING, limit=2)
    assert [(r.name, r.value) for r in models.rows] == [("Qwen/b", 9.0), ("zai-org/glm", 2.0)]
    assert models.rows[0].scope == "Hugging Face, repo Qwen/b"


def test_growth_is_a_difference_of_all_time_downloads_between_snapshots():
    week_ago = NOW - timedelta(days=7)
    baseline = snap(
        week_ago,
        [
            ("Qwen/a", 450, 999, 0, 0),  # 30-day figures are never added up
            ("Qwen/b", 95, 999, 0, 0),
            ("zai-org/glm", 290, 0, 0, 0),
            ("THUDM/chatglm", 349, 0, 0, 0),
            ("Qwen/deleted", 1000, 0, 0, 0),
        ],
    )
    result = ranked(metric=Metric.GROWTH, baseline=baseline, period=timedelta(days=7))
    assert [(r.name, r.value) for r in result.rows] == [("Qwen", 55), ("GLM", 11)]
    assert result.since == week_ago
    assert result.label == "downloads gained over 7 days"
    assert "1 repo(s) gone since the baseline are left out" in result.notes


def test_models_new_since_the_baseline():
    baseline = snap(NOW - timedelta(days=7), [("Qwen/a", 450, 0, 0, 0)])
    current = snap(
        NOW,
        [
            ("Qwen/a", 500, 0, 0, 0),
            ("Qwen/fresh", 80, 0, 0, 0, NOW - timedelta(days=2)),  # created in the period
            ("Qwen/old", 900, 0, 0, 0, NOW - timedelta(days=400)),  # only just listed
        ],
    )
    notes: list[str] = []
    assert model_growth(current, baseline, notes) == {"Qwen/a": 50, "Qwen/fresh": 80}
    assert notes == ["1 repo(s) first seen since the baseline are left out"]


def test_growth_without_enough_history_says_so():
    result = ranked(metric=Metric.GROWTH, baseline=None, period=timedelta(days=30))
    assert result.rows == []
    assert result.notes == ["no snapshot old enough to measure growth over 30 days"]


def test_old_data_is_marked_stale_with_its_age():
    result = rank(CURRENT, families=FAMILIES, now=NOW + timedelta(hours=5), interval=HOUR)
    assert result.stale == "data is 5 h old (a snapshot is due every 1h)"
    assert rank(None, families=FAMILIES, now=NOW, interval=HOUR).notes == [
        "no complete Hub snapshot yet"
    ]
