"""Charts of download trends and rankings, as PNG pictures for Discord and the terminal.

Built with matplotlib's Agg backend (no display) from plain records: a
:class:`History` (all-time downloads of a family or model at trendbot's complete
snapshots) or a :class:`~bot.hub.rankings.Ranking`. Pictures are made to be read in
Discord's dark and light themes alike: a transparent background, mid-grey text
and grid, saturated series colours. Every chart states its scope and data time
in its caption, and uses human units (702M, 1.2B). Too little data gives a
picture that says so, never an exception. Times (the date axis, the caption)
are shown in the caller's zone, ``schedule.timezone``, written by
:mod:`bot.time_text`, always with their day: a picture is posted, saved and
looked at later, without the date Discord gives a message. Rendering is CPU
work: callers on the event loop run it in a thread.
"""

from __future__ import annotations

import io
import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.hub.rankings import Ranking
from bot.time_text import TimeText

if TYPE_CHECKING:
    from matplotlib.figure import Figure

TEXT = "#8b95a1"  # mid grey: readable on Discord's #313338 and on white
GRID = "#8b95a1"
LINE = "#3b82f6"
BARS = "#22c55e"
MILESTONE = "#f59e0b"
UP, DOWN = "#22c55e", "#ef4444"
MAX_BYTES = 1_000_000


@dataclass(frozen=True)
class History:
    subject: str
    scope: str
    points: Sequence[tuple[datetime, int]]  # (snapshot time, all-time downloads), in order
    milestones: Sequence[int] = field(default_factory=tuple)


def human(value: float, _position: object = None) -> str:
    """702400000 -> '702.4M': axis labels as people read download counts."""
    for limit, suffix, digits in ((1e9, "B", 2), (1e6, "M", 1), (1e3, "K", 1)):
        if abs(value) >= limit:
            text = f"{value / limit:.{digits}f}".rstrip("0").rstrip(".")
            return f"{text}{suffix}"
    return f"{value:.0f}"


def _figure(width: float = 10, height: float = 5.2) -> Figure:
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height), dpi=100)
    figure.patch.set_alpha(0)
    return figure


def _style(axes) -> None:
    axes.set_facecolor("none")
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        axes.spines[side].set_color(GRID)
    axes.tick_params(colors=TEXT, labelsize=10)
    axes.yaxis.label.set_color(TEXT)
    axes.xaxis.label.set_color(TEXT)
    axes.title.set_color(TEXT)
    axes.grid(True, color=GRID, alpha=0.25, linewidth=0.8)


def _caption(figure: Figure, text: str) -> None:
    figure.text(0.01, 0.01, text, color=TEXT, fontsize=9, ha="left", va="bottom")


def _not_enough(title: str, reason: str, caption: str) -> Figure:
    figure = _figure(height=3)
    axes = figure.add_subplot()
    axes.set_axis_off()
    axes.text(0.5, 0.62, title, ha="center", va="center", fontsize=15, color=TEXT)
    axes.text(0.5, 0.38, reason, ha="center", va="center", fontsize=12, color=TEXT)
    _caption(figure, caption)
    return figure


def gains(points: Sequence[tuple[datetime, int]]) -> list[tuple[datetime, int]]:
    """Downloads per period from all-time figures: per day over more than three days of
    history, else per snapshot interval. Each bar sits at the end of its period."""
    if len(points) < 2:
        return []
    span = points[-1][0] - points[0][0]
    if span > timedelta(days=3):
        ends: dict = {}
        for moment, value in points:
            ends[moment.date()] = (moment, value)  # the last snapshot of each day
        points = list(ends.values())
    return [
        (later[0], max(0, later[1] - earlier[1])) for earlier, later in itertools.pairwise(points)
    ]


def history_figure(history: History, now: datetime, zone: str | ZoneInfo = "UTC") -> Figure:
    """All-time downloads as a line, downloads per period as bars, milestones as lines.

    Dates and times are shown in ``zone`` (``schedule.timezone``), read at ``now``.
    """
    title = f"{history.subject}: downloads on Hugging Face"
    if len(history.points) < 2:
        count = len(history.points)
        return _not_enough(
            title,
            f"Not enough history yet: {count} snapshot{'s' if count != 1 else ''}, "
            "at least 2 are needed",
            f"{history.scope} · trendbot's own snapshots",
        )
    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
    from matplotlib.ticker import FuncFormatter

    figure = _figure()
    top, bottom = figure.subplots(
        2, 1, sharex=True, gridspec_kw={"height_ratios": [3, 1.4], "hspace": 0.12}
    )
    times = [moment for moment, _ in history.points]
    values = [value for _, value in history.points]
    top.plot(times, values, color=LINE, linewidth=2.2, label="all-time downloads")
    low, high = min(values), max(values)
    margin = max((high - low) * 0.15, high * 0.01, 1)
    shown = [m for m in history.milestones if low - margin <= m <= high + margin]
    for milestone in shown:
        top.axhline(milestone, color=MILESTONE, linestyle="--", linewidth=1.2)
        top.text(
            times[0],
            milestone,
            f" {human(milestone)} milestone",
            color=MILESTONE,
            fontsize=9,
            va="bottom",
        )
    top.set_ylim(low - margin, high + margin)
    top.set_title(title, loc="left", fontsize=14, color=TEXT)
    top.set_ylabel("all-time downloads")
    per_period = gains(history.points)
    bar_times = [moment for moment, _ in per_period]
    bar_values = [value for _, value in per_period]
    daily = history.points[-1][0] - history.points[0][0] > timedelta(days=3)
    # each bar spans its period, ending where the period ends (widths in days)
    starts = [times[0], *bar_times[:-1]]
    widths = [(b - a).total_seconds() / 86400 for a, b in zip(starts, bar_times, strict=True)]
    lefts = [a + (b - a) * 0.1 for a, b in zip(starts, bar_times, strict=True)]
    bottom.bar(
        lefts, bar_values, width=[w * 0.8 for w in widths], align="edge", color=BARS, alpha=0.85
    )
    bottom.set_ylabel("per day" if daily else "per snapshot")
    for axes in (top, bottom):
        _style(axes)
        axes.yaxis.set_major_formatter(FuncFormatter(human))
    shown_at = TimeText.of(zone, now)
    locator = AutoDateLocator(tz=shown_at.zone)
    bottom.xaxis.set_major_locator(locator)
    bottom.xaxis.set_major_formatter(ConciseDateFormatter(locator, tz=shown_at.zone))
    _caption(
        figure,
        f"{history.scope} · {len(values)} snapshots by trendbot · "
        f"data as of {shown_at.dated(times[-1])}, now {shown_at.dated(now)} "
        f"({shown_at.zone_name})",
    )
    figure.subplots_adjust(left=0.1, right=0.97, top=0.9, bottom=0.14)
    return figure


def ranking_figure(
    ranking: Ranking,
    before: Mapping[str, float] | None = None,
    zone: str | ZoneInfo = "UTC",
    now: datetime | None = None,
) -> Figure:
    """Top N as horizontal bars, with the change since the previous period when known.

    The data time is shown in ``zone`` (``schedule.timezone``), read at ``now``
    (default: the clock).
    """
    if not ranking.rows:
        return _not_enough(
            f"Ranking by {ranking.by.value}: {ranking.label}",
            "Not enough data yet: " + ("; ".join(ranking.notes) or "no complete snapshot"),
            "Hugging Face · trendbot's own snapshots",
        )
    from matplotlib.ticker import FuncFormatter

    rows = list(ranking.rows)
    figure = _figure(height=max(3.0, 0.45 * len(rows) + 1.6))
    axes = figure.add_subplot()
    names = [row.name for row in rows][::-1]
    values = [row.value for row in rows][::-1]
    bars = axes.barh(names, values, color=LINE, alpha=0.9)
    largest = max(values) or 1
    for bar, row in zip(bars, rows[::-1], strict=True):
        label = human(row.value)
        colour = TEXT
        if before is not None and row.name not in before:
            label += "  (new)"
        elif before is not None:
            change = row.value - before[row.name]
            sign = "+" if change >= 0 else "-"
            label += f"  ({sign}{human(abs(change))})"
            colour = UP if change > 0 else (DOWN if change < 0 else TEXT)
        axes.text(
            bar.get_width() + largest * 0.01,
            bar.get_y() + bar.get_height() / 2,
            label,
            va="center",
            fontsize=10,
            color=colour,
        )
    axes.set_xlim(0, largest * 1.25)
    axes.xaxis.set_major_formatter(FuncFormatter(human))
    axes.set_title(
        f"Ranking by {ranking.by.value}: {ranking.label}", loc="left", fontsize=14, color=TEXT
    )
    _style(axes)
    axes.tick_params(axis="y", labelsize=10)
    shown_at = TimeText.of(zone, now)
    as_of = (
        f"{shown_at.dated(ranking.as_of)} ({shown_at.zone_name})" if ranking.as_of else "unknown"
    )
    change = " · change since the previous period in brackets" if before is not None else ""
    _caption(figure, f"Hugging Face, sums over each row's repos · data as of {as_of}{change}")
    figure.subplots_adjust(left=0.28, right=0.97, top=0.88, bottom=0.16)
    return figure


def png(figure: Figure) -> bytes:
    """The picture as PNG bytes (kept under Discord-friendly 1 MB)."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", transparent=True)
    data = buffer.getvalue()
    if len(data) > MAX_BYTES:  # a huge history: trade resolution for size
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", transparent=True, dpi=60)
        data = buffer.getvalue()
    return data
