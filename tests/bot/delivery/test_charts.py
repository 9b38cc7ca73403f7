"""Charts show exactly the stored figures, and say so when there is too little history."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from matplotlib.dates import num2date
from sqlmodel import Session

from bot.config.load import parse_settings
from bot.core.hub import Listing, ModelStats
from bot.delivery import pictures
from bot.delivery.charts import History, gains, history_figure, human, png, ranking_figure
from bot.hub.job import take_snapshot
from bot.store.queries import history, load_ranking
from bot.time_text import TimeText

T0 = datetime(2026, 6, 1, tzinfo=UTC)
SETTINGS = parse_settings(
    "hub:\n  authors: [Qwen, meta-llama]\n  families:\n    Qwen: {authors: [Qwen]}\n"
    "    Llama: {authors: [meta-llama]}\n"
)


def seed(engine, days: int = 10) -> list[tuple[datetime, int]]:
    expected = []
    for day in range(days):
        at = T0 + timedelta(days=day)
        a, b = 600_000_000 + day * 9_000_000, 50_000_000 + day * 1_000_000
        take_snapshot(
            SETTINGS,
            engine,
            Listing(
                authors=["Qwen", "meta-llama"],
                started_at=at,
                finished_at=at,
                models=[
                    ModelStats("Qwen/a", "Qwen", 1, a, 0, 0),
                    ModelStats("Qwen/b", "Qwen", 1, b, 0, 0),
                    ModelStats("meta-llama/x", "meta-llama", 1, 640_000_000 + day, 0, 0),
                ],
            ),
        )
        expected.append((at, a + b))
    return expected


def test_the_history_chart_plots_the_stored_figures(engine):
    expected = seed(engine)
    with Session(engine) as session:
        found = history(session, SETTINGS, "Qwen")
    assert found is not None and list(found.points) == expected
    assert found.scope == "Hugging Face, author Qwen, 2 repos"
    assert 700_000_000 in found.milestones
    figure = history_figure(found, T0 + timedelta(days=10))
    top, bottom = figure.axes
    line = top.lines[0]
    assert list(line.get_ydata()) == [value for _, value in expected]
    assert [num2date(x) for x in line.get_xdata(orig=False)] == [at for at, _ in expected]
    heights = [bar.get_height() for bar in bottom.patches]
    assert heights == [value for _, value in gains(expected)] == [10_000_000] * 9
    milestone_lines = [ln for ln in top.lines[1:] if list(ln.get_ydata()) == [700e6, 700e6]]
    assert milestone_lines  # the 700M line crossed in the period is drawn
    texts = " ".join(t.get_text() for t in figure.texts)
    assert "Hugging Face, author Qwen, 2 repos" in texts
    assert "data as of 10 Jun 00:00, now 11 Jun 00:00 (UTC)" in texts
    data = png(figure)
    assert data.startswith(b"\x89PNG") and len(data) < 1_000_000


def test_a_model_history_and_an_unknown_subject(engine):
    seed(engine, days=3)
    with Session(engine) as session:
        model = history(session, SETTINGS, "Qwen/b")
        assert history(session, SETTINGS, "Nobody") is None
    assert [v for _, v in model.points] == [50_000_000, 51_000_000, 52_000_000]
    assert model.scope == "Hugging Face, repo Qwen/b"


@pytest.mark.parametrize("points", [[], [(T0, 5)]])
def test_too_little_history_is_a_clear_picture_not_an_error(points):
    figure = history_figure(History("Qwen", "Hugging Face, author Qwen", points), T0)
    texts = [t.get_text() for ax in figure.axes for t in ax.texts]
    assert any(t.startswith("Not enough history yet") for t in texts)
    assert png(figure).startswith(b"\x89PNG")


def test_the_ranking_chart_plots_the_ranking(engine):
    seed(engine, days=2)
    with Session(engine) as session:
        ranking = load_ranking(session, SETTINGS)
    figure = ranking_figure(ranking, {"Qwen": 600e6})
    (axes,) = figure.axes
    widths = [bar.get_width() for bar in axes.patches][::-1]  # drawn bottom-up
    assert widths == [row.value for row in ranking.rows]
    labels = [t.get_text() for t in axes.texts]
    assert "(new)" in labels[0] or "(new)" in labels[1]  # Llama had no earlier figure
    assert any(label.startswith("660M  (+60M)") for label in labels)


def caption(figure) -> str:
    return " ".join(t.get_text() for t in figure.texts)


def test_the_history_chart_gives_its_times_in_the_configured_zone(engine):
    seed(engine)
    with Session(engine) as session:
        found = history(session, SETTINGS, "Qwen")
    # the last snapshot, 10 Jun 00:00 UTC, is 10 Jun 05:30 in Kolkata (no DST there)
    figure = history_figure(found, T0 + timedelta(days=10), "Asia/Kolkata")
    text = caption(figure)
    assert "data as of 10 Jun 05:30, now 11 Jun 05:30 (Asia/Kolkata)" in text
    assert "UTC" not in text
    # the date axis too: its ticks fall on Kolkata's midnights, not on UTC's
    _, bottom = figure.axes
    png(figure)  # drawn, so the ticks are placed
    kolkata = TimeText.of("Asia/Kolkata", T0).zone
    ticks = [num2date(tick, tz=kolkata) for tick in bottom.get_xticks()]
    assert ticks and all((t.hour, t.minute) == (0, 0) for t in ticks)


def test_the_ranking_chart_gives_its_data_time_in_the_configured_zone(engine):
    seed(engine, days=2)  # the newest snapshot: 2 Jun 00:00 UTC, 05:30 in Kolkata
    with Session(engine) as session:
        ranking = load_ranking(session, SETTINGS)
    text = caption(ranking_figure(ranking, None, "Asia/Kolkata", T0 + timedelta(days=10)))
    assert "data as of 2 Jun 05:30 (Asia/Kolkata)" in text and "UTC" not in text


def test_the_attached_charts_use_schedule_timezone(engine, monkeypatch):
    seed(engine, days=2)
    settings = SETTINGS.model_copy(
        update={"schedule": SETTINGS.schedule.model_copy(update={"timezone": "Asia/Kolkata"})}
    )
    zones = []

    def recording(figure):
        def record(*args):
            zones.append(args[2])
            return figure(*args)

        return record

    monkeypatch.setattr(pictures, "history_figure", recording(history_figure))
    monkeypatch.setattr(pictures, "ranking_figure", recording(ranking_figure))
    with Session(engine) as session:
        pictures.ranking_picture(session, settings, load_ranking(session, settings))
        assert pictures.history_picture(session, settings, "Qwen", days=100_000) is not None
    assert zones == ["Asia/Kolkata", "Asia/Kolkata"]


def test_human_units():
    assert [human(v) for v in (702_400_000, 1_250_000_000, 15_000, 999, 7e6)] == [
        "702.4M",
        "1.25B",
        "15K",
        "999",
        "7M",
    ]
