"""`trendbot run`: the service, with Discord when a token is set, else on the terminal."""

from __future__ import annotations

import asyncio
import logging
import os
from pathlib import Path
from typing import Annotated

import typer

from bot.cli.app import app, fail, settings_of


@app.command("run")
def run(
    ctx: typer.Context,
    log_level: Annotated[
        str, typer.Option("--log-level", help="debug, info, warning or error")
    ] = "info",
) -> None:
    """Run the service: scheduler, crawler, Hub snapshots, digests and the Discord bot."""
    from bot.workers import start_forkserver

    start_forkserver()
    from bot.config.load import config_path
    from bot.service import run_service

    level = getattr(logging, log_level.upper(), None)
    if not isinstance(level, int):
        fail(f"trendbot run: unknown --log-level {log_level!r}", 2)
    logging.basicConfig(
        level=level,
        format="time=%(asctime)s level=%(levelname)s logger=%(name)s msg=%(message)s",
    )
    for noisy in ("discord", "apscheduler"):
        logging.getLogger(noisy).setLevel(max(level, logging.WARNING))
    settings = settings_of(ctx)
    path = Path(config_path(ctx.obj.get("config"), os.environ))
    token = os.environ.get(settings.discord.token_env) or None
    try:
        code = asyncio.run(run_service(settings, path, token))
    except Exception as exc:
        import discord

        if isinstance(exc, discord.LoginFailure):
            fail(f"trendbot run: Discord refused the token in ${settings.discord.token_env}")
        raise
    raise typer.Exit(code)
