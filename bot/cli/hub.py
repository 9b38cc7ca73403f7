"""`trendbot hub snapshot`, `trendbot rankings` and `trendbot claims`: the Hub from the terminal."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from bot.cli.app import app, fail, out, settings_of

if TYPE_CHECKING:
    from bot.hub.rankings import Ranking

hub_app = typer.Typer(help="Take Hugging Face Hub snapshots.", no_args_is_help=True)
app.add_typer(hub_app, name="hub")


@hub_app.command("snapshot")
def snapshot(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON summary object")] = False,
) -> None:
    """Take one snapshot of the tracked authors now; store it and raise its alerts.

    Exit status 1 when the snapshot is incomplete (it is still stored, for the record).
    """
    from bot.hub.job import take_snapshot
    from bot.store import open_database

    settings = settings_of(ctx)
    if not settings.hub.authors and not settings.hub.families:
        fail("trendbot hub snapshot: no hub.authors in the configuration; nothing to snapshot")
    engine = open_database(settings.database, write=True)
    try:
        report = take_snapshot(settings, engine)
    finally:
        engine.dispose()
    if as_json:
        print(json.dumps(report.as_json()))
    else:
        state = "complete" if report.complete else "INCOMPLETE"
        out.print(
            f"snapshot {state}: {report.authors} authors, {report.models:,} models, "
            f"{report.requests} requests to the Hub",
            markup=False,
        )
        for error in report.errors:
            out.print(f"  error: {error}", markup=False)
        for alert in report.alerts:
            out.print(f"  {alert.kind}: {alert.text}", markup=False)
        if report.verdicts:
            out.print(f"  {report.verdicts} new claim verdicts", markup=False)
    if not report.complete:
        raise typer.Exit(1)


def ranking_json(ranking: Ranking) -> dict:
    return {
        "by": ranking.by.value,
        "metric": ranking.metric.value,
        "label": ranking.label,
        "as_of": ranking.as_of.isoformat() if ranking.as_of else None,
        "since": ranking.since.isoformat() if ranking.since else None,
        "stale": ranking.stale,
        "notes": ranking.notes,
        "rows": [
            {
                "rank": row.rank,
                "name": row.name,
                "value": row.value,
                "repos": row.repos,
                "scope": row.scope,
            }
            for row in ranking.rows
        ],
    }


@app.command("rankings")
def rankings(
    ctx: typer.Context,
    by: Annotated[str, typer.Option("--by", help="family, author or model")] = "family",
    metric: Annotated[
        str, typer.Option("--metric", help="alltime, 30d, likes, trending or growth")
    ] = "alltime",
    period: Annotated[str, typer.Option("--period", help="growth period, e.g. 1d, 7d, 30d")] = "7d",
    limit: Annotated[int, typer.Option("--limit", min=1, max=1000, help="rows to show")] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON object")] = False,
    chart: Annotated[
        Path | None,
        typer.Option("--chart", help="also write the ranking as a PNG chart to this path"),
    ] = None,
) -> None:
    """Print Hub rankings by family, author or model, from the latest complete snapshot."""
    from bot.config.durations import parse_duration
    from bot.hub.rankings import By, Metric
    from bot.store import open_database
    from bot.store.queries import load_ranking

    if by not in {b.value for b in By}:
        fail(f"trendbot rankings: --by must be one of family, author, model (got {by!r})", 2)
    if metric not in {m.value for m in Metric}:
        fail(
            "trendbot rankings: --metric must be one of alltime, 30d, likes, trending, growth "
            f"(got {metric!r})",
            2,
        )
    try:
        window = parse_duration(period)
    except ValueError as exc:
        fail(f"trendbot rankings: --period: {exc}", 2)
    if window.total_seconds() <= 0:
        fail(f"trendbot rankings: --period must be longer than zero (got {period!r})", 2)
    settings = settings_of(ctx)
    engine = open_database(settings.database, create=False)
    try:
        from sqlmodel import Session

        with Session(engine) as session:
            ranking = load_ranking(session, settings, by, metric, window, limit)
            picture = None
            if chart is not None:
                from bot.delivery.pictures import ranking_picture

                picture = ranking_picture(session, settings, ranking, window)
        if chart is not None and picture is not None:
            try:
                chart.write_bytes(picture.data)
            except OSError as exc:
                fail(f"trendbot rankings: cannot write the chart to {chart}: {exc.strerror}")
    finally:
        engine.dispose()
    if as_json:
        print(json.dumps(ranking_json(ranking)))
        return
    print_ranking(ranking, settings.schedule.timezone)
    if chart is not None:
        out.print(f"chart written to {chart}", markup=False)


def print_ranking(ranking: Ranking, zone: str = "UTC") -> None:
    from bot.time_text import TimeText

    as_of = f" as of {TimeText.of(zone).at(ranking.as_of)} ({zone})" if ranking.as_of else ""
    table = Table(title=f"by {ranking.by.value}: {ranking.label}{as_of}", title_justify="left")
    for column, justify in (
        ("#", "right"),
        ("name", "left"),
        ("value", "right"),
        ("scope", "left"),
    ):
        table.add_column(column, justify=justify, overflow="fold")
    for row in ranking.rows:
        value = f"{row.value:,.0f}" if row.value == int(row.value) else f"{row.value:,.1f}"
        table.add_row(str(row.rank), row.name, value, row.scope)
    out.print(table)
    if ranking.stale:
        out.print(f"stale: {ranking.stale}", markup=False)
    for note in ranking.notes:
        out.print(f"note: {note}", markup=False)


@app.command("claims")
def claims(
    ctx: typer.Context,
    entity: Annotated[
        str | None, typer.Option("--entity", help="only claims about this model, lab or Hub id")
    ] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=10_000, help="claims to show")] = 50,
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON object per line")] = False,
) -> None:
    """List recent claims from the news with fresh verdicts against the Hub snapshots."""
    from sqlmodel import Session

    from bot.hub.job import verify_claims
    from bot.store import open_database
    from bot.store.queries import claim_json, claim_rows

    settings = settings_of(ctx)
    engine = open_database(settings.database, create=False)
    try:
        with Session(engine) as session:
            rows = claim_rows(session, entity, limit)
            verdicts = verify_claims(settings, session, rows)  # fresh, and stored
            session.commit()
            found = [
                claim_json(claim, article, verdict)
                for (claim, article), verdict in zip(rows, verdicts, strict=True)
            ]
    finally:
        engine.dispose()
    if as_json:
        for item in found:
            print(json.dumps(item))
        return
    if not found:
        out.print("no claims" + (f" about {entity}" if entity else ""), markup=False)
        return
    table = Table(title="claims", title_justify="left")
    for column in ("claim", "about", "metric", "verdict", "why"):
        table.add_column(column, overflow="fold")
    for item in found:
        table.add_row(
            item["text"],
            item["subject"] or "",
            item["metric"],
            item["verdict"]["status"],
            item["verdict"]["reason"],
        )
    out.print(table)
