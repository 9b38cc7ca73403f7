"""Storage: SQLModel tables, the database engine and Alembic migrations."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from bot.store.db import DatabaseError, check_connection, create_db_engine

# The newest migration. tests/bot/store/test_migrate.py checks it against Alembic's
# own view, so a new migration cannot be added without updating it.
HEAD_REVISION = "0003"

__all__ = ["HEAD_REVISION", "DatabaseError", "open_database"]


def open_database(database: str) -> Engine:
    """The engine every command and the service start with: reachable, schema up to date.

    Migrations are applied here, on start, so an upgraded trendbot never runs
    against an old schema; a database that cannot be reached or migrated is a
    DatabaseError with a one-line reason.
    """
    engine = create_db_engine(database)
    check_connection(engine)
    if _revision(engine) != HEAD_REVISION:  # Alembic is only imported when there is work
        from bot.store.migrate import upgrade

        upgrade(engine)
    return engine


def _revision(engine: Engine) -> str | None:
    try:
        with engine.connect() as connection:
            return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except SQLAlchemyError:
        return None
