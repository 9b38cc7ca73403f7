"""The `trendbot` command line (also `python -m bot`).

Every command that reads config.yaml or opens the database turns a bad file or an
unreachable database into one line per problem on stderr and exit status 1,
never a traceback. Commands whose feature has not been built yet say so and exit
with status 2 rather than pretending to work.
"""

from __future__ import annotations

import os
import sys
import traceback
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console

from bot import __version__
from bot.config import ConfigError, Settings, load_settings
from bot.config.load import CONFIG_ENV, DATABASE_ENV, config_path
from bot.store.db import DatabaseError, check_connection, create_db_engine, display_url
from bot.store.migrate import current_revision, head_revision, upgrade

EXIT_PROBLEM = 1
EXIT_UNAVAILABLE = 2

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

app = typer.Typer(
    name="trendbot",
    help="Watches AI news and Hugging Face Hub statistics, checks the claims, reports to Discord.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode=None,
)
db_app = typer.Typer(
    help="Database schema: create or upgrade it, show its revision.", no_args_is_help=True
)
app.add_typer(db_app, name="db")


def _version(value: bool) -> None:
    if value:
        out.print(f"trendbot {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    ctx: typer.Context,
    config: Annotated[
        Path | None,
        typer.Option(
            "--config",
            "-c",
            help=f"config file to use (default: ${CONFIG_ENV}, else ./config.yaml)",
            show_default=False,
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="print the version"),
    ] = False,
) -> None:
    ctx.obj = {"config": config}


def _settings(ctx: typer.Context, path: Path | None = None) -> Settings:
    return load_settings(path or ctx.obj.get("config"))


def _fail(message: str, code: int = EXIT_PROBLEM) -> NoReturn:
    err.print(message, markup=False)
    raise typer.Exit(code)


@app.command("check-config")
def check_config(
    ctx: typer.Context,
    path: Annotated[
        Path | None, typer.Argument(help="config file to check (default: the one in use)")
    ] = None,
) -> None:
    """Validate a config file and print every problem with its line and column."""
    file = config_path(path or ctx.obj.get("config"))
    settings = load_settings(file)
    families = settings.hub.effective_families()
    enabled = sum(1 for feed in settings.feeds if feed.enabled)
    source = f" (from ${DATABASE_ENV})" if os.environ.get(DATABASE_ENV) else ""
    out.print(f"{file}: OK", markup=False)
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


@db_app.command("upgrade")
def db_upgrade(ctx: typer.Context) -> None:
    """Create the database schema, or bring it up to the latest migration."""
    settings = _settings(ctx)
    engine = create_db_engine(settings.database)
    check_connection(engine)
    before, after = upgrade(engine)
    where = display_url(engine.url)
    if before == after:
        out.print(f"{where}: already at revision {after}", markup=False)
    else:
        out.print(
            f"{where}: upgraded from {before or 'an empty database'} to {after}", markup=False
        )


@db_app.command("status")
def db_status(ctx: typer.Context) -> None:
    """Show the database's schema revision against the latest one (exit 1 if behind)."""
    settings = _settings(ctx)
    engine = create_db_engine(settings.database)
    check_connection(engine)
    current, head = current_revision(engine), head_revision()
    where = display_url(engine.url)
    if current == head:
        out.print(f"{where}: at revision {current} (latest)", markup=False)
        return
    _fail(
        f"{where}: at revision {current or 'none (empty)'}, latest is {head}; "
        "run `trendbot db upgrade`"
    )


_NOT_YET = {
    "crawl": "Crawl the due feeds once and store new articles.",
    "feeds": "List, test and inspect feeds.",
    "extract": "Extract model, company and numeric-claim mentions from text or HTML files.",
    "hub": "Take Hugging Face Hub snapshots.",
    "rankings": "Print Hub rankings by family, author or model.",
    "digest": "Compose a digest, or print it with --print.",
    "run": "Run the service: scheduler, crawler, Hub snapshots and the Discord bot.",
    "demo": "Run the whole pipeline offline on bundled sample data.",
    "status": "Show last crawl, feed health, last snapshot and the outbox backlog.",
}


def _not_available(name: str, summary: str) -> None:
    def command(ctx: typer.Context) -> None:
        _fail(
            f"trendbot {name}: not available yet in trendbot {__version__}; nothing was done",
            EXIT_UNAVAILABLE,
        )

    command.__doc__ = f"{summary} [not available yet]"
    app.command(
        name,
        context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
    )(command)


for _name, _summary in _NOT_YET.items():
    _not_available(_name, _summary)


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the CLI, turning expected failures into one-line errors.

    Usage errors, --help and exit codes are handled by typer itself (standalone
    mode); what reaches here are trendbot's own errors.
    """
    try:
        app(args=argv, prog_name="trendbot")
    except ConfigError as exc:
        for problem in exc.problems:
            err.print(str(problem), markup=False)
        count = len(exc.problems)
        err.print(f"{count} problem{'s' if count != 1 else ''} in the configuration", markup=False)
        sys.exit(EXIT_PROBLEM)
    except DatabaseError as exc:
        err.print(f"trendbot: {exc}", markup=False)
        sys.exit(EXIT_PROBLEM)
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:  # a bug: say what it was in one line, unless debugging
        if os.environ.get("TRENDBOT_DEBUG"):
            traceback.print_exc()
        else:
            err.print(
                f"trendbot: internal error: {type(exc).__name__}: {exc} "
                "(set TRENDBOT_DEBUG=1 for the traceback)",
                markup=False,
            )
        sys.exit(EXIT_PROBLEM)
