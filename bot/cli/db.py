"""`trendbot db upgrade|status`: the database schema."""

from __future__ import annotations

import typer

from bot.cli.app import app, fail, out, settings_of

db_app = typer.Typer(
    help="Database schema: create or upgrade it, show its revision.", no_args_is_help=True
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
    engine = create_db_engine(settings.database)
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
