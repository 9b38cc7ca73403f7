"""`trendbot db upgrade|status|backup`: the database schema, and a copy of the database."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from bot.cli.app import app, fail, out, settings_of

EXIT_USAGE = 2

db_app = typer.Typer(
    help="Database schema: create or upgrade it, show its revision; back the database up.",
    no_args_is_help=True,
)
app.add_typer(db_app, name="db")


@db_app.command("upgrade")
def db_upgrade(ctx: typer.Context) -> None:
    """Create the database schema, or bring it up to the latest migration."""
    from bot.store.db import check_connection, create_db_engine, display_url
    from bot.store.migrate import upgrade

    settings = settings_of(ctx)
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
    from bot.store.db import check_connection, create_db_engine, display_url
    from bot.store.migrate import current_revision, head_revision

    settings = settings_of(ctx)
    engine = create_db_engine(settings.database, create=False)
    check_connection(engine)
    current, head = current_revision(engine), head_revision()
    where = display_url(engine.url)
    if current == head:
        out.print(f"{where}: at revision {current} (latest)", markup=False)
        return
    fail(
        f"{where}: at revision {current or 'none (empty)'}, latest is {head}; "
        "run `trendbot db upgrade`"
    )


@db_app.command("backup")
def db_backup(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="the file to write the copy to", metavar="PATH")],
    force: Annotated[bool, typer.Option("--force", help="replace PATH if it exists")] = False,
) -> None:
    """Write a consistent copy of the SQLite database to PATH, even while trendbot runs.

    For PostgreSQL it prints the pg_dump command to use instead and exits 2.
    """
    from bot.store.backup import BackupError, backup_sqlite, pg_dump_command, sqlite_path
    from bot.store.db import display_url

    settings = settings_of(ctx)
    try:
        source = sqlite_path(settings.database)
        if source is None:
            fail(
                f"trendbot db backup: {display_url(settings.database)} is PostgreSQL: back it "
                "up with pg_dump, the password in PGPASSWORD or ~/.pgpass, e.g. "
                f"{pg_dump_command(settings.database, path)}",
                EXIT_USAGE,
            )
        result = backup_sqlite(source, path, force=force)
    except BackupError as exc:
        fail(f"trendbot db backup: {exc}")
    revision = f"revision {result.revision}" if result.revision else "no trendbot schema"
    out.print(
        f"backed up {result.source} ({revision}) to {result.target}, "
        f"{result.size / 1_000_000:.1f} MB",
        markup=False,
    )
