"""`trendbot check-config`: validate a config file without running anything.

Problems exit 1 (and are printed by the CLI's error handler); warnings, such as
an admin role given by name or a Discord token with no channel to post to, are
printed on stderr in the same ``file:line:col: path: warning: ...`` shape but
leave the exit status at 0, since the configuration works as written.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from bot.cli.app import app, err, out


@app.command("check-config")
def check_config(
    ctx: typer.Context,
    path: Annotated[
        Path | None, typer.Argument(help="config file to check (default: the one in use)")
    ] = None,
) -> None:
    """Validate a config file and print every problem with its line and column."""
    from bot.config.load import DATABASE_ENV, config_path, load_checked
    from bot.store.db import display_url

    file = config_path(path or ctx.obj.get("config"))
    settings, warnings = load_checked(file)
    for warning in warnings:
        err.print(str(warning), markup=False)
    families = settings.hub.effective_families()
    enabled = sum(1 for feed in settings.feeds if feed.enabled)
    source = f" (from ${DATABASE_ENV})" if os.environ.get(DATABASE_ENV) else ""
    count = len(warnings)
    noted = f" ({count} warning{'s' if count != 1 else ''})" if warnings else ""
    out.print(f"{file}: OK{noted}", markup=False)
    out.print(f"  feeds: {len(settings.feeds)} ({enabled} enabled)", markup=False)
    out.print(
        f"  hub: {len(settings.hub.authors)} authors in {len(families)} families, "
        f"snapshots at {settings.hub.endpoint}",
        markup=False,
    )
    out.print(f"  database: {display_url(settings.database)}{source}", markup=False)
    token_env = settings.discord.token_env
    token_state = "set" if os.environ.get(token_env) else "not set: output goes to the terminal"
    out.print(f"  discord: token from ${token_env} ({token_state})", markup=False)
