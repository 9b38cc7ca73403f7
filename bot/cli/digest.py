"""`trendbot digest`: compose a digest and queue it for posting, or print it."""

from __future__ import annotations

import io
import json
from typing import Annotated

import typer

from bot.cli.app import app, fail, out, settings_of


@app.command("digest")
def digest(
    ctx: typer.Context,
    period: Annotated[
        str | None,
        typer.Option(
            "--period",
            help="cover this long back from now, e.g. 1d, 7d (default: "
            "since the last digest, or 1d)",
        ),
    ] = None,
    print_only: Annotated[
        bool, typer.Option("--print", help="print the digest here; record and post nothing")
    ] = False,
    as_json: Annotated[
        bool, typer.Option("--json", help="with --print: the draft as JSON")
    ] = False,
) -> None:
    """Compose the digest. Without --print it is queued once per period for the digest channel."""
    import asyncio

    from bot.config.durations import parse_duration
    from bot.delivery.digest_job import DEFAULT_PERIOD, post_digest, preview_digest
    from bot.delivery.messages import draft_payload, fit
    from bot.delivery.sender import ConsoleSink
    from bot.store import open_database
    from bot.time_text import TimeText

    try:
        window = parse_duration(period) if period else None
    except ValueError as exc:
        fail(f"trendbot digest: --period: {exc}", 2)
    settings = settings_of(ctx)
    engine = open_database(settings.database, create=not print_only, write=not print_only)
    try:
        if print_only:
            draft = preview_digest(settings, engine, window or DEFAULT_PERIOD)
            if as_json:
                print(json.dumps(draft_payload(draft)))
                return
            buffer = io.StringIO()
            sink = ConsoleSink(buffer)
            for part in fit(draft):
                asyncio.run(sink.send(None, "digest", part, ""))
            out.print(buffer.getvalue().rstrip("\n"), markup=False)
            return
        outcome = post_digest(settings, engine, period=window)
    finally:
        engine.dispose()
    times = TimeText.of(settings.schedule.timezone, outcome.end)
    span = f"{times.span(outcome.start, outcome.end)} ({times.zone_name})"
    if outcome.posted:
        out.print(f"digest for {span} queued for the digest channel ({outcome.key})", markup=False)
    else:
        out.print(f"digest for {span} was already queued; nothing to do", markup=False)
