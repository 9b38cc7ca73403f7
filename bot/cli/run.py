"""`trendbot run`: the service, with Discord when a token is set, else on the terminal."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Annotated

import typer

from bot.cli.app import app, fail, settings_of

# Discord refused the token: only a new token helps, so the systemd unit does not
# restart on it (RestartPreventExitStatus= in deploy/trendbot.service).
EXIT_TOKEN_REFUSED = 4


@app.command("run")
def run(
    ctx: typer.Context,
    log_level: Annotated[
        str | None,
        typer.Option(
            "--log-level",
            help="debug, info, warning or error (default: $TRENDBOT_LOG_LEVEL, else info)",
        ),
    ] = None,
    log_json: Annotated[
        bool, typer.Option("--log-json", help="one JSON object per log line")
    ] = False,
) -> None:
    """Run the service: scheduler, crawler, Hub snapshots, digests and the Discord bot."""
    from bot.ingest.workers import start_forkserver

    start_forkserver()
    from sqlalchemy.engine import make_url

    from bot.config.load import config_path
    from bot.logs import setup_logging
    from bot.service import run_service

    settings = settings_of(ctx)
    token = os.environ.get(settings.discord.token_env) or None
    secrets = [token or "", os.environ.get(settings.hub.token_env) or ""]
    secrets.append(make_url(settings.database).password or "")
    try:
        setup_logging(
            log_level,
            True if log_json else None,
            secrets,
            configured_level=settings.logging.level,
            configured_format=settings.logging.format,
        )
    except ValueError as exc:
        fail(f"trendbot run: {exc}", 2)
    path = Path(config_path(ctx.obj.get("config"), os.environ))
    try:
        # Discord or the database away is waited out inside; what comes out is fatal
        code = asyncio.run(run_service(settings, path, token))
    except Exception as exc:
        import discord

        if isinstance(exc, discord.LoginFailure):
            fail(
                f"trendbot run: Discord refused the token in ${settings.discord.token_env}",
                EXIT_TOKEN_REFUSED,
            )
        if isinstance(exc, discord.DiscordException):  # e.g. intents the bot may not use
            from bot.store.db import error_line

            fail(f"trendbot run: Discord: {error_line(exc)}")
        raise
    raise typer.Exit(code)
