"""Storage: SQLModel tables, the engine, Alembic migrations, the writes and the read models."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from bot.store.db import (
    UPGRADE_HINT,
    DatabaseError,
    DatabaseMissing,
    check_connection,
    check_writable,
    create_db_engine,
    describe,
)

# The newest migration. tests/bot/store/test_migrate.py checks it against Alembic's
# own view, so a new migration cannot be added without updating it.
HEAD_REVISION = "0003"

__all__ = ["HEAD_REVISION", "DatabaseError", "open_database"]


def open_database(database: str, *, create: bool = True, write: bool = False) -> Engine:
    """The engine every command and the service start with: reachable, schema up to date.

    Migrations are applied here, on start, so an upgraded trendbot never runs
    against an old schema; a database that cannot be reached or migrated is a
    DatabaseError with a one-line reason. Commands that only read pass
    ``create=False``: a database that does not exist yet (or holds no trendbot
    schema) is then an error naming it, not a new empty one. Commands that write
    pass ``write=True``: a read-only or locked database fails here, before any work.
    """
    engine = create_db_engine(database, create=create)
    try:
        check_connection(engine)
        revision = _revision(engine)
        if revision is None and not create:
            raise DatabaseMissing(
                f"database {describe(engine.url)} holds no trendbot tables; {UPGRADE_HINT}"
            )
        if revision != HEAD_REVISION:  # Alembic is only imported when there is work
            from bot.store.migrate import upgrade

            upgrade(engine)
        if write:
            check_writable(engine)
    except BaseException:
        engine.dispose()
        raise
    return engine


def _revision(engine: Engine) -> str | None:
    try:
        with engine.connect() as connection:
            return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except SQLAlchemyError:
        return None
